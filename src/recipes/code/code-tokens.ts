import type { CodeRecipeLanguage } from './code-environments.js';

/**
 * A token of code as far as finding its imports needs: names (identifiers, keywords, numbers),
 * string literals with their text (a TypeScript template holding `${…}` is a `template`), single punctuation characters and line ends. Comments are
 * dropped and strings are one token, so an `import` written in either is never taken for one.
 */
export interface CodeToken {
  kind: 'name' | 'string' | 'template' | 'punct' | 'newline';
  text: string;
}

/** Where a language's comment starts (to the line's end), and its block comment if it has one. */
const COMMENTS: Record<CodeRecipeLanguage, { line: string; block?: [string, string] }> = {
  python: { line: '#' },
  r: { line: '#' },
  typescript: { line: '//', block: ['/*', '*/'] },
};

/** R names may hold dots (`sys.source`); Python's and TypeScript's may hold `$` (TypeScript) but no dot. */
const NAME_START = /[A-Za-z_$]/;
const nameChar = (language: CodeRecipeLanguage) => (language === 'r' ? /[\w.]/ : /[\w$]/);

/** After these a `/` in TypeScript divides; after anything else it starts a regular expression. */
const DIVIDES_AFTER_PUNCT = new Set([')', ']', '}']);
const REGEX_AFTER_NAMES = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void']);

export function tokenize(code: string, language: CodeRecipeLanguage): CodeToken[] {
  const tokens: CodeToken[] = [];
  const comment = COMMENTS[language];
  const isNameChar = nameChar(language);
  let i = 0;
  const push = (kind: CodeToken['kind'], text: string) => tokens.push({ kind, text });
  while (i < code.length) {
    const c = code[i];
    if (c === '\n') {
      push('newline', '\n');
      i++;
    } else if (code.startsWith(comment.line, i)) {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
    } else if (comment.block && code.startsWith(comment.block[0], i)) {
      const end = code.indexOf(comment.block[1], i + 2);
      i = end < 0 ? code.length : end + comment.block[1].length;
    } else if (c === '"' || c === "'" || (c === '`' && language !== 'python')) {
      i = readString(code, i, language, push);
    } else if (NAME_START.test(c) || (language === 'r' && c === '.') || /\d/.test(c)) {
      let end = i + 1;
      while (end < code.length && isNameChar.test(code[end])) end++;
      const name = code.slice(i, end);
      const next = code[end];
      // A prefixed string: Python's r'…', b"…", f'…', rb"""…""", and R's raw strings r"(…)".
      if ((next === '"' || next === "'") && stringPrefix(name, language))
        i = readString(code, end, language, push, name);
      else {
        push('name', name);
        i = end;
      }
    } else if (c === '/' && language === 'typescript' && startsRegex(tokens)) {
      i = skipRegex(code, i);
    } else {
      if (!/\s/.test(c)) push('punct', c);
      i++;
    }
  }
  return tokens;
}

function stringPrefix(name: string, language: CodeRecipeLanguage): boolean {
  if (language === 'python') return /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/.test(name);
  return language === 'r' && /^[rR]$/.test(name);
}

/** Reads the string starting at `start` (its opening quote), pushes it, answers where the code goes on. */
function readString(
  code: string,
  start: number,
  language: CodeRecipeLanguage,
  push: (kind: CodeToken['kind'], text: string) => void,
  prefix = '',
): number {
  const quote = code[start];
  if (language === 'r' && prefix) return readRawRString(code, start, push);
  const triple = language === 'python' && code.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  let text = '';
  while (i < code.length && !code.startsWith(close, i)) {
    // A line end closes an unterminated one-line string (Python, TypeScript quotes): the next line is code.
    if (code[i] === '\n' && !triple && quote !== '`' && language !== 'r') break;
    if (code[i] === '\\') {
      text += code[i + 1] ?? '';
      i += 2;
    } else text += code[i++];
  }
  // A template with a `${…}` in it is computed: no path can be read from it.
  push(quote === '`' && text.includes('${') ? 'template' : 'string', text);
  return Math.min(code.length, i + close.length);
}

/** R 4's raw strings: r"(…)", r"[…]", r"{…}", with as many dashes on both sides. */
function readRawRString(code: string, start: number, push: (kind: CodeToken['kind'], text: string) => void): number {
  const quote = code[start];
  const open = /^(-*)([([{])/.exec(code.slice(start + 1, start + 200));
  if (!open) {
    push('string', '');
    return start + 1;
  }
  const closing = { '(': ')', '[': ']', '{': '}' }[open[2] as '(' | '[' | '{'];
  const close = `${closing}${open[1]}${quote}`;
  const from = start + 1 + open[0].length;
  const end = code.indexOf(close, from);
  push('string', code.slice(from, end < 0 ? code.length : end));
  return end < 0 ? code.length : end + close.length;
}

function startsRegex(tokens: CodeToken[]): boolean {
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k].kind === 'newline') k--;
  const prev = tokens[k];
  if (!prev) return true;
  if (prev.kind === 'string' || prev.kind === 'template') return false;
  if (prev.kind === 'name') return REGEX_AFTER_NAMES.has(prev.text);
  return !DIVIDES_AFTER_PUNCT.has(prev.text);
}

/** Skips a regular expression literal (a `/` inside `[…]` does not end it), flags included. */
function skipRegex(code: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < code.length && code[i] !== '\n') {
    const c = code[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  i++;
  while (i < code.length && /[a-z]/i.test(code[i])) i++;
  return i;
}
