import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { Simulation } from './generate.js';
import { simulate } from './simulate.js';
import { TREC_ROW_COLUMNS } from './trec-batch.js';
import { mix32 } from './trec-noise.js';

// The JS expansion (`DayBatch.trec`) and the SQL one (the file) are twins: same rows, same order, same values but the measurement noise.
const OPTIONS = { start: '2024-11-02', days: 4, seed: 5, antennas: { DA: 6, DV: 6, CM: 4, PM: 2 }, trec: { scanOutlierRate: 0.02 } } as const;

describe('Trec expansion in SQL and JS', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-trec-sql-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('mixes 32-bit keys like the SQL twin and spreads consecutive keys', async () => {
    const db = await DuckDb.open();
    try {
      const { mixSql } = await import('./trec-noise.js');
      const keys = [0, 1, 2, 12345, 4294967295, 2654435769];
      const rows = (await db.query(mixSql(`SELECT unnest([${keys.join(', ')}]::BIGINT[]) AS k`, ['k']))).rows;
      expect(rows.map((r) => Number(r[r.length - 1]))).toEqual(keys.map(mix32));
    } finally {
      db.close();
    }
    const values = Array.from({ length: 20000 }, (_, i) => mix32(i) / 4294967296);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('writes the rows the JS expansion produces, outliers included', async () => {
    const sim = new Simulation({ ...OPTIONS, out: '/unused' });
    const js: Record<string, number[]> = Object.fromEntries(TREC_ROW_COLUMNS.map((c) => [c, []]));
    for (const day of sim.days()) for (const c of TREC_ROW_COLUMNS) js[c].push(...day.trec.columns[c].subarray(0, day.trec.length));
    const result = await simulate({ ...OPTIONS, out: path.join(root, 'a') });
    const file = result.tables.find((t) => t.name === 'trec_measurement')!.path;
    const db = await DuckDb.open();
    try {
      const rows = (
        await db.query(
          `SELECT uid, caldataid, scan, epoch_ms(startvalidtime), epoch_ms(endvalidtime), antennaname, basebandname, freq_lo_ghz, groundtemperature, trec_x, trec_y, tau
           FROM read_parquet('${file}')`,
        )
      ).rows;
      expect(rows.length).toBe(js.eb.length);
      const names = sim.antennas.map((a) => a.name);
      let outliers = 0;
      rows.forEach((r, i) => {
        expect(r[0]).toBe(sim.ebUids[js.eb[i]]);
        expect([r[1], r[2], Number(r[3]), Number(r[4]), r[5], r[6], r[7]]).toEqual([
          js.caldataid[i],
          js.scan[i],
          js.start_ms[i],
          js.end_ms[i],
          names[js.antenna[i]],
          `BB_${js.baseband[i] + 1}`,
          js.freq_lo_ghz[i],
        ]);
        expect(r[8]).toBe(Math.fround(js.groundtemperature[i]));
        // Non-physical values are exact; everything else within the noise.
        for (const [v, w] of [
          [r[9], js.trec_x[i]],
          [r[10], js.trec_y[i]],
        ] as [number, number][]) {
          if (w <= 0 || w > 2000) {
            outliers++;
            expect(v).toBe(Math.fround(w));
          } else expect(Math.abs(v / w - 1)).toBeLessThan(0.5);
        }
        expect(Math.abs((r[11] as number) / js.tau[i] - 1)).toBeLessThan(0.2);
      });
      expect(outliers).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
