import { dbl, mixInlineSql, mixSql, u32Sql, uHiSql, uLoSql, wrapSql } from './trec-noise.js';

/**
 * The Trec measurement rows as one DuckDB query over the plan tables `trec_eb` and
 * `trec_unit` (see `trec-batch.ts`, whose `expandTrecPlan` is the JS twin of this SQL:
 * keep the two in step, `trec-sql.test.ts` compares them). Two UNNESTs fan each unit row
 * out to n scans × 4 basebands; every value is arithmetic on the row's plan columns and
 * counter-based hashes, so the query streams straight into COPY in bounded memory.
 *
 * Scan values and outlier decisions use `mix32` (exact in JS, so the truth table matches
 * the file). The per-cell measurement noise uses DuckDB's vectorized `hash()`, several
 * times cheaper per row; it is deterministic for a DuckDB version (same seed → same
 * bytes), and the JS twin draws the same distributions from `mix32` instead.
 *
 * Literals go through `dbl()`: DuckDB reads `0.5` as DECIMAL, which is far slower.
 */

const X = (n: number) => dbl(n);

/**
 * The attached database holding `trec_plan` during the expansion: one row per unit with
 * its EB's columns (the EB's `seed` as `eb_seed`), see `SimulationWriter.copyTrec`.
 */
export const PLAN_CATALOG = 'sim_plan';

/** Plan units with their EB, fanned out to scans and basebands; `where` filters them. */
function cellsSql(where: string): string {
  const units = `SELECT eb::INTEGER AS eb, family::INTEGER AS family, band::INTEGER AS band, n_scans::BIGINT AS n_scans,
      start_ms::BIGINT AS start_ms, duration_ms::BIGINT AS duration_ms, eb_seed::BIGINT AS eb_seed,
      pwv, tau_zenith, ground_t, ground_p, ground_rh, noise, gain_num, eta,
      outlier_factor_lo, outlier_factor_hi, non_physical_share,
      lo0, lo1, lo2, lo3, hi0, hi1, hi2, hi3, sb0, sb1, sb2, sb3, tf0, tf1, tf2, tf3,
      antenna::INTEGER AS antenna, cartridge::INTEGER AS cartridge, frontend::INTEGER AS frontend,
      seed::BIGINT AS seed, outliers::BIGINT AS outliers,
      nx0, nx1, nx2, nx3, ny0, ny1, ny2, ny3
    FROM ${PLAN_CATALOG}.main.trec_plan ${where}`;
  // Scans first: their values (scanValues in trec-batch.ts) are shared by the four basebands.
  const scans = `SELECT *, unnest(range(n_scans)) AS s FROM (${units})`;
  const scanKeyed = `SELECT *, ${wrapSql('eb_seed + s * 2')} AS ks, ${wrapSql('eb_seed + s * 2 + 1')} AS kt FROM (${scans})`;
  const scanHashed = mixSql(scanKeyed, ['ks', 'kt']);
  const scanned = `SELECT *,
      start_ms + (s * duration_ms) // n_scans + CASE WHEN s = 0 THEN 30000 ELSE 0 END AS scan_start,
      ${X(1.05)} + ${X(0.65)} * ${uLoSql('ks_h')} AS airmass,
      ground_t - (${X(8)} + ${X(6)} * ${u32Sql('kt_h')}) AS tatm,
      floor(${X(20000)} * ${uHiSql('ks_h')})::BIGINT AS scan_length
    FROM (${scanHashed})`;
  const list = (prefix: string) => `unnest([${[0, 1, 2, 3].map((k) => `${prefix}${k}`).join(', ')}])`;
  const cells = `SELECT *, unnest([0, 1, 2, 3]) AS k, ${list('nx')} AS nx, ${list('ny')} AS ny,
      ${list('lo')} AS freq_lo_ghz, ${list('hi')} AS freq_hi_ghz, ${list('sb')} AS sideband, ${list('tf')} AS tau_factor
    FROM (${scanned})`;
  // Per-cell noise: DuckDB's hash() of (unit seed, cell, stream) — 32-bit radius and angle uniforms of a Box–Muller pair.
  const hashed = `SELECT *, s * 4 + k AS cell, hash(seed, s * 4 + k, 0) AS h0, hash(seed, s * 4 + k, 1) AS h1, hash(seed, s * 4 + k, 2) AS h2 FROM (${cells})`;
  const radius = (h: string) => `sqrt(${X(-2)} * ln(((${h} >> 32)::DOUBLE + ${X(0.5)}) / ${X(4294967296)}))`;
  const angle = (h: string) => `(${X(2 * Math.PI / 4294967296)} * ((${h} & 4294967295)::DOUBLE + ${X(0.5)}))`;
  const noisy = `SELECT *,
      ${radius('h0')} AS r0, ${angle('h0')} AS a0, ${radius('h1')} AS r1, ${angle('h1')} AS a1, ${radius('h2')} AS r2, ${angle('h2')} AS a2,
      (outliers >> cell) & 1 = 1 AS is_outlier
    FROM (${hashed})`;
  const measured = `SELECT *,
      scan_start + 20000 + scan_length AS scan_end,
      nx * (${X(1)} + noise * (r0 * cos(a0))) AS trec_x0,
      ny * (${X(1)} + noise * (r0 * sin(a0))) AS trec_y0,
      tau_zenith * tau_factor * (${X(1)} + ${X(0.02)} * (r1 * cos(a1))) AS tau,
      CASE WHEN is_outlier THEN ${mixInlineSql(wrapSql('seed + cell * 4 + 3'))} END AS h3
    FROM (${noisy})`;
  // cellOutlier in trec-batch.ts: pol from bit 0, sign from bit 1, non-physical share from bits 2–15, value from the high 16 bits.
  const outlierValue = (pol: 0 | 1, measuredValue: string) => `CASE WHEN h3 IS NULL OR (h3 & 1) <> ${pol} THEN ${measuredValue}
      WHEN (((h3 >> 2) & 16383)::DOUBLE + ${X(0.5)}) / ${X(16384)} < non_physical_share
        THEN CASE WHEN (h3 & 2) <> 0 THEN ${X(-50)} * ${uHiSql('h3')} ELSE ${X(2000)} + ${X(18000)} * ${uHiSql('h3')} END
      ELSE ${measuredValue} * (outlier_factor_lo + (outlier_factor_hi - outlier_factor_lo) * ${uHiSql('h3')}) END`;
  const withOutliers = `SELECT *, ${outlierValue(0, 'trec_x0')} AS trec_x, ${outlierValue(1, 'trec_y0')} AS trec_y,
      exp(-tau * airmass) AS trans
    FROM (${measured})`;
  return `SELECT *,
      gain_num / (eta * trans) AS gain,
      eta * tatm * (${X(1)} - trans) + (${X(1)} - eta) * ground_t AS sky
    FROM (${withOutliers})`;
}

/**
 * `trec_measurement` with integer codes (eb, antenna, …) still as codes; the writer maps
 * them to names. Column order and types are the file's.
 */
export function trecRowsSql(): string {
  return `SELECT eb, (s + 1)::INTEGER AS caldataid, (1 + 3 * s + CASE WHEN s > 0 THEN 1 ELSE 0 END)::INTEGER AS scan,
      scan_start AS start_ms, scan_end AS end_ms, antenna, family, band, k::INTEGER AS baseband, sideband::INTEGER AS sideband,
      freq_lo_ghz, freq_hi_ghz,
      trec_x::FLOAT AS trec_x, trec_y::FLOAT AS trec_y,
      (gain * (greatest(trec_x, ${X(1)}) + sky))::FLOAT AS tsys_x,
      (gain * (greatest(trec_y, ${X(1)}) + sky))::FLOAT AS tsys_y,
      (tatm + ${X(0.5)} * (r2 * cos(a2)))::FLOAT AS tatm_x,
      (tatm + ${X(0.5)} * (r2 * sin(a2)))::FLOAT AS tatm_y,
      tau::FLOAT AS tau,
      ((pwv / ${X(1000)}) * (${X(1)} + ${X(0.02)} * (r1 * sin(a1))))::FLOAT AS water,
      ground_t::FLOAT AS groundtemperature, ground_p::FLOAT AS groundpressure, ground_rh::FLOAT AS groundrelhumidity,
      cartridge, frontend
    FROM (${cellsSql('')})`;
}

/**
 * Spectra of the rows of EBs with `spectra` set: the scalar Trec shaped across the
 * baseband (zero-mean IF-slope U-shape, a standing-wave ripple) plus channel noise twice
 * the scalar's. Channel noise uses DuckDB's `hash()` (deterministic for a DuckDB
 * version; nothing else depends on it, so it has no JS twin).
 */
export function spectrumRowsSql(channels: number): string {
  // The shape depends on channel and baseband only: four constant lists, zipped with the
  // channel numbers, leave the lambda (evaluated per element) only the noise to compute.
  const shapes = [0, 1, 2, 3].map((k) => {
    const values = Array.from({ length: channels }, (_, ch) => {
      const u = ((ch + 0.5) / channels) * 2 - 1;
      return 1 + 0.06 * (u * u - 1 / 3) + 0.01 * Math.sin(ch * 0.37 + k);
    });
    return `list_zip([${values.join(', ')}]::DOUBLE[], range(${channels}))`;
  });
  const zipped = `CASE k WHEN 0 THEN ${shapes[0]} WHEN 1 THEN ${shapes[1]} WHEN 2 THEN ${shapes[2]} ELSE ${shapes[3]} END`;
  const channel = (value: string, pol: number, trig: 'cos' | 'sin') => {
    const h = `hash(seed, cell, p[2], ${pol})`;
    const normal = `sqrt(${X(-2)} * ln(((${h} >> 32)::DOUBLE + ${X(0.5)}) / ${X(4294967296)})) * ${trig}(${X((2 * Math.PI) / 4294967296)} * ((${h} & 4294967295)::DOUBLE + ${X(0.5)}))`;
    return `list_transform(${zipped}, lambda p: (${value} * (p[1] + ${X(2)} * noise * ${normal}))::FLOAT)`;
  };
  return `SELECT eb, (s + 1)::INTEGER AS caldataid, antenna, k::INTEGER AS baseband,
      ${channel('trec_x', 0, 'cos')} AS trec_spectrum_x,
      ${channel('trec_y', 1, 'sin')} AS trec_spectrum_y
    FROM (${cellsSql('WHERE spectra = 1')})`;
}
