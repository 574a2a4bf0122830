import { readFileSync } from 'node:fs';

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

export const QUICK_ANSWERS_FILE = 'quick-answers.json';

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
  answersFile: URL | string,
  stdout: { isTTY?: boolean; columns?: number },
): string | null {
  if (argv.length !== 1 || !(VERSION_FLAGS.has(argv[0]) || HELP_FLAGS.has(argv[0]))) return null;
  let answers: QuickAnswers;
  try {
    answers = JSON.parse(readFileSync(answersFile, 'utf8')) as QuickAnswers;
  } catch {
    return null;
  }
  if (VERSION_FLAGS.has(argv[0])) return `${answers.version}\n`;
  const at = helpWidth(stdout) - answers.fromWidth;
  if (at < 0) return null;
  return answers.helps[answers.helpByWidth[Math.min(at, answers.helpByWidth.length - 1)]] ?? null;
}
