import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../common/version.js';
import { captureIo } from './capture-io.js';
import { buildProgram } from './main.js';
import type { QuickAnswers } from './quick-answer.js';

/** Narrower terminals run commander itself. */
const FROM_WIDTH = 40;

/**
 * The answers `quickAnswer` gives, printed by commander itself for every terminal width up to
 * the one where nothing wraps any more. bin/build.js writes them next to the compiled CLI.
 */
export function quickAnswers(): QuickAnswers {
  const io = captureIo();
  let width = FROM_WIDTH;
  const program = buildProgram(io).configureOutput({ getOutHelpWidth: () => width });
  const helpAt = (w: number) => {
    width = w;
    io.stdout = '';
    try {
      program.parse(['--help'], { from: 'user' });
    } catch {
      // exitOverride: commander throws once the help is written.
    }
    return io.stdout;
  };
  const widest = Math.max(
    FROM_WIDTH,
    ...helpAt(10_000)
      .split('\n')
      .map((l) => l.length),
  );
  const helps: string[] = [];
  const helpByWidth: number[] = [];
  for (let w = FROM_WIDTH; w <= widest; w++) {
    const text = helpAt(w);
    if (helps.at(-1) !== text) helps.push(text);
    helpByWidth.push(helps.length - 1);
  }
  return { version: VERSION, helps, helpByWidth, fromWidth: FROM_WIDTH };
}

/** Writes the answers as the folder `quickAnswer` reads (see QUICK_ANSWERS_DIR). */
export function writeQuickAnswers(dir: string, answers: QuickAnswers = quickAnswers()): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'version.txt'), `${answers.version}\n`);
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ version: answers.version, fromWidth: answers.fromWidth, helpByWidth: answers.helpByWidth }),
  );
  answers.helps.forEach((text, n) => writeFileSync(path.join(dir, `help-${n}.txt`), text));
}
