import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.js';
import { runCli } from '../main.js';

describe('llano alma simulate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-alma-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file per table and prints rows per table', async () => {
    const io = capture(dir);
    const code = await runCli(
      ['alma', 'simulate', '--start', '2024-10-01', '--days', '2', '--seed', '42', '--out', 'sim'],
      io,
    );
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const lines = io.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^table\s+rows\s+file$/);
    const trec = lines.find((l) => l.startsWith('trec_measurement'))!;
    expect(Number(trec.split(/\s+/)[1])).toBeGreaterThan(1000);
    expect(lines.at(-1)).toMatch(/^2 days from 2024-10-01, seed 42/);
    for (const t of ['shift', 'gap', 'execution', 'trec_measurement', 'device_change', 'ground_truth', 'job_run']) {
      expect(existsSync(path.join(dir, 'sim', `${t}.parquet`)), t).toBe(true);
    }
  });

  it('prints JSON with --json and writes CSV with --format csv', async () => {
    const io = capture(dir);
    expect(await runCli(['alma', 'simulate', '--days', '1', '--out', 'csv', '--format', 'csv', '--json'], io)).toBe(0);
    const summary = JSON.parse(io.stdout) as { days: number; tables: { name: string; rows: number }[] };
    expect(summary.days).toBe(1);
    expect(summary.tables.find((t) => t.name === 'shift')?.rows).toBe(9);
    expect(existsSync(path.join(dir, 'csv', 'execution.csv'))).toBe(true);
  });

  it('rejects bad flags with a one-line error', async () => {
    const io = capture(dir);
    expect(await runCli(['alma', 'simulate', '--days', 'ten', '--out', 'x'], io)).toBe(1);
    expect(io.stderr).toMatch(/^error: --days: /);
    const io2 = capture(dir);
    expect(await runCli(['alma', 'simulate', '--format', 'xlsx', '--out', 'x'], io2)).toBe(1);
    expect(io2.stderr).toMatch(/--format/);
    const io3 = capture(dir);
    expect(await runCli(['alma', 'simulate', '--start', '2024-02-30', '--out', 'x'], io3)).toBe(1);
    expect(io3.stderr).toMatch(/valid date/);
  });
});
