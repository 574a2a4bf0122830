import { StreamLanguage, type StreamParser } from '@codemirror/language';

/**
 * R highlighting for the code editors. `@codemirror/legacy-modes` (which has an R mode) is not
 * installed, so this is a small stream tokenizer of our own over `@codemirror/language`:
 * comments, strings, numbers, keywords, constants, assignment arrows and function definitions.
 */
const KEYWORDS = new Set([
  'if',
  'else',
  'repeat',
  'while',
  'function',
  'for',
  'in',
  'next',
  'break',
  'return',
  'library',
  'require',
  'source',
  'tryCatch',
  'stop',
  'warning',
]);
const ATOMS = new Set([
  'TRUE',
  'FALSE',
  'NULL',
  'NA',
  'NA_integer_',
  'NA_real_',
  'NA_character_',
  'Inf',
  'NaN',
  'T',
  'F',
]);

interface RState {
  /** The quote of a string that goes on over lines, if any. */
  inString: string | null;
}

function readString(stream: Parameters<StreamParser<RState>['token']>[0], state: RState, quote: string): string {
  let escaped = false;
  let ch: string | void;
  while ((ch = stream.next()) !== undefined) {
    if (ch === quote && !escaped) {
      state.inString = null;
      return 'string';
    }
    escaped = !escaped && ch === '\\';
  }
  state.inString = quote;
  return 'string';
}

export const rParser: StreamParser<RState> = {
  name: 'r',
  startState: () => ({ inString: null }),
  token(stream, state) {
    if (state.inString) return readString(stream, state, state.inString);
    if (stream.eatSpace()) return null;
    if (stream.match('#')) {
      stream.skipToEnd();
      return 'comment';
    }
    const ch = stream.peek() ?? '';
    if (ch === '"' || ch === "'") {
      stream.next();
      return readString(stream, state, ch);
    }
    if (ch === '`') {
      stream.next();
      stream.skipTo('`');
      stream.next();
      return 'variableName.special';
    }
    if (stream.match(/^(0x[0-9a-fA-F]+|\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)[iL]?/)) return 'number';
    if (stream.match(/^(<<-|->>|<-|->|\|>|%[^%\s]*%|==|!=|<=|>=|&&|\|\||[-+*/^<>=!&|~$@:?])/)) return 'operator';
    const word = stream.match(/^[A-Za-z.][A-Za-z0-9._]*/);
    if (word) {
      const text = (word as RegExpMatchArray)[0];
      if (KEYWORDS.has(text)) return 'keyword';
      if (ATOMS.has(text)) return 'atom';
      // `name <- function(`: the name is a definition.
      if (stream.match(/^\s*(<-|=)\s*function\b/, false)) return 'def';
      return 'variable';
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
};

export const rLanguage = StreamLanguage.define(rParser);
