import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { simulate, type SimulationResult } from './simulate.js';
import { TABLE_NAMES } from './tables.js';

// Ten days across the start of February, a scaled-down inventory, spectra on.
const OPTIONS = {
  start: '2025-01-24',
  days: 10,
  seed: 7,
  spectra: true,
  antennas: { DA: 8, DV: 8, CM: 5, PM: 3 },
  trec: { spectrumChannels: 16 },
} as const;

describe('simulate (files)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-sim-'));
  let result: SimulationResult;
  let db: DuckDb;
  const count = async (sql: string) => Number((await db.query(sql)).rows[0][0]);

  beforeAll(async () => {
    result = await simulate({ ...OPTIONS, out: path.join(root, 'a') });
    db = await DuckDb.open();
    for (const t of result.tables) await db.run(`CREATE VIEW ${t.name} AS SELECT * FROM read_parquet('${t.path}')`);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes one Parquet file per table with the reported row counts', async () => {
    expect(result.tables.map((t) => t.name)).toEqual([...TABLE_NAMES]);
    for (const t of result.tables) expect(await count(`SELECT count(*) FROM ${t.name}`)).toBe(t.rows);
    expect(result.tables.find((t) => t.name === 'trec_measurement')!.rows).toBeGreaterThan(10_000);
    expect(await count('SELECT count(*) FROM shift')).toBe(10 * 3 * 3);
  });

  it('produces the same bytes for the same seed and different data for another seed', async () => {
    const again = await simulate({ ...OPTIONS, out: path.join(root, 'b') });
    for (const t of result.tables) {
      const other = again.tables.find((x) => x.name === t.name)!;
      expect(readFileSync(other.path).equals(readFileSync(t.path)), t.name).toBe(true);
    }
    const reseeded = await simulate({ ...OPTIONS, seed: 8, out: path.join(root, 'c') });
    const file = (r: SimulationResult) => readFileSync(r.tables.find((t) => t.name === 'trec_measurement')!.path);
    expect(file(reseeded).equals(file(result))).toBe(false);
  });

  it('writes UIDs, project codes and SB names in the real formats', async () => {
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE NOT regexp_full_match(eb_uid, 'uid://A002/X[0-9a-f]+/X[0-9a-f]+')`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE NOT regexp_full_match(sb_uid, 'uid://A001/X[0-9a-f]+/X[0-9a-f]+')`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE NOT regexp_full_match(project_code, '\\d{4}\\.[0-9A]\\.\\d{5}\\.(S|L|T|V|P|CSV)')`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE NOT regexp_full_match(sb_name, '[A-Za-z0-9+.-]+_[a-z]_\\d{2}_(TM1|TM2|7M|TP)')`,
      ),
    ).toBe(0);
    expect(await count(`SELECT count(DISTINCT eb_uid) - count(*) FROM execution`)).toBe(0);
    expect(await count(`SELECT count(*) FROM execution WHERE is_calibration AND NOT project_code LIKE '%.CSV'`)).toBe(
      0,
    );
  });

  it('keeps referential integrity between Trec rows, EBs, antennas and spectra', async () => {
    expect(await count(`SELECT count(*) FROM trec_measurement t ANTI JOIN execution e ON t.uid = e.eb_uid`)).toBe(0);
    expect(await count(`SELECT count(*) FROM trec_measurement t ANTI JOIN antenna a USING (antennaname)`)).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM trec_measurement t JOIN execution e ON t.uid = e.eb_uid WHERE t.receiverband <> e.band OR t.array_family <> e.array_family`,
      ),
    ).toBe(0);
    // Every Trec antenna is listed in its EB's PAD:ANTENNA list.
    expect(
      await count(
        `SELECT count(*) FROM trec_measurement t JOIN execution e ON t.uid = e.eb_uid WHERE NOT list_contains(list_transform(string_split(e.antennas, ' '), lambda p: split_part(p, ':', 2)), t.antennaname)`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM trec_spectrum s ANTI JOIN trec_measurement t USING (uid, caldataid, antennaname, basebandname)`,
      ),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) FROM trec_spectrum WHERE len(trec_spectrum_x) <> 16 OR len(trec_spectrum_y) <> 16`),
    ).toBe(0);
    expect(await count(`SELECT count(*) FROM gap g ANTI JOIN shift s USING (shift_id)`)).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM gap g ANTI JOIN execution e ON g.related_eb_uid = e.eb_uid WHERE g.related_eb_uid IS NOT NULL`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM job_run j ANTI JOIN execution e ON j.eb_uid = e.eb_uid WHERE j.eb_uid IS NOT NULL`,
      ),
    ).toBe(0);
  });

  it('matches every change point in the truth table to a device change or an injected drift', async () => {
    expect(
      await count(`SELECT count(*) FROM ground_truth WHERE kind IN ('step', 'excursion', 'drift')`),
    ).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*) FROM ground_truth t ANTI JOIN device_change d ON t.event_id = d.event_id AND t.antennaname = d.antennaname AND t.start_ts = d.eventtime
                   WHERE t.kind IN ('step', 'excursion')`),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM ground_truth WHERE kind = 'drift' AND (event_id IS NOT NULL OR magnitude <= 0 OR magnitude > 0.05)`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM ground_truth WHERE kind NOT IN ('step', 'excursion', 'drift', 'eb_outlier', 'scan_outlier', 'non_physical')`,
      ),
    ).toBe(0);
    // Injected outliers point at real EBs and antennas, and the stored value is the outlier.
    expect(
      await count(
        `SELECT count(*) FROM ground_truth t ANTI JOIN execution e ON t.eb_uid = e.eb_uid WHERE t.kind LIKE '%outlier' OR t.kind = 'non_physical'`,
      ),
    ).toBe(0);
    expect(await count(`SELECT count(*) FROM ground_truth WHERE kind = 'non_physical'`)).toBe(
      await count(
        `SELECT count(*) FROM trec_measurement WHERE trec_x <= 0 OR trec_x > 2000 OR trec_y <= 0 OR trec_y > 2000`,
      ),
    );
    // Every cartridge change swaps the serial reported in the Trec rows.
    expect(
      await count(
        `SELECT count(*) FROM device_change WHERE change_type = 'CartridgeReplaced' AND old_serial = new_serial`,
      ),
    ).toBe(0);
  });

  it('holds the February shutdown in the files', async () => {
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE array_family = '12m' AND NOT is_calibration AND month(start_ts) = 2`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM execution WHERE array_family = '12m' AND NOT is_calibration AND month(start_ts) = 1`,
      ),
    ).toBeGreaterThan(10);
  });

  it('writes CSV on request', async () => {
    const csv = await simulate({ ...OPTIONS, days: 2, spectra: false, format: 'csv', out: path.join(root, 'csv') });
    const shift = csv.tables.find((t) => t.name === 'shift')!;
    expect(shift.path.endsWith('shift.csv')).toBe(true);
    expect(readFileSync(shift.path, 'utf8').split('\n')[0]).toBe(
      'shift_id,array_family,shift_date,start_ts,end_ts,shift_type,operator,aod,activity,alma_sw_version,handover_subject',
    );
    expect(csv.tables.some((t) => t.name === 'trec_spectrum')).toBe(false);
  });

  it('rejects invalid options with a clear message', async () => {
    await expect(simulate({ ...OPTIONS, start: '2025-13-01', out: path.join(root, 'bad') })).rejects.toThrow(
      /valid date/,
    );
    await expect(simulate({ ...OPTIONS, days: 0, out: path.join(root, 'bad') })).rejects.toThrow();
  });
});
