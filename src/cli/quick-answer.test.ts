import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.js';
import { runCli } from './main.js';
import { quickAnswer } from './quick-answer.js';
import { writeQuickAnswers } from './quick-answers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-quick-'));
const file = path.join(dir, 'quick-answers');
writeQuickAnswers(file);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What commander prints for `argv` when stdout is (or is not) a terminal of `columns`. */
async function commanderSays(argv: string[], tty?: { columns: number }): Promise<string> {
  const saved = { isTTY: process.stdout.isTTY, columns: process.stdout.columns };
  const set = (isTTY: boolean | undefined, columns: number | undefined) => {
    Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true, writable: true });
    Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true, writable: true });
  };
  set(tty ? true : undefined, tty?.columns);
  try {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(0);
    return io.stdout;
  } finally {
    set(saved.isTTY, saved.columns);
  }
}

describe('--version and --help answered without loading the CLI', () => {
  it.each([['--version'], ['-V'], ['--help'], ['-h']])('%s prints what commander prints', async (flag) => {
    expect(quickAnswer([flag], file, { isTTY: false })).toBe(await commanderSays([flag]));
  });

  it.each([40, 60, 80, 100, 132, 181, 182, 250])('--help in a terminal of %i columns', async (columns) => {
    expect(quickAnswer(['--help'], file, { isTTY: true, columns })).toBe(await commanderSays(['--help'], { columns }));
  });

  it('leaves everything else to commander', () => {
    expect(quickAnswer(['--help'], file, { isTTY: true, columns: 30 })).toBeNull();
    expect(quickAnswer(['dataset', '--help'], file, { isTTY: false })).toBeNull();
    expect(quickAnswer(['--version', '--json'], file, { isTTY: false })).toBeNull();
    expect(quickAnswer(['--help'], path.join(dir, 'missing'), { isTTY: false })).toBeNull();
  });

  it('the llano command prints the same help as commander', async () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'llano.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(await commanderSays(['--help']));
  });
});
