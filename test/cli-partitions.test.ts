import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';

describe('llano dataset partitioning / partitions and build --partitions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-part-'));
  const home = ['--home', path.join(dir, 'ws'), '-p', 'CP'];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('declares partitioning, backfills a range then the missing partitions, and lists their states', async () => {
    writeFileSync(path.join(dir, 'seed.csv'), 'day,v\n2024-10-01,1\n2024-10-02,2\n2024-10-03,3\n');
    expect((await llano(['--home', path.join(dir, 'ws'), 'project', 'create', 'CP'])).code).toBe(0);
    expect((await llano([...home, 'dataset', 'import', 'seed', path.join(dir, 'seed.csv')])).code).toBe(0);
    const declared = await llano([...home, 'dataset', 'partitioning', 'seed', '--dim', 'time:day:day']);
    expect(declared.code, declared.err).toBe(0);
    expect(declared.out).toMatch(/day\s+time\s+day\s+day/);
    const bad = await llano([...home, 'dataset', 'partitioning', 'seed', '--dim', 'time:day']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('time:NAME:PERIOD');
    const rec = await llano([
      ...home,
      'recipe',
      'create',
      'r_out',
      '--input',
      'seed',
      '--output',
      'out',
      '--sql',
      "SELECT day, v * 10 AS v10 FROM seed WHERE CAST(day AS VARCHAR) = '{{partition.day}}'",
    ]);
    expect(rec.code, rec.err).toBe(0);
    expect((await llano([...home, 'dataset', 'partitioning', 'out', '--dim', 'time:day:day'])).code).toBe(0);

    const range = await llano([...home, 'build', 'out', '--partitions', '2024-10-01..2024-10-02']);
    expect(range.code, range.err).toBe(0);
    expect(range.out).toMatch(/out \[2024-10-02\]\s+succeeded/);
    const listed = await llano([...home, 'dataset', 'partitions', 'out']);
    expect(listed.out).toMatch(/2024-10-01\s+ready\s+1/);
    expect(listed.out).toMatch(/2024-10-03\s+missing/);

    expect((await llano([...home, 'build', 'out', '--partitions', 'missing'])).code).toBe(0);
    const missing = await llano([...home, 'dataset', 'partitions', 'out', '--state', 'missing']);
    expect(missing.out).not.toMatch(/2024-10/);
  });
});
