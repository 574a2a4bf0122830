import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeLanguage } from './types.js';

/**
 * Llano's own folder (the one holding src/ and dist/): frames there are its harnesses and their
 * packages, not the user's code, and their paths are the server's.
 */
const LLANO_ROOT = (() => {
  const up = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
})();

/** Python files of the harnesses (the recipe entry and the sandbox's own), shown by name or full path. */
const PYTHON_HARNESS = /(^|\/)(recipe_entry|llano_[a-z_]+)\.py$/;

/**
 * R frames through which the harness calls the user's function, outermost part of the stack:
 * the recipe entry's call of `run`, the entry itself, and the sandbox's `do.call`.
 */
const R_ENTRY = [/^env\$run\(inputs, /, /^\(function \(config, llano = NULL\)/, /^do\.call\(fn, args\)/];
/** R frames of the error handler the harness installs (withCallingHandlers), innermost part of the stack. */
const R_HANDLER = /^(h\(simple(Error|Warning)\(|\.handleSimpleError\(|\.signalSimpleWarning\()/;

/**
 * The traceback as the user should read it: from their code inward, without the frames of
 * Llano's harnesses (which call their code) nor Node's internals, whose server paths are not
 * theirs to know. Frames of other packages their code called (pandas, a node module of theirs)
 * stay. An error raised in a harness before any user code ran keeps its message only.
 */
export function userTraceback(language: CodeLanguage, traceback: string): string {
  const lines = traceback.split('\n');
  const kept = language === 'python' ? pythonFrames(lines) : language === 'r' ? rFrames(lines) : nodeFrames(lines);
  return kept.join('\n');
}

/** Node: `    at f (file:line:col)` lines; those in Llano's folder or node:internal go. */
function nodeFrames(lines: string[]): string[] {
  const harness = (line: string) =>
    /^\s+at /.test(line) && (line.includes(`${LLANO_ROOT}${path.sep}`) || line.includes('node:internal/'));
  return lines.filter((line) => !harness(line));
}

/** Python: a frame is `  File "f", line n, in g` and the indented lines after it (source, carets). */
function pythonFrames(lines: string[]): string[] {
  const out: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const frame = /^ {2}File "([^"]+)", line \d+/.exec(line);
    if (frame) dropping = PYTHON_HARNESS.test(frame[1]) || frame[1].startsWith(`${LLANO_ROOT}${path.sep}`);
    else if (!line.startsWith('    ')) dropping = false;
    if (!dropping) out.push(line);
  }
  return out;
}

/** R: `Error: …` then one call per line, innermost first (see llano_harness.R). */
function rFrames(lines: string[]): string[] {
  const [head, ...calls] = lines;
  const entry = calls.findIndex((c) => R_ENTRY.some((p) => p.test(c)));
  const user = entry < 0 ? calls : calls.slice(0, entry);
  const first = user.findIndex((c) => !R_HANDLER.test(c));
  return [head, ...(first < 0 ? [] : user.slice(first))];
}
