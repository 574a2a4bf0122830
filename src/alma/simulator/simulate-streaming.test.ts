import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { bandName } from './identifiers.js';
import { trecModelSchema } from './options.js';
import { simulate, type SimulationResult } from './simulate.js';
import { TABLE_NAMES } from './tables.js';

/**
 * The streaming side of `simulate`: Trec row groups expanded and written by worker threads,
 * the Parquet files of Llano's own writer as DuckDB reads them, CSV output, and clean-up
 * after a failed run.
 */

// Ten October days at the full inventory: ~171 k Trec rows, so the sink closes a 131,072-row
// chunk on day 8 and trec_measurement has two row groups, written by different workers on 2 threads.
const ROW_GROUPS = { start: '2024-10-01', days: 10, seed: 3 } as const;
// Spectra on every EB: the sink's chunks are 16,384 rows, so both Trec files have several row groups.
const CHANNELS = 16;
const SPECTRA = {
  start: '2024-10-01',
  days: 5,
  seed: 3,
  spectra: true,
  antennas: { DA: 8, DV: 8, CM: 5, PM: 3 },
  trec: { spectrumChannels: CHANNELS },
} as const;

const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;
const file = (r: SimulationResult, table: string) => r.tables.find((t) => t.name === table)!.path;

/** Threads of this process (Linux); null elsewhere. */
function osThreads(): number | null {
  if (!existsSync('/proc/self/status')) return null;
  const m = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

describe('simulate (streaming Trec files, formats, failures)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-sim-stream-'));
  let db: DuckDb;
  let rowGroups: SimulationResult;
  let spectra: SimulationResult;
  const rows = async (sql: string) => (await db.query(sql)).rows;
  const count = async (sql: string) => Number((await rows(sql))[0][0]);
  /** Column names and types of a relation (DESCRIBE answers both as text). */
  const describeColumns = async (relation: string) =>
    (await rows(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => [r[0], r[1]] as [string, string]);

  beforeAll(async () => {
    rowGroups = await simulate({ ...ROW_GROUPS, threads: 2, out: path.join(root, 'row-groups') });
    spectra = await simulate({ ...SPECTRA, threads: 2, out: path.join(root, 'spectra') });
    db = await DuckDb.open();
  });
  afterAll(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const rowGroupCount = (p: string) =>
    count(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlPath(p)})`);

  it('writes the same bytes for every table on 1 and 2 threads and on a repeat run, across several row groups', async () => {
    expect(await rowGroupCount(file(rowGroups, 'trec_measurement'))).toBeGreaterThan(1);
    const oneThread = await simulate({ ...ROW_GROUPS, threads: 1, out: path.join(root, 'row-groups-1') });
    const repeat = await simulate({ ...ROW_GROUPS, threads: 2, out: path.join(root, 'row-groups-2') });
    const names = TABLE_NAMES.filter((t) => t !== 'trec_spectrum');
    for (const run of [oneThread, repeat]) {
      expect(run.tables.map((t) => t.name)).toEqual(names);
      for (const t of rowGroups.tables)
        expect(readFileSync(file(run, t.name)).equals(readFileSync(t.path)), t.name).toBe(true);
    }
    // Only the table files are left in the output folder.
    expect(readdirSync(path.join(root, 'row-groups-1')).sort()).toEqual(names.map((t) => `${t}.parquet`).sort());
  });

  it('writes the same bytes for both Trec files with spectra on 1 and 2 threads', async () => {
    expect(await rowGroupCount(file(spectra, 'trec_measurement'))).toBeGreaterThan(1);
    expect(await rowGroupCount(file(spectra, 'trec_spectrum'))).toBeGreaterThan(1);
    const oneThread = await simulate({ ...SPECTRA, threads: 1, out: path.join(root, 'spectra-1') });
    expect(oneThread.tables.map((t) => t.name)).toEqual([...TABLE_NAMES]);
    for (const t of spectra.tables)
      expect(readFileSync(file(oneThread, t.name)).equals(readFileSync(t.path)), t.name).toBe(true);
  });

  it('gives every measurement a spectrum of the configured channels around its scalar Trec', async () => {
    const m = `read_parquet(${sqlPath(file(spectra, 'trec_measurement'))})`;
    const s = `read_parquet(${sqlPath(file(spectra, 'trec_spectrum'))})`;
    const measured = await count(`SELECT count(*) FROM ${m}`);
    expect(measured).toBeGreaterThan(30_000);
    // spectra: true puts spectra on every row, one per measurement key.
    expect(await count(`SELECT count(*) FROM ${s}`)).toBe(measured);
    expect(spectra.tables.find((t) => t.name === 'trec_spectrum')!.rows).toBe(measured);
    expect(
      await count(`SELECT count(*) FROM ${s} ANTI JOIN ${m} USING (uid, caldataid, antennaname, basebandname)`),
    ).toBe(0);
    expect(await count(`SELECT count(*) - count(DISTINCT (uid, caldataid, antennaname, basebandname)) FROM ${s}`)).toBe(
      0,
    );
    expect(
      await count(
        `SELECT count(*) FROM ${s} WHERE trec_spectrum_x IS NULL OR trec_spectrum_y IS NULL OR len(trec_spectrum_x) <> ${CHANNELS} OR len(trec_spectrum_y) <> ${CHANNELS}`,
      ),
    ).toBe(0);

    // The channel mean follows the row's Trec: channel noise is twice the band's scalar σ, so the
    // mean of 16 channels deviates by σ_mean = 2σ / 4 (0.75 % for σ = 1.5 %, 2.5 % for σ = 5 %).
    const bands = trecModelSchema.parse({}).bands;
    const sigmas = Object.entries(bands)
      .map(([band, model]) => `('${bandName(Number(band))}', ${(2 * model.noise) / Math.sqrt(CHANNELS)})`)
      .join(', ');
    const deviations = `
      WITH sigma(receiverband, sigma_mean) AS (VALUES ${sigmas}),
      rel AS (
        SELECT receiverband, sigma_mean, list_avg(trec_spectrum_x) / trec_x - 1 AS dx, list_avg(trec_spectrum_y) / trec_y - 1 AS dy
        FROM ${s} JOIN ${m} USING (uid, caldataid, antennaname, basebandname) JOIN sigma USING (receiverband)
        WHERE trec_x <> 0 AND trec_y <> 0)`;
    // Every row within 6 σ_mean (at most 4.5 % for the quiet bands, 15 % for bands 9 and 10).
    expect(
      await count(`${deviations} SELECT count(*) FROM rel WHERE abs(dx) > 6 * sigma_mean OR abs(dy) > 6 * sigma_mean`),
    ).toBe(0);
    expect(await count(`${deviations} SELECT count(*) FROM rel`)).toBe(measured);
    // Unbiased, with the spread the model gives, band by band.
    const byBand = await rows(`${deviations}
      SELECT receiverband, avg(dx), avg(dy), stddev(dx) / any_value(sigma_mean), stddev(dy) / any_value(sigma_mean)
      FROM rel GROUP BY receiverband HAVING count(*) >= 400 ORDER BY receiverband`);
    expect(byBand.length).toBeGreaterThanOrEqual(5);
    for (const [band, meanX, meanY, spreadX, spreadY] of byBand as [string, number, number, number, number][]) {
      expect(Math.abs(meanX), band).toBeLessThan(0.002);
      expect(Math.abs(meanY), band).toBeLessThan(0.002);
      for (const spread of [spreadX, spreadY]) {
        expect(spread, band).toBeGreaterThan(0.85);
        expect(spread, band).toBeLessThan(1.15);
      }
    }
  });

  it.each([
    { threads: 1, failDay: 3 },
    // By day 6 five 16,384-row chunks are out, more than two per worker: the first is placed and handed to its worker to write.
    { threads: 2, failDay: 6 },
  ])('leaves nothing behind when the run fails on day $failDay ($threads threads)', async ({ threads, failDay }) => {
    const out = path.join(root, `fail-${threads}`);
    const failure = new Error(`stop on day ${failDay}`);
    const before = osThreads();
    let during: number | null = null;
    let stagedWhileRunning: string[] = [];
    // The full inventory: ~17 k rows a day, so a 16,384-row chunk closes about every day.
    const run = simulate({ ...SPECTRA, days: 8, antennas: {}, threads, out }, (p) => {
      if (p.phase === 'generating' && p.day === failDay) {
        during = osThreads();
        stagedWhileRunning = readdirSync(path.join(out, '.simulate-tmp')).sort();
        throw failure;
      }
    });
    await expect(run).rejects.toBe(failure);
    // The failure came while every table was being staged…
    expect(stagedWhileRunning).toEqual(TABLE_NAMES.map((t) => `${t}.parquet`).sort());
    // …and neither a table file nor the temporary folder survives it.
    expect(readdirSync(out)).toEqual([]);
    // The worker threads are gone: the file finishing proves none keeps the process alive, and on
    // Linux the thread count shows them stopped (Node 20 lists no Worker in getActiveResourcesInfo()).
    if (before !== null) {
      expect(during!).toBeGreaterThanOrEqual(before + threads);
      expect(osThreads()!).toBeLessThanOrEqual(before);
    }
  });

  it('keeps an earlier complete run untouched when a later run fails while writing its last table', async () => {
    const small = { start: '2024-10-01', days: 2, antennas: { DA: 8, DV: 8, CM: 5, PM: 3 }, threads: 1 } as const;
    const out = path.join(root, 'late-failure');
    const earlier = await simulate({ ...small, seed: 1, out });
    const bytes = Object.fromEntries(earlier.tables.map((t) => [t.name, readFileSync(t.path)]));
    const failure = new Error('late failure');
    const run = simulate({ ...small, seed: 2, out }, (p) => {
      if (p.phase === 'writing' && p.table === 'trec_measurement') throw failure;
    });
    await expect(run).rejects.toBe(failure);
    // Only a run that completes replaces files: the seed-1 tables are all still there, byte for byte.
    expect(readdirSync(out).sort()).toEqual(earlier.tables.map((t) => path.basename(t.path)).sort());
    for (const t of earlier.tables) expect(readFileSync(t.path).equals(bytes[t.name]), t.name).toBe(true);
  });

  it('writes every table as CSV that DuckDB reads back to the same rows as the Parquet run', async () => {
    const csv = await simulate({ ...SPECTRA, threads: 1, format: 'csv', out: path.join(root, 'csv') });
    expect(csv.tables.map((t) => t.name)).toEqual([...TABLE_NAMES]);
    expect(readdirSync(path.join(root, 'csv')).sort()).toEqual(TABLE_NAMES.map((t) => `${t}.csv`).sort());
    for (const t of csv.tables) {
      const parquet = spectra.tables.find((x) => x.name === t.name)!;
      expect(t.path.endsWith(`${t.name}.csv`)).toBe(true);
      expect(t.rows, t.name).toBe(parquet.rows);
      expect(await count(`SELECT count(*) FROM read_csv(${sqlPath(t.path)})`), t.name).toBe(parquet.rows);
      // Read with the Parquet file's column types, the CSV holds exactly the Parquet rows.
      const columns = await describeColumns(`read_parquet(${sqlPath(parquet.path)})`);
      const types = columns.map(([name, type]) => `'${name}': '${type}'`).join(', ');
      const csvRows = `read_csv(${sqlPath(t.path)}, header = true, types = {${types}})`;
      expect(
        (await rows(`DESCRIBE SELECT * FROM ${csvRows}`)).map(([name]) => name),
        t.name,
      ).toEqual(columns.map(([name]) => name));
      const differing = `SELECT count(*) FROM (SELECT * FROM read_parquet(${sqlPath(parquet.path)}) EXCEPT ALL SELECT * FROM ${csvRows})`;
      expect(await count(differing), t.name).toBe(0);
    }
  });

  it('writes the column types DuckDB reads, with a sideband for every band but 9 and 10', async () => {
    const expected: Record<string, string> = {
      antenna:
        'antennaname VARCHAR, antenna_type VARCHAR, array_family VARCHAR, dish_m DOUBLE, maker VARCHAR, executive VARCHAR',
      pad: 'pad_name VARCHAR, array_family VARCHAR, arm VARCHAR, x_m DOUBLE, y_m DOUBLE',
      array_family: 'array_family VARCHAR, label VARCHAR, dsa_kind VARCHAR, correlator VARCHAR, n_antennas INTEGER',
      configuration:
        'configuration_id VARCHAR, array_family VARCHAR, configuration_name VARCHAR, max_baseline_m DOUBLE, start_ts TIMESTAMP, end_ts TIMESTAMP',
      shift:
        'shift_id VARCHAR, array_family VARCHAR, shift_date VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, shift_type VARCHAR, operator VARCHAR, aod VARCHAR, activity VARCHAR, alma_sw_version VARCHAR, handover_subject VARCHAR',
      gap: 'gap_id VARCHAR, shift_id VARCHAR, array_family VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, duration_h DOUBLE, class VARCHAR, type VARCHAR, tag VARCHAR, priority VARCHAR, related_eb_uid VARCHAR, comment VARCHAR, ticket VARCHAR, engineering_group VARCHAR, is_power_cut BOOLEAN',
      execution:
        'eb_uid VARCHAR, sb_uid VARCHAR, sb_name VARCHAR, mous_uid VARCHAR, gous_uid VARCHAR, project_code VARCHAR, cycle INTEGER, grade VARCHAR, executive VARCHAR, array_family VARCHAR, array_name VARCHAR, configuration VARCHAR, n_antennas INTEGER, antennas VARCHAR, correlator VARCHAR, band VARCHAR, rep_freq_ghz DOUBLE, start_ts TIMESTAMP, end_ts TIMESTAMP, eb_status VARCHAR, qa0_status VARCHAR, exec_fraction DOUBLE, is_calibration BOOLEAN, pwv_mm DOUBLE, shift_id VARCHAR',
      device_change:
        'event_id INTEGER, antennaname VARCHAR, eventtime TIMESTAMP, change_type VARCHAR, receiverband VARCHAR, old_serial VARCHAR, new_serial VARCHAR, new_value VARCHAR, comment VARCHAR',
      ground_truth:
        'truth_id INTEGER, kind VARCHAR, antennaname VARCHAR, receiverband VARCHAR, polarization VARCHAR, basebandname VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, magnitude DOUBLE, event_id INTEGER, eb_uid VARCHAR, caldataid INTEGER, comment VARCHAR',
      job_run:
        'run_id INTEGER, job_name VARCHAR, target VARCHAR, scheduled_ts TIMESTAMP, start_ts TIMESTAMP, end_ts TIMESTAMP, duration_s INTEGER, status VARCHAR, volume_gb DOUBLE, items INTEGER, attempt INTEGER, failure_cause VARCHAR, eb_uid VARCHAR, mous_uid VARCHAR',
      mous: 'mous_uid VARCHAR, gous_uid VARCHAR, sb_uid VARCHAR, sb_name VARCHAR, project_code VARCHAR, array_family VARCHAR, band VARCHAR, executions INTEGER, pipelineable BOOLEAN, observed_ts TIMESTAMP, ready_ts TIMESTAMP, processing_start_ts TIMESTAMP, processed_ts TIMESTAMP, qa2_start_ts TIMESTAMP, verified_ts TIMESTAMP, ready_to_deliver_ts TIMESTAMP, delivered_ts TIMESTAMP, qa2_status VARCHAR, qa2_attempts INTEGER, state VARCHAR',
      obscore:
        'obs_publisher_did VARCHAR, obs_collection VARCHAR, facility_name VARCHAR, instrument_name VARCHAR, obs_id VARCHAR, dataproduct_type VARCHAR, calib_level INTEGER, target_name VARCHAR, s_ra DOUBLE, s_dec DOUBLE, s_fov DOUBLE, s_region VARCHAR, s_resolution DOUBLE, t_min DOUBLE, t_max DOUBLE, t_exptime DOUBLE, t_resolution DOUBLE, em_min DOUBLE, em_max DOUBLE, em_res_power DOUBLE, pol_states VARCHAR, o_ucd VARCHAR, access_url VARCHAR, access_format VARCHAR, proposal_id VARCHAR, data_rights VARCHAR, gal_longitude DOUBLE, gal_latitude DOUBLE, band_list VARCHAR, em_resolution DOUBLE, bandwidth DOUBLE, antenna_arrays VARCHAR, is_mosaic VARCHAR, obs_release_date TIMESTAMP, spatial_resolution DOUBLE, frequency_support VARCHAR, frequency DOUBLE, velocity_resolution DOUBLE, obs_creator_name VARCHAR, pub_title VARCHAR, first_author VARCHAR, authors VARCHAR, pub_abstract VARCHAR, publication_year INTEGER, proposal_abstract VARCHAR, schedblock_name VARCHAR, proposal_authors VARCHAR, sensitivity_10kms DOUBLE, cont_sensitivity_bandwidth DOUBLE, pwv DOUBLE, group_ous_uid VARCHAR, member_ous_uid VARCHAR, asdm_uid VARCHAR, obs_title VARCHAR, type VARCHAR, scan_intent VARCHAR, science_observation VARCHAR, spatial_scale_max DOUBLE, qa2_passed VARCHAR, bib_reference VARCHAR, science_keyword VARCHAR, scientific_category VARCHAR, spectral_resolution DOUBLE, lastModified TIMESTAMP',
      sched_block:
        'sb_uid VARCHAR, sb_name VARCHAR, mous_uid VARCHAR, gous_uid VARCHAR, project_code VARCHAR, cycle INTEGER, grade VARCHAR, array_family VARCHAR, band VARCHAR, required_executions INTEGER, executions INTEGER, pass_executions INTEGER, first_eb_ts TIMESTAMP, last_eb_ts TIMESTAMP, fully_observed_ts TIMESTAMP, cycle_end_ts TIMESTAMP, state VARCHAR',
      project:
        'project_code VARCHAR, cycle INTEGER, grade VARCHAR, sched_blocks INTEGER, sb_started INTEGER, sb_fully_observed INTEGER, first_eb_ts TIMESTAMP, last_eb_ts TIMESTAMP, state VARCHAR',
      trec_measurement:
        'uid VARCHAR, caldataid INTEGER, scan INTEGER, startvalidtime TIMESTAMP, endvalidtime TIMESTAMP, antennaname VARCHAR, array_family VARCHAR, receiverband VARCHAR, basebandname VARCHAR, sideband VARCHAR, freq_lo_ghz DOUBLE, freq_hi_ghz DOUBLE, trec_x FLOAT, trec_y FLOAT, tsys_x FLOAT, tsys_y FLOAT, tatm_x FLOAT, tatm_y FLOAT, tau FLOAT, water FLOAT, groundtemperature FLOAT, groundpressure FLOAT, groundrelhumidity FLOAT, cartridge_serial VARCHAR, frontend_serial VARCHAR',
      trec_spectrum:
        'uid VARCHAR, caldataid INTEGER, antennaname VARCHAR, basebandname VARCHAR, trec_spectrum_x FLOAT[], trec_spectrum_y FLOAT[]',
    };
    expect(Object.keys(expected)).toEqual([...TABLE_NAMES]);
    for (const run of [rowGroups, spectra]) {
      for (const t of run.tables) {
        const described = await describeColumns(`read_parquet(${sqlPath(t.path)})`);
        expect(described.map(([name, type]) => `${name} ${type}`).join(', '), t.name).toBe(expected[t.name]);
      }
    }

    // Bands 9 and 10 are double-sideband: null there and only there (all nine bands occur in this run).
    const m = `read_parquet(${sqlPath(file(rowGroups, 'trec_measurement'))})`;
    const sidebands = await rows(`
      SELECT receiverband, count(*) FILTER (sideband IS NULL), count(*) FILTER (sideband IN ('LSB', 'USB')), count(*)
      FROM ${m} GROUP BY receiverband ORDER BY receiverband`);
    expect(sidebands.map(([band]) => band)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10].map(bandName));
    for (const [band, nulls, named, total] of sidebands as [string, number, number, number][]) {
      const doubleSideband = band === 'ALMA_RB_09' || band === 'ALMA_RB_10';
      expect([nulls, named], band).toEqual(doubleSideband ? [total, 0] : [0, total]);
    }
    expect(
      await count(
        `SELECT count(*) FROM ${m} WHERE startvalidtime >= endvalidtime OR startvalidtime < TIMESTAMP '2024-10-01'`,
      ),
    ).toBe(0);
  });
});
