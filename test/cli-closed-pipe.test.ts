import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'llano.js');
const work = mkdtempSync(path.join(tmpdir(), 'llano-pipe-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('llano writing into a pipe its reader closed (llano … | head -1)', () => {
  it('ends quietly with the SIGPIPE status instead of a stack trace', async () => {
    const csv = path.join(work, 'series.csv');
    const values = Array.from({ length: 200_000 }, (_, i) => (Math.sin(i / 50) + (i > 100_000 ? 3 : 0)).toFixed(4));
    writeFileSync(csv, `x\n${values.join('\n')}\n`);
    const child = spawn(process.execPath, [BIN, 'analytics', 'outliers', csv, '--column', 'x'], {
      env: { ...process.env, LLANO_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like head: read the first chunk, then close the reading end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).not.toMatch(/EPIPE|at .*\(|Error/);
    expect(status).toBe(141);
  }, 60_000);
});
