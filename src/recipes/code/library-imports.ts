import path from 'node:path';
import type { CodeRecipeLanguage } from './code-environments.js';
import { languageOf, LIBRARY_FOLDER, type LibraryFile } from './code-libraries.js';
import { tokenize, type CodeToken } from './code-tokens.js';

/**
 * Which project library files a piece of code imports, read from its tokens (comments and strings
 * never count), so that a recipe is stale when a library it uses changes, not when any library of
 * its language does:
 * - Python: `import bands`, `import bands as b, qa`, `from bands import KEEP` (the library `bands.py`);
 * - TypeScript: `import … from './lib/bands.ts'`, `export … from`, `import './lib/x'`, `import('…')`
 *   and `require('…')` with a literal; the extension may be left out or be `.js` for a `.ts` file
 *   (esbuild resolves them so), and a bare `bands` is found too (the library folder is on the path);
 * - R: `source("lib/bands.R")` (and `sys.source`), relative to the work folder the code runs in.
 * Library files' own imports count too (transitively). What cannot be read without running the
 * code — Python's `importlib`, `__import__`, `exec`, `eval` or a relative import, TypeScript's
 * `import(x)` or `require(x)` of a variable, R's `source(x)` of a variable — is `dynamic`: then
 * every library file of the language counts, as before imports were read.
 */
export interface CodeImports {
  /** What the code names, as written (Python: the module; TypeScript, R: the path). */
  specifiers: string[];
  dynamic: boolean;
}

const PYTHON_DYNAMIC = new Set(['importlib', '__import__', 'exec', 'eval', 'runpy']);

export function codeImports(code: string, language: CodeRecipeLanguage): CodeImports {
  const tokens = tokenize(code, language);
  if (language === 'python') return pythonImports(tokens);
  // Statements of TypeScript and calls of R run over lines: line ends do not matter there.
  const joined = tokens.filter((t) => t.kind !== 'newline');
  return language === 'typescript' ? typescriptImports(joined) : rImports(joined);
}

function pythonImports(tokens: CodeToken[]): CodeImports {
  const specifiers: string[] = [];
  let dynamic = false;
  /** A dotted name from `i`: answers it and where it ends (`.x` relative names start with a dot). */
  const dotted = (i: number): [string, number] => {
    let name = '';
    while (tokens[i]?.text === '.') name += tokens[i++].text;
    while (tokens[i]?.kind === 'name') {
      name += tokens[i++].text;
      if (tokens[i]?.text !== '.' || tokens[i + 1]?.kind !== 'name') break;
      name += tokens[i++].text;
    }
    return [name, i];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'name') continue;
    // `df.eval(…)` is pandas' method, not the builtin.
    if (PYTHON_DYNAMIC.has(t.text) && tokens[i - 1]?.text !== '.') dynamic = true;
    else if (t.text === 'from' && atStatementStart(tokens, i)) {
      const [name, end] = dotted(i + 1);
      // `from . import x` or `from .x import y`: relative to a package the library folder is not.
      if (name.startsWith('.')) dynamic = true;
      else if (name) specifiers.push(name);
      i = end - 1;
    } else if (t.text === 'import' && atStatementStart(tokens, i)) {
      // `import a.b as c, d`: every module of the list, up to the line's end.
      let k = i + 1;
      while (k < tokens.length && tokens[k].kind !== 'newline' && tokens[k].text !== ';') {
        const [name, end] = dotted(k);
        if (name) specifiers.push(name);
        k = end;
        if (tokens[k]?.text === 'as') k += 2;
        if (tokens[k]?.text === ',') k++;
        else if (!name) k++;
      }
      i = k - 1;
    }
  }
  return { specifiers, dynamic };
}

/** `import` and `from` begin a statement: first on their line, or after `;` or `:` (`if x: import y`). */
function atStatementStart(tokens: CodeToken[], i: number): boolean {
  const prev = tokens[i - 1];
  return !prev || prev.kind === 'newline' || prev.text === ';' || prev.text === ':';
}

function typescriptImports(tokens: CodeToken[]): CodeImports {
  const specifiers: string[] = [];
  let dynamic = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'name' || tokens[i - 1]?.text === '.') continue;
    const next = tokens[i + 1];
    if ((t.text === 'from' || t.text === 'import') && next?.kind === 'string') specifiers.push(next.text);
    else if ((t.text === 'import' || t.text === 'require') && next?.text === '(') {
      const argument = tokens[i + 2];
      if (argument?.kind === 'string' && tokens[i + 3]?.text === ')') specifiers.push(argument.text);
      else dynamic = true;
    }
  }
  return { specifiers, dynamic };
}

function rImports(tokens: CodeToken[]): CodeImports {
  const specifiers: string[] = [];
  let dynamic = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'name' || (t.text !== 'source' && t.text !== 'sys.source') || tokens[i + 1]?.text !== '(') continue;
    // `source(file = "lib/x.R")` names its argument.
    let k = i + 2;
    if (tokens[k]?.text === 'file' && tokens[k + 1]?.text === '=') k += 2;
    const argument = tokens[k];
    if (argument?.kind === 'string' && (tokens[k + 1]?.text === ')' || tokens[k + 1]?.text === ','))
      specifiers.push(argument.text);
    else dynamic = true;
  }
  return { specifiers, dynamic };
}

/** The library file names a specifier can be, written by code in `fromFolder` ('' for the recipe's, 'lib' for a library's). */
function candidates(specifier: string, language: CodeRecipeLanguage, fromFolder: string): string[] {
  if (language === 'python') {
    // `import bands` (lib/ is on the module path) or `import lib.bands` (lib/ a namespace package of the work folder).
    const parts = specifier.split('.');
    return [`${parts[0] === LIBRARY_FOLDER && parts.length > 1 ? parts[1] : parts[0]}.py`];
  }
  let relative: string;
  // R's source() reads paths from the working folder, wherever the file calling it is.
  if (language === 'r') relative = path.posix.normalize(specifier);
  else if (specifier.startsWith('.')) relative = path.posix.normalize(path.posix.join(fromFolder, specifier));
  // A bare TypeScript name: the library folder is on the module path.
  else if (!specifier.includes('/')) relative = `${LIBRARY_FOLDER}/${specifier}`;
  else return [];
  const inLibrary = `${LIBRARY_FOLDER}/`;
  if (!relative.startsWith(inLibrary) || relative.slice(inLibrary.length).includes('/')) return [];
  const name = relative.slice(inLibrary.length);
  if (language === 'r') return [name];
  const stem = name.replace(/\.(ts|js|mjs)$/, '');
  return [name, `${stem}.ts`, `${stem}.js`, `${stem}.mjs`];
}

/** What each library file of a language imports among the others, and whether it imports dynamically. */
export type LibraryGraph = Map<string, { imports: string[]; dynamic: boolean }>;

export function libraryGraph(files: LibraryFile[], language: CodeRecipeLanguage): LibraryGraph {
  const mine = files.filter((f) => languageOf(f.name) === language);
  const names = new Set(mine.map((f) => f.name));
  const graph: LibraryGraph = new Map();
  for (const f of mine) {
    const found = codeImports(f.content, language);
    graph.set(f.name, { imports: resolve(found.specifiers, language, LIBRARY_FOLDER, names), dynamic: found.dynamic });
  }
  return graph;
}

function resolve(specifiers: string[], language: CodeRecipeLanguage, fromFolder: string, names: Set<string>): string[] {
  const out: string[] = [];
  for (const s of specifiers) {
    const name = candidates(s, language, fromFolder).find((c) => names.has(c));
    if (name) out.push(name);
  }
  return out;
}

/**
 * The library files (names, sorted) that `code` imports directly or through other library files;
 * every file of the graph when one of them, or the code, imports dynamically.
 */
export function importedLibraryNames(code: string, language: CodeRecipeLanguage, graph: LibraryGraph): string[] {
  const all = [...graph.keys()].sort();
  const found = codeImports(code, language);
  if (found.dynamic) return all;
  const seen = new Set<string>();
  const queue = resolve(found.specifiers, language, '', new Set(all));
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = graph.get(name)!;
    if (node.dynamic) return all;
    queue.push(...node.imports);
  }
  return [...seen].sort();
}
