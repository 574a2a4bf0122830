import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { demoRecipes } from './demo-recipes.js';
import { simulate } from './simulate.js';

describe('demo SQL recipes over simulated files', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-demo-recipes-'));
  let db: DuckDb;
  const recipe = (output: string) => demoRecipes.find((r) => r.output === output)!;

  beforeAll(async () => {
    const result = await simulate({
      start: '2025-01-28',
      days: 6,
      seed: 3,
      out: root,
      antennas: { DA: 6, DV: 6, CM: 4, PM: 2 },
    });
    db = await DuckDb.open();
    for (const t of result.tables) await db.run(`CREATE VIEW ${t.name} AS SELECT * FROM read_parquet('${t.path}')`);
    for (const r of demoRecipes) await db.run(`CREATE TABLE ${r.output} AS ${r.sql}`);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('declares inputs that are simulator tables and outputs with valid names', async () => {
    const tables = (await db.query(`SELECT table_name FROM information_schema.tables`)).rows.map((r) => r[0]);
    for (const r of demoRecipes) {
      for (const input of r.inputs) expect(tables).toContain(input);
      expect(r.output).toMatch(/^[a-z_]+$/);
    }
  });

  it('gives one row per shift whose buckets plus remaining time equal the duration', async () => {
    expect(recipe('shift_metrics').inputs).toEqual(['shift', 'gap', 'execution']);
    const shifts = Number((await db.query('SELECT count(*) FROM shift')).rows[0][0]);
    const r = await db.query(`SELECT count(*), count(DISTINCT shift_id),
        max(abs(accounted_h + remaining_h - duration_h)), max(accounted_h - duration_h), min(remaining_h), max(remaining_h), sum(qa0_pass_h), sum(weather_h) + sum(technical_h)
      FROM shift_metrics`);
    const [rows, distinct, tiling, overflow, minRemaining, maxRemaining, pass, downtime] = r.rows[0] as number[];
    expect(rows).toBe(shifts);
    expect(distinct).toBe(shifts);
    expect(tiling).toBeLessThan(1e-9);
    expect(overflow).toBeLessThanOrEqual(1e-9);
    expect(minRemaining).toBeGreaterThanOrEqual(0);
    expect(maxRemaining).toBeLessThan(2);
    expect(pass).toBeGreaterThan(0);
    expect(downtime).toBeGreaterThan(0);
  });

  it('keeps every efficiency metric in [0, 100]', async () => {
    const metrics = [
      'observation_efficiency_with_cal_pct',
      'operation_efficiency_with_cal_pct',
      'time_lost_rate_failures_pct',
      'calibration_rate_pct',
      'time_completeness_pct',
      'backlog_rate_pct',
    ];
    for (const m of metrics) {
      const [min, max, n] = (await db.query(`SELECT min(${m}), max(${m}), count(${m}) FROM shift_metrics`))
        .rows[0] as number[];
      expect(n, m).toBeGreaterThan(0);
      expect(min, m).toBeGreaterThanOrEqual(0);
      expect(max, m).toBeLessThanOrEqual(100 + 1e-9);
    }
  });

  it('shows the February shutdown in the metrics: no 12-m PI science hours', async () => {
    const [feb, jan] = (
      await db.query(`SELECT sum(qa0_pass_h + qa0_semipass_h + qa0_pending_h + qa0_fail_h) FILTER (WHERE month(start_ts) = 2),
                             sum(qa0_pass_h + qa0_semipass_h + qa0_pending_h + qa0_fail_h) FILTER (WHERE month(start_ts) = 1)
                      FROM shift_metrics WHERE array_family = '12m'`)
    ).rows[0] as number[];
    expect(feb).toBe(0);
    expect(jan).toBeGreaterThan(0);
  });

  it('computes per-EB median Trec per antenna, band, baseband and polarisation in long format', async () => {
    const expected = Number(
      (
        await db.query(
          `SELECT 2 * count(*) FROM (SELECT DISTINCT uid, antennaname, basebandname FROM trec_measurement)`,
        )
      ).rows[0][0],
    );
    const [rows, pols] = (
      await db.query(`SELECT count(*), string_agg(DISTINCT pol, ',' ORDER BY pol) FROM eb_trec_median`)
    ).rows[0];
    expect(rows).toBe(expected);
    expect(pols).toBe('X,Y');
    // Spot-check one group against a direct median.
    const [direct, fromRecipe] = (
      await db.query(`WITH one AS (SELECT uid, antennaname, basebandname FROM trec_measurement LIMIT 1)
        SELECT (SELECT median(trec_y) FROM trec_measurement JOIN one USING (uid, antennaname, basebandname)),
               (SELECT trec_median FROM eb_trec_median m JOIN one ON m.eb_uid = one.uid AND m.antennaname = one.antennaname AND m.basebandname = one.basebandname WHERE pol = 'Y')`)
    ).rows[0] as number[];
    expect(fromRecipe).toBeCloseTo(direct, 6);
  });
});
