import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `llano --version` and `llano --help` answered from a file written when dist/ is built
 * (bin/build.js, see quick-answers.ts), without loading commander and every command's modules:
 * that load is most of the start-up of the CLI. Nothing but node:fs here, for the same reason.
 */
export interface QuickAnswers {
  version: string;
  /** Distinct texts of `--help`: commander wraps it to the terminal's width. */
  helps: string[];
  /** `helps` index for each width from `fromWidth` on; the last one serves every wider terminal. */
  helpByWidth: number[];
  fromWidth: number;
}

/**
 * The folder of answers in dist/: `version.txt`, `index.json` (which help for which width) and
 * one `help-N.txt` per distinct text, so an answer reads a few kilobytes, not every width's help.
 */
export const QUICK_ANSWERS_DIR = 'quick-answers';

const VERSION_FLAGS = new Set(['--version', '-V']);
const HELP_FLAGS = new Set(['--help', '-h']);

/** Commander's width: the terminal's, else 80. */
const helpWidth = (stdout: { isTTY?: boolean; columns?: number }) => (stdout.isTTY ? (stdout.columns ?? 80) : 80);

/**
 * The text commander would print for `argv`, or null when it must run (any other arguments, a
 * terminal narrower than the widths laid out in advance, or no readable answers file).
 */
export function quickAnswer(
  argv: readonly string[],
  answersDir: string,
  stdout: { isTTY?: boolean; columns?: number },
): string | null {
  if (argv.length !== 1 || !(VERSION_FLAGS.has(argv[0]) || HELP_FLAGS.has(argv[0]))) return null;
  try {
    if (VERSION_FLAGS.has(argv[0])) return readFileSync(path.join(answersDir, 'version.txt'), 'utf8');
    const index = JSON.parse(readFileSync(path.join(answersDir, 'index.json'), 'utf8')) as Omit<QuickAnswers, 'helps'>;
    const at = helpWidth(stdout) - index.fromWidth;
    if (at < 0) return null;
    const n = index.helpByWidth[Math.min(at, index.helpByWidth.length - 1)];
    return readFileSync(path.join(answersDir, `help-${n}.txt`), 'utf8');
  } catch {
    return null;
  }
}
