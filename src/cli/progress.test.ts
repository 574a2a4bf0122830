import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.js';
import { runCli } from './main.js';
import { ProgressBar } from './progress.js';

const terminal = (cwd?: string) => Object.assign(captureIo(cwd), { isTty: true });

describe('progress on a terminal', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-progress-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('redraws one line in place, clamps the fraction, ends with a line break; prints nothing off a terminal', () => {
    const io = terminal();
    const bar = new ProgressBar(io, 'job');
    bar.update(0.5, 'half');
    bar.update(0.5, 'half'); // the same line is not drawn twice
    bar.update(7, 'over');
    bar.done();
    const lines = io.stderr.split('\r').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^job \[#{15}\.{15}\] {2}50% half\s*$/);
    expect(lines[1]).toMatch(/^job \[#{30}\] 100% over\s*\n$/);

    const plain = captureIo();
    const quiet = new ProgressBar(plain, 'job');
    quiet.update(0.5);
    quiet.done();
    expect(plain.stderr).toBe('');
  });

  it('a local dataset import shows its progress to 100 % and the rows, and keeps stdout clean', async () => {
    writeFileSync(
      path.join(dir, 'obs.csv'),
      'band,trec\n' + Array.from({ length: 1000 }, (_, i) => `${i % 3},${i}`).join('\n') + '\n',
    );
    const create = terminal(dir);
    expect(await runCli(['--home', 'ws', 'project', 'create', 'PROG'], create), create.stderr).toBe(0);
    const io = terminal(dir);
    expect(await runCli(['--home', 'ws', '-p', 'PROG', 'dataset', 'import', 'obs', 'obs.csv'], io), io.stderr).toBe(0);
    const frames = io.stderr.split('\r').filter((f) => f.startsWith('import obs'));
    expect(frames[0]).toMatch(/\[\.{30}\] {3}0%/);
    expect(frames.at(-1)).toMatch(/\[#{30}\] 100% 1000 rows\s*\n$/);
    expect(io.stdout).not.toContain('\r');
  });
});
