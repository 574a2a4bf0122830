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
    for (const t of [
      'shift',
      'gap',
      'execution',
      'trec_measurement',
      'device_change',
      'ground_truth',
      'job_run',
      'mous',
      'obscore',
      'sched_block',
      'project',
    ]) {
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

describe('llano alma fidelity', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-alma-fidelity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures written tables with --in and prints the facts as JSON', async () => {
    const io = capture(dir);
    expect(await runCli(['alma', 'simulate', '--days', '3', '--seed', '7', '--out', 'sim'], io)).toBe(0);
    const check = capture(dir);
    const code = await runCli(['alma', 'fidelity', '--in', 'sim', '--json'], check);
    expect(check.stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(check.stdout) as {
      facts: { id: string; source: string; expected: string; measured: string; ok: boolean | null }[];
    };
    const inventory = report.facts.find((f) => f.id === 'antenna_inventory')!;
    expect(inventory).toMatchObject({ source: 'S11', measured: 'CM 12, DA 25, DV 25, PM 4', ok: true });
    expect(report.facts.find((f) => f.id === 'science_hours_12m')!.ok).toBeNull();
  });

  it('prints a table and exits 1 naming the sourced facts that fail', async () => {
    const io = capture(dir);
    // A scaled-down inventory contradicts the antenna count of [S11].
    const { simulate } = await import('../../alma/simulator/index.js');
    await simulate({
      start: '2024-10-01',
      days: 2,
      out: path.join(dir, 'small'),
      antennas: { DA: 6, DV: 6, CM: 4, PM: 2 },
    });
    const code = await runCli(['alma', 'fidelity', '--in', 'small'], io);
    expect(code).toBe(1);
    expect(io.stdout.split('\n')[0]).toMatch(/^fact\s+source\s+expected\s+measured\s+ok$/);
    expect(io.stdout).toMatch(/antenna_inventory\s+S11\s+.*NOT/);
    expect(io.stderr).toMatch(/^error: 1 sourced fact\(s\) fail: antenna_inventory/);
  });

  it('rejects a folder without tables with a one-line error', async () => {
    const io = capture(dir);
    expect(await runCli(['alma', 'fidelity', '--in', 'missing'], io)).toBe(1);
    expect(io.stderr).toMatch(/^error: --in: no such folder/);
  });
});
