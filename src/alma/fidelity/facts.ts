/**
 * The facts of docs/alma-domain.md that can be measured on the simulator's tables, each
 * with the SQL that measures it, so anyone can read how a figure is obtained.
 *
 * Every `sql` returns one row with `measured` (text) and `ok` (boolean). The tables are
 * views named after the files (`execution`, `shift`, `gap`, `job_run`, …) plus `sim_span`
 * (`start_ts`, `end_ts`, `days`) over the simulated period. `source` is the tag of the
 * domain note: `S…` a public source (a failure makes `llano alma fidelity` exit non-zero),
 * `A` an assumption, `P` a proposed definition, `talk` the operations talk's screenshot.
 * `minDays`: the fact needs at least that many simulated days (a yearly figure needs a year).
 */

export interface FidelityFact {
  id: string;
  source: string;
  fact: string;
  expected: string;
  minDays?: number;
  sql: string;
}

/** Hours of an interval. */
const H = (a: string, b: string) => `epoch(${b} - ${a}) / 3600.0`;
/** Hours per year of the simulated period. */
const PER_YEAR = `* 365.25 / (SELECT days FROM sim_span)`;

const scienceHours = (family: string, expected: string, lo: number, hi: number): FidelityFact => ({
  id: `science_hours_${family.toLowerCase()}`,
  source: 'S8',
  fact: `${family} science hours delivered per year (QA0 Pass + SemiPass science EBs, calibration EBs excluded)`,
  expected,
  minDays: 365,
  sql: `WITH x AS (
  SELECT sum(${H('start_ts', 'end_ts')}) ${PER_YEAR} AS h FROM execution
  WHERE array_family = '${family}' AND NOT is_calibration AND qa0_status IN ('Pass', 'SemiPass'))
SELECT printf('%,.0f h/yr', h) AS measured, h BETWEEN ${lo} AND ${hi} AS ok FROM x`,
});

/** Shift buckets per array family (§4.3), the same arithmetic as the `shift_metrics` demo recipe. */
const SHIFT_BUCKETS = `shift_h AS (
  SELECT s.shift_id, s.array_family, ${H('s.start_ts', 's.end_ts')} AS d,
    coalesce((SELECT sum(${H('greatest(g.start_ts, s.start_ts)', 'least(g.end_ts, s.end_ts)')}) FROM gap g
      WHERE g.shift_id = s.shift_id), 0)
    + coalesce((SELECT sum(${H('greatest(e.start_ts, s.start_ts)', 'least(e.end_ts, s.end_ts)')}) FROM execution e
      WHERE e.shift_id = s.shift_id AND e.eb_status NOT IN ('FAIL', 'ABORTED', 'RUNNING')), 0) AS accounted,
    coalesce((SELECT sum(${H('g.start_ts', 'g.end_ts')}) FROM gap g WHERE g.shift_id = s.shift_id AND g.type = 'Handover'), 0) AS handover
  FROM shift s)`;

/** The `ivoa.obscore` columns in the archive's order (§7). */
const OBSCORE_COLUMNS =
  'obs_publisher_did, obs_collection, facility_name, instrument_name, obs_id, dataproduct_type, calib_level, target_name, s_ra, s_dec, s_fov, s_region, s_resolution, t_min, t_max, t_exptime, t_resolution, em_min, em_max, em_res_power, pol_states, o_ucd, access_url, access_format, proposal_id, data_rights, gal_longitude, gal_latitude, band_list, em_resolution, bandwidth, antenna_arrays, is_mosaic, obs_release_date, spatial_resolution, frequency_support, frequency, velocity_resolution, obs_creator_name, pub_title, first_author, authors, pub_abstract, publication_year, proposal_abstract, schedblock_name, proposal_authors, sensitivity_10kms, cont_sensitivity_bandwidth, pwv, group_ous_uid, member_ous_uid, asdm_uid, obs_title, type, scan_intent, science_observation, spatial_scale_max, qa2_passed, bib_reference, science_keyword, scientific_category, spectral_resolution, lastModified';

export const FIDELITY_FACTS: FidelityFact[] = [
  {
    id: 'antenna_inventory',
    source: 'S11',
    fact: 'antennas per family',
    expected: 'CM 12, DA 25, DV 25, PM 4',
    sql: `WITH x AS (SELECT string_agg(f || ' ' || n, ', ' ORDER BY f) AS m FROM (
  SELECT left(antennaname, 2) AS f, count(*) AS n FROM antenna GROUP BY 1))
SELECT m AS measured, m = 'CM 12, DA 25, DV 25, PM 4' AS ok FROM x`,
  },
  {
    id: 'eb_uid_format',
    source: 'S1',
    fact: 'EB UIDs have the form uid://A002/X…/X…',
    expected: '0 EBs otherwise',
    sql: `WITH x AS (SELECT count(*) FILTER (WHERE NOT regexp_full_match(eb_uid, 'uid://A002/X[0-9a-f]+/X[0-9a-f]+')) AS bad FROM execution)
SELECT bad || ' EBs otherwise' AS measured, bad = 0 AS ok FROM x`,
  },
  {
    id: 'project_code_format',
    source: 'S6',
    fact: 'science project codes are YYYY.C.NNNNN.T (C = 1 or A, T one of S L T V P)',
    expected: '0 EBs otherwise',
    sql: `WITH x AS (SELECT count(*) FILTER (WHERE NOT regexp_full_match(project_code, '\\d{4}\\.[1A]\\.\\d{5}\\.[SLTVP]')) AS bad
  FROM execution WHERE NOT is_calibration)
SELECT bad || ' EBs otherwise' AS measured, bad = 0 AS ok FROM x`,
  },
  {
    id: 'sb_array_codes',
    source: 'S1',
    fact: 'SB names end in the array code TM1 / TM2 (12-m), 7M, TP',
    expected: '7M, TM1, TM2, TP',
    sql: `WITH x AS (SELECT string_agg(DISTINCT regexp_extract(sb_name, '_([A-Z0-9]+)$', 1), ', ' ORDER BY regexp_extract(sb_name, '_([A-Z0-9]+)$', 1)) AS m
  FROM execution WHERE NOT is_calibration)
SELECT m AS measured, m = '7M, TM1, TM2, TP' AS ok FROM x`,
  },
  {
    id: 'band_names',
    source: 'S1',
    fact: 'receiver bands ALMA_RB_01, 03 … 10 (Band 2 is not offered)',
    expected: 'no other band names',
    sql: `WITH b AS (SELECT DISTINCT band AS b FROM execution UNION SELECT DISTINCT receiverband FROM trec_measurement),
x AS (SELECT string_agg(b, ', ' ORDER BY b) FILTER (WHERE b NOT IN ('ALMA_RB_01', 'ALMA_RB_03', 'ALMA_RB_04', 'ALMA_RB_05',
  'ALMA_RB_06', 'ALMA_RB_07', 'ALMA_RB_08', 'ALMA_RB_09', 'ALMA_RB_10')) AS bad, count(*) AS n FROM b)
SELECT coalesce('other: ' || bad, n || ' band names, all valid') AS measured, bad IS NULL AS ok FROM x`,
  },
  {
    id: 'pad_prefixes',
    source: 'S11',
    fact: 'pad names: A, W, S, P, N (12 m), J (7 m), T (TP), TF (OSF) + 3 digits',
    expected: 'A, J, N, P, S, T, TF, W',
    sql: `WITH x AS (SELECT string_agg(DISTINCT p, ', ' ORDER BY p) AS m FROM (
  SELECT CASE WHEN pad_name LIKE 'TF%' THEN 'TF' ELSE left(pad_name, 1) END AS p FROM pad))
SELECT m AS measured, m = 'A, J, N, P, S, T, TF, W' AS ok FROM x`,
  },
  {
    id: 'shifts_tile_days',
    source: 'S2',
    fact: '3 shifts a day per array family with the three handover subjects',
    expected: '3 per family-day, 3 subjects',
    sql: `WITH x AS (SELECT count(*) / (3 * (SELECT round(days) FROM sim_span)) AS per_day, count(DISTINCT handover_subject) AS subjects FROM shift)
SELECT printf('%.2f per family-day, %d subjects', per_day, subjects) AS measured, per_day = 3 AND subjects = 3 AS ok FROM x`,
  },
  {
    id: 'status_vocabularies',
    source: 'S2',
    fact: 'EB status SUCCESS/PARTIAL/FAIL/ABORTED/TIMEOUT/RUNNING; QA0 Pass/SemiPass/Fail/Pending',
    expected: 'no other values',
    sql: `WITH x AS (SELECT count(*) FILTER (WHERE eb_status NOT IN ('SUCCESS', 'PARTIAL', 'FAIL', 'ABORTED', 'TIMEOUT', 'RUNNING')
  OR qa0_status NOT IN ('Pass', 'SemiPass', 'Fail', 'Pending')) AS bad FROM execution)
SELECT bad || ' EBs with other values' AS measured, bad = 0 AS ok FROM x`,
  },
  {
    id: 'february_shutdown',
    source: 'S9',
    fact: 'no 12-m science EB in February',
    expected: '0 EBs',
    sql: `WITH x AS (SELECT count(*) AS n FROM execution WHERE array_family = '12m' AND NOT is_calibration AND month(start_ts) = 2)
SELECT n || ' EBs' AS measured, n = 0 AS ok FROM x`,
  },
  scienceHours('12m', '4,496 h (Cycle 11; 4,250 in Cycle 10): 4,050–4,950', 4050, 4950),
  scienceHours('7m', '4,201 h (Cycle 11): 3,780–4,620', 3780, 4620),
  scienceHours('TP', '3,240 h (Cycle 11): 2,920–3,560', 2920, 3560),
  {
    id: 'data_volume_per_year',
    source: 'S13',
    fact: 'observation + monitor data archived per year',
    expected: '~200 TB/yr: 150–250',
    minDays: 365,
    sql: `WITH x AS (SELECT sum(volume_gb) / 1000 ${PER_YEAR} AS tb FROM job_run
  WHERE job_name IN ('asdm_ingest_osf', 'monitor_data_archive') AND status = 'SUCCESS')
SELECT printf('%.0f TB/yr', tb) AS measured, tb BETWEEN 150 AND 250 AS ok FROM x`,
  },
  {
    id: 'data_volume_per_day',
    source: 'S13',
    fact: 'observation + monitor data archived per day outside February',
    expected: '~0.5 TB/day (design): 0.35–0.8',
    sql: `WITH d AS (SELECT count(DISTINCT shift_date) AS n FROM shift WHERE month(start_ts) <> 2),
x AS (SELECT sum(volume_gb) / 1000 / (SELECT n FROM d) AS tb FROM job_run
  WHERE job_name IN ('asdm_ingest_osf', 'monitor_data_archive') AND status = 'SUCCESS' AND month(scheduled_ts) <> 2)
SELECT printf('%.2f TB/day', tb) AS measured, tb BETWEEN 0.35 AND 0.8 AS ok FROM x`,
  },
  {
    id: 'mous_processed_per_year',
    source: 'S12',
    fact: 'datasets (MOUS) fully observed, to process, per year',
    expected: '> 3,000: 3,000–4,500',
    minDays: 365,
    sql: `WITH x AS (SELECT count(DISTINCT mous_uid) ${PER_YEAR} AS n FROM mous)
SELECT printf('%,.0f/yr', n) AS measured, n BETWEEN 3000 AND 4500 AS ok FROM x`,
  },
  {
    id: 'qa2_stage',
    source: 'S12',
    fact: 'MOUS life cycle FullyObserved → … → Delivered with a QA2 verdict (Pass / SemiPass / Fail)',
    expected: 'mous table with states and QA2 status',
    minDays: 120,
    sql: `WITH x AS (SELECT string_agg(DISTINCT state, ', ' ORDER BY state) AS states,
  string_agg(DISTINCT qa2_status, ', ' ORDER BY qa2_status) AS qa2 FROM mous)
SELECT 'states: ' || states || '; QA2: ' || coalesce(qa2, '-') AS measured,
  list_has_all(['FullyObserved', 'ReadyForProcessing', 'PipelineProcessing', 'Processed', 'QA2InProgress', 'Verified',
    'ReadyToDeliver', 'Delivered'], string_split(states, ', ')) AND qa2 LIKE '%Pass%' AS ok FROM x`,
  },
  {
    id: 'delivery_time_median',
    source: 'S12',
    fact: 'median time from MOUS fully observed to delivery (MOUS observed ≥ 150 days before the end)',
    expected: '9.5 weeks (historical): 6.5–12.5',
    minDays: 365,
    sql: `WITH x AS (SELECT median(epoch(delivered_ts - observed_ts)) / 604800 AS w FROM mous
  WHERE observed_ts < (SELECT end_ts FROM sim_span) - INTERVAL 150 DAY AND delivered_ts IS NOT NULL)
SELECT printf('%.1f weeks', w) AS measured, w BETWEEN 6.5 AND 12.5 AS ok FROM x`,
  },
  {
    id: 'delivery_time_p80',
    source: 'S12',
    fact: '80th percentile of the time to delivery (MOUS observed ≥ 150 days before the end)',
    expected: '16.7 weeks: 12–21',
    minDays: 365,
    sql: `WITH x AS (SELECT quantile_cont(epoch(delivered_ts - observed_ts), 0.8) / 604800 AS w FROM mous
  WHERE observed_ts < (SELECT end_ts FROM sim_span) - INTERVAL 150 DAY AND delivered_ts IS NOT NULL)
SELECT printf('%.1f weeks', w) AS measured, w BETWEEN 12 AND 21 AS ok FROM x`,
  },
  {
    id: 'downtime_fields',
    source: 'S2',
    fact: 'downtime entries carry an engineering group (technical) and "is power cut"',
    expected:
      'every technical downtime: group ∈ Antenna control, BackEnd, Correlator, FrontEnd, Software; is_power_cut set',
    sql: `WITH x AS (SELECT count(*) AS n,
  count(*) FILTER (WHERE engineering_group IN ('Antenna control', 'BackEnd', 'Correlator', 'FrontEnd', 'Software')) AS grouped,
  count(*) FILTER (WHERE is_power_cut IS NOT NULL) AS flagged, count(*) FILTER (WHERE is_power_cut) AS cuts
  FROM gap WHERE type = 'Technical downtime')
SELECT printf('%d technical downtimes, %d with a group, %d flagged (%d power cuts)', n, grouped, flagged, cuts) AS measured,
  n > 0 AND grouped = n AND flagged = n AS ok FROM x`,
  },
  {
    id: 'band_status_events',
    source: 'S4',
    fact: 'per-band receiver status events B1Status … B10Status with the band set',
    expected: 'B<n>Status events only, each with its band',
    minDays: 60,
    sql: `WITH x AS (SELECT string_agg(DISTINCT change_type, ', ' ORDER BY change_type) FILTER (WHERE change_type LIKE 'B%Status') AS types,
  count(*) FILTER (WHERE change_type = 'BandStatus' OR (change_type LIKE 'B%Status' AND receiverband IS NULL)) AS bad FROM device_change)
SELECT coalesce(types, 'none') || CASE WHEN bad > 0 THEN printf('; %d without a band', bad) ELSE '' END AS measured,
  types IS NOT NULL AND bad = 0 AS ok FROM x`,
  },
  {
    id: 'handover_per_week',
    source: 'talk',
    fact: 'handover time logged per array per week',
    expected: '~0.6 h/week: 0.4–0.9',
    sql: `WITH ${SHIFT_BUCKETS},
f AS (SELECT array_family, sum(handover) / ((SELECT days FROM sim_span) / 7) AS w FROM shift_h GROUP BY 1)
SELECT string_agg(printf('%s %.2f', array_family, w), ', ' ORDER BY array_family) || ' h/week' AS measured,
  bool_and(w BETWEEN 0.4 AND 0.9) AS ok FROM f`,
  },
  {
    id: 'unlogged_share',
    source: 'talk',
    fact: 'unlogged (remaining) share of shift time per array',
    expected: '~1.6 %: 1.0–2.5 %',
    sql: `WITH ${SHIFT_BUCKETS},
f AS (SELECT array_family, 100 * sum(greatest(0, d - accounted)) / sum(d) AS pct FROM shift_h GROUP BY 1)
SELECT string_agg(printf('%s %.1f', array_family, pct), ', ' ORDER BY array_family) || ' %' AS measured,
  bool_and(pct BETWEEN 1.0 AND 2.5) AS ok FROM f`,
  },
  {
    id: 'buckets_fit_shift',
    source: 'P',
    fact: 'shift time = science + calibration + overheads + downtime + handover + unlogged: buckets never exceed the shift',
    expected: '0 shifts over',
    sql: `WITH ${SHIFT_BUCKETS}
SELECT count(*) FILTER (WHERE accounted > d + 1e-6) || ' shifts over' AS measured, count(*) FILTER (WHERE accounted > d + 1e-6) = 0 AS ok FROM shift_h`,
  },
  {
    id: 'eb_duration_12m_median',
    source: 'A',
    fact: 'median wall-clock duration of 12-m science EBs',
    expected: '70 min: 60–80',
    sql: `WITH x AS (SELECT median(epoch(end_ts - start_ts)) / 60 AS m FROM execution WHERE array_family = '12m' AND NOT is_calibration)
SELECT printf('%.0f min', m) AS measured, m BETWEEN 60 AND 80 AS ok FROM x`,
  },
  {
    id: 'eb_duration_short',
    source: 'A',
    fact: 'completed science EBs (SUCCESS, PARTIAL, TIMEOUT) shorter than 20 min',
    expected: '< 1 %',
    sql: `WITH x AS (SELECT 100 * avg(CASE WHEN epoch(end_ts - start_ts) < 1200 THEN 1 ELSE 0 END) AS pct, min(epoch(end_ts - start_ts)) / 60 AS shortest
  FROM execution WHERE NOT is_calibration AND eb_status IN ('SUCCESS', 'PARTIAL', 'TIMEOUT'))
SELECT printf('%.2f %% (shortest %.1f min)', pct, shortest) AS measured, pct < 1 AS ok FROM x`,
  },
  {
    id: 'atm_scans_inside_eb',
    source: 'A',
    fact: 'ATM-calibration scans lie inside their EB',
    expected: '0 rows outside',
    sql: `WITH x AS (SELECT count(*) AS n FROM trec_measurement t JOIN execution e ON t.uid = e.eb_uid
  WHERE t.startvalidtime < e.start_ts OR t.endvalidtime > e.end_ts)
SELECT n || ' rows outside' AS measured, n = 0 AS ok FROM x`,
  },
  {
    id: 'atm_scans_per_eb_12m',
    source: 'A',
    fact: 'ATM scans per 12-m science EB',
    expected: 'median 5 (3–10)',
    sql: `WITH s AS (SELECT uid, count(DISTINCT caldataid) AS n FROM trec_measurement WHERE array_family = '12m' GROUP BY uid),
x AS (SELECT median(n) AS m, min(n) AS lo, max(n) AS hi FROM s JOIN execution e ON s.uid = e.eb_uid WHERE NOT e.is_calibration)
SELECT printf('median %.0f (%d–%d)', m, lo, hi) AS measured, m BETWEEN 4 AND 6 AND hi <= 10 AS ok FROM x`,
  },
  {
    id: 'band_mix_12m_high',
    source: 'A',
    fact: 'share of 12-m science EBs in Bands 9 and 10',
    expected: 'B9 4 %, B10 2 % (2.5–5.5, 1–3)',
    minDays: 365,
    sql: `WITH x AS (SELECT 100 * avg(CASE WHEN band = 'ALMA_RB_09' THEN 1 ELSE 0 END) AS b9,
  100 * avg(CASE WHEN band = 'ALMA_RB_10' THEN 1 ELSE 0 END) AS b10 FROM execution WHERE array_family = '12m' AND NOT is_calibration)
SELECT printf('B9 %.1f %%, B10 %.1f %%', b9, b10) AS measured, b9 BETWEEN 2.5 AND 5.5 AND b10 BETWEEN 1 AND 3 AS ok FROM x`,
  },
  {
    id: 'trec_rows_per_day',
    source: 'A',
    fact: 'Trec measurement rows per observing day (outside the February shutdown)',
    expected: '15–25 k',
    sql: `WITH d AS (SELECT count(DISTINCT shift_date) AS n FROM shift WHERE month(start_ts) <> 2),
x AS (SELECT count(*) / (SELECT n FROM d) AS n FROM trec_measurement WHERE month(startvalidtime) <> 2)
SELECT printf('%.1f k', n / 1000) AS measured, n BETWEEN 15000 AND 25000 AS ok FROM x`,
  },
  {
    id: 'trec_rows_per_year',
    source: 'A',
    fact: 'Trec measurement rows per year',
    expected: '5–8 M',
    minDays: 365,
    sql: `WITH x AS (SELECT count(*) ${PER_YEAR} AS n FROM trec_measurement)
SELECT printf('%.1f M', n / 1e6) AS measured, n BETWEEN 5e6 AND 8e6 AS ok FROM x`,
  },
  {
    id: 'weather_loss_by_month',
    source: 'A',
    fact: 'weather downtime share of each fully simulated month against the configured share (defaults)',
    expected: 'within 3 percentage points',
    minDays: 28,
    sql: `WITH cfg(m, share) AS (VALUES (1, 32), (2, 40), (3, 28), (4, 12), (5, 10), (6, 8), (7, 7), (8, 7), (9, 7), (10, 7), (11, 9), (12, 18)),
sh AS (SELECT month(start_ts) AS m, year(start_ts) AS y, count(DISTINCT shift_date) AS days, sum(${H('start_ts', 'end_ts')}) AS h
  FROM shift GROUP BY 1, 2),
w AS (SELECT month(g.start_ts) AS m, year(g.start_ts) AS y, sum(duration_h) AS h FROM gap g WHERE type = 'Weather downtime' GROUP BY 1, 2),
x AS (SELECT sh.y, sh.m, 100 * coalesce(w.h, 0) / sh.h AS pct, cfg.share FROM sh LEFT JOIN w USING (y, m) JOIN cfg USING (m)
  WHERE sh.days >= 28),
worst AS (SELECT * FROM x ORDER BY abs(pct - share) DESC LIMIT 1)
SELECT printf('worst %s %.1f %% (configured %d %%)', strftime(make_date(y, m, 1), '%b %Y'), pct, share) AS measured,
  abs(pct - share) <= 3 AS ok FROM worst`,
  },
  {
    id: 'trec_faults_explained',
    source: 'A',
    fact: 'every non-physical (≤ 0 or > 2000 K) or over-limit (above the any-frequency spec) Trec value comes from a recorded fault',
    expected: '0 unexplained values',
    sql: `WITH lim(receiverband, lim) AS (VALUES ('ALMA_RB_01', 40), ('ALMA_RB_03', 45), ('ALMA_RB_04', 82), ('ALMA_RB_05', 75),
  ('ALMA_RB_06', 136), ('ALMA_RB_07', 219), ('ALMA_RB_08', 292), ('ALMA_RB_09', 261), ('ALMA_RB_10', 344)),
bad AS (
  SELECT t.uid, t.caldataid, t.antennaname, t.receiverband, t.basebandname, p.pol,
    -- The hardware state of a whole EB is that at its start.
    (SELECT e.start_ts FROM execution e WHERE e.eb_uid = t.uid) AS eb_start
  FROM trec_measurement t JOIN lim USING (receiverband)
  CROSS JOIN (VALUES ('X'), ('Y')) p(pol)
  WHERE (CASE p.pol WHEN 'X' THEN t.trec_x ELSE t.trec_y END) NOT BETWEEN 1e-9 AND lim.lim),
unexplained AS (
  SELECT * FROM bad b WHERE NOT EXISTS (SELECT 1 FROM ground_truth g WHERE g.antennaname = b.antennaname AND (
    (g.kind IN ('scan_outlier', 'non_physical') AND g.eb_uid = b.uid AND g.caldataid = b.caldataid
      AND g.basebandname = b.basebandname AND g.polarization = b.pol)
    OR (g.kind = 'eb_outlier' AND g.eb_uid = b.uid AND g.receiverband = b.receiverband AND g.polarization = b.pol)
    OR (g.kind = 'excursion' AND b.eb_start >= g.start_ts AND b.eb_start < g.end_ts)
    OR (g.kind = 'drift' AND g.receiverband = b.receiverband AND b.eb_start >= g.start_ts))))
SELECT printf('%d unexplained of %d (%s)', (SELECT count(*) FROM unexplained), (SELECT count(*) FROM bad),
  coalesce((SELECT string_agg(receiverband || ' ' || n, ', ' ORDER BY receiverband) FROM
    (SELECT receiverband, count(*) AS n FROM unexplained GROUP BY 1)), 'none')) AS measured,
  (SELECT count(*) FROM unexplained) = 0 AS ok`,
  },
  {
    id: 'trec_below_spec',
    source: 'S10',
    fact: 'median Trec of every band below its 80 %-of-band spec',
    expected: 'B3 < 41, B4 < 51, B5 < 65, B6 < 83, B7 < 147, B8 < 196, B9 < 175, B10 < 230 K',
    sql: `WITH spec(receiverband, spec) AS (VALUES ('ALMA_RB_03', 41), ('ALMA_RB_04', 51), ('ALMA_RB_05', 65), ('ALMA_RB_06', 83),
  ('ALMA_RB_07', 147), ('ALMA_RB_08', 196), ('ALMA_RB_09', 175), ('ALMA_RB_10', 230)),
m AS (SELECT receiverband, median(trec_x) AS med FROM trec_measurement GROUP BY 1)
SELECT string_agg(printf('B%d %.0f', CAST(right(receiverband, 2) AS INT), med), ', ' ORDER BY receiverband) || ' K' AS measured,
  bool_and(med < spec) AS ok FROM m JOIN spec USING (receiverband)`,
  },
  {
    id: 'tsys_ranges',
    source: 'A',
    fact: 'median Tsys per band in the §6 ranges',
    expected: 'B3 50–90, B6 70–130, B7 120–250, B9 600–1500, B10 1000–3000 K',
    sql: `WITH r(receiverband, lo, hi) AS (VALUES ('ALMA_RB_03', 50, 90), ('ALMA_RB_06', 70, 130), ('ALMA_RB_07', 120, 250),
  ('ALMA_RB_09', 600, 1500), ('ALMA_RB_10', 1000, 3000)),
m AS (SELECT receiverband, median(tsys_x) AS med FROM trec_measurement GROUP BY 1)
SELECT string_agg(printf('B%d %.0f', CAST(right(receiverband, 2) AS INT), med), ', ' ORDER BY receiverband) || ' K' AS measured,
  bool_and(med BETWEEN lo AND hi) AS ok FROM m JOIN r USING (receiverband)`,
  },
  {
    id: 'eb_outcome_12m',
    source: 'A',
    fact: 'outcome of 12-m science EBs',
    expected: 'SUCCESS 85–90 %, FAIL 4–6 %, ABORTED 3–5 %, TIMEOUT < 1 %',
    minDays: 60,
    sql: `WITH x AS (SELECT 100 * avg(CASE WHEN eb_status = 'SUCCESS' THEN 1 ELSE 0 END) AS s,
  100 * avg(CASE WHEN eb_status = 'FAIL' THEN 1 ELSE 0 END) AS f, 100 * avg(CASE WHEN eb_status = 'ABORTED' THEN 1 ELSE 0 END) AS a,
  100 * avg(CASE WHEN eb_status = 'TIMEOUT' THEN 1 ELSE 0 END) AS t FROM execution WHERE array_family = '12m' AND NOT is_calibration)
SELECT printf('SUCCESS %.1f, FAIL %.1f, ABORTED %.1f, TIMEOUT %.1f %%', s, f, a, t) AS measured,
  s BETWEEN 83 AND 91 AND f BETWEEN 3 AND 7 AND a BETWEEN 2 AND 6 AND t < 1.5 AS ok FROM x`,
  },
  {
    id: 'qa0_split',
    source: 'A',
    fact: 'QA0 of completed, reviewed EBs',
    expected: 'Pass 85–90 %, SemiPass 5–10 %, Fail 3–5 %',
    sql: `WITH x AS (SELECT 100 * avg(CASE WHEN qa0_status = 'Pass' THEN 1 ELSE 0 END) AS p,
  100 * avg(CASE WHEN qa0_status = 'SemiPass' THEN 1 ELSE 0 END) AS s, 100 * avg(CASE WHEN qa0_status = 'Fail' THEN 1 ELSE 0 END) AS f
  FROM execution WHERE eb_status IN ('SUCCESS', 'PARTIAL', 'TIMEOUT') AND qa0_status <> 'Pending')
SELECT printf('Pass %.1f, SemiPass %.1f, Fail %.1f %%', p, s, f) AS measured,
  p BETWEEN 83 AND 91 AND s BETWEEN 4 AND 11 AND f BETWEEN 2.5 AND 6 AS ok FROM x`,
  },
  {
    id: 'qa0_pending_window',
    source: 'A',
    fact: 'QA0 Pending only for EBs of the last 48 h',
    expected: '0 older Pending EBs',
    sql: `WITH x AS (SELECT count(*) AS n FROM execution WHERE qa0_status = 'Pending' AND eb_status <> 'RUNNING'
  AND end_ts < (SELECT end_ts FROM sim_span) - INTERVAL 48 HOUR)
SELECT n || ' older Pending EBs' AS measured, n = 0 AS ok FROM x`,
  },
  {
    id: 'antennas_per_eb',
    source: 'A',
    fact: 'antennas per EB',
    expected: '12-m 40–50 (+1 PM), 7-m 8–12, TP 2–4',
    sql: `WITH f AS (SELECT array_family, min(n_antennas) AS lo, max(n_antennas) AS hi FROM execution GROUP BY 1)
SELECT string_agg(printf('%s %d–%d', array_family, lo, hi), ', ' ORDER BY array_family) AS measured,
  bool_and(CASE array_family WHEN '12m' THEN lo >= 40 AND hi <= 51 WHEN '7m' THEN lo >= 8 AND hi <= 12 ELSE lo >= 2 AND hi <= 4 END) AS ok FROM f`,
  },
  {
    id: 'executive_shares',
    source: 'A',
    fact: 'executive of science EBs',
    expected: 'NA 33.75, EU 33.75, EA 22.5, CL 10 % (± 6)',
    sql: `WITH cfg(executive, share) AS (VALUES ('NA', 33.75), ('EU', 33.75), ('EA', 22.5), ('CL', 10)),
m AS (SELECT executive, 100 * count(*) / sum(count(*)) OVER () AS pct FROM execution WHERE NOT is_calibration GROUP BY 1)
SELECT string_agg(printf('%s %.1f', executive, pct), ', ' ORDER BY executive) || ' %' AS measured,
  bool_and(abs(pct - share) <= 6) AS ok FROM m JOIN cfg USING (executive)`,
  },
  {
    id: 'replication_runtime',
    source: 'A',
    fact: 'median runtime of successful archive replication runs',
    expected: 'OSF→SCO 5–40 min, SCO→ARC 20–120 min',
    sql: `WITH x AS (SELECT median(duration_s) FILTER (WHERE job_name = 'archive_replication_osf_to_sco') / 60 AS osf,
  median(duration_s) FILTER (WHERE job_name = 'archive_replication_sco_to_arc') / 60 AS arc FROM job_run WHERE status = 'SUCCESS')
SELECT printf('OSF→SCO %.1f min, SCO→ARC %.1f min', osf, arc) AS measured, osf BETWEEN 5 AND 40 AND arc BETWEEN 20 AND 120 AS ok FROM x`,
  },
  {
    id: 'job_runtimes',
    source: 'A',
    fact: 'median runtime of every job of the §5 catalogue inside its typical range',
    expected: 'no job outside',
    sql: `WITH cat(job_name, lo_min, hi_min) AS (VALUES ('asdm_ingest_osf', 1, 10), ('archive_replication_osf_to_sco', 5, 40),
  ('archive_replication_sco_to_arc', 20, 120), ('metadata_db_replication', 0, 2), ('monitor_data_archive', 5, 20),
  ('telcal_calatmosphere_extract', 2, 15), ('qa0_report_generation', 1, 5), ('slt_daily_export', 1, 5),
  ('pipeline_calibration', 120, 1440), ('pipeline_imaging', 120, 2880), ('qa2_product_ingest', 10, 60), ('delivery_notification', 0, 1)),
m AS (SELECT job_name, median(duration_s) / 60 AS med FROM job_run WHERE status = 'SUCCESS' GROUP BY 1),
-- Per-MOUS jobs start weeks after observing: a short run may not have reached them yet.
x AS (SELECT cat.job_name, med, lo_min, hi_min FROM cat LEFT JOIN m USING (job_name)
  WHERE med NOT BETWEEN lo_min AND hi_min OR (med IS NULL AND (SELECT days FROM sim_span) >= 120))
SELECT coalesce(string_agg(printf('%s %s min (%d–%d)', job_name, coalesce(printf('%.1f', med), 'none'), lo_min, hi_min), ', '), 'none outside') AS measured,
  count(*) = 0 AS ok FROM x`,
  },
  {
    id: 'telcal_nightly_batch',
    source: 'A',
    fact: 'TelCal extract runs per EB plus a nightly batch',
    expected: '1 nightly batch per day',
    sql: `WITH x AS (SELECT count(*) FILTER (WHERE target = 'nightly') / (SELECT days FROM sim_span) AS n FROM job_run
  WHERE job_name = 'telcal_calatmosphere_extract' AND attempt = 1)
SELECT printf('%.2f per day', n) AS measured, n BETWEEN 0.99 AND 1.01 AS ok FROM x`,
  },
  {
    id: 'sb_state_vocabulary',
    source: 'S4',
    fact: 'SB states are those of the DSA',
    expected:
      'a subset of Phase2Submitted, Ready, Running, Suspended, CalibratorCheck, Waiting, FullyObserved, ObservingTimedOut',
    sql: `WITH x AS (SELECT string_agg(DISTINCT state, ', ' ORDER BY state) AS m,
  count(*) FILTER (WHERE state NOT IN ('Phase2Submitted', 'Ready', 'Running', 'Suspended', 'CalibratorCheck', 'Waiting',
    'FullyObserved', 'ObservingTimedOut')) AS bad FROM sched_block)
SELECT m AS measured, bad = 0 AND m IS NOT NULL AS ok FROM x`,
  },
  {
    id: 'project_state_vocabulary',
    source: 'S4',
    fact: 'project states are those of the DSA',
    expected: 'a subset of Ready, InProgress, PartiallyCompleted, ObservingTimedOut, Completed',
    sql: `WITH x AS (SELECT string_agg(DISTINCT state, ', ' ORDER BY state) AS m,
  count(*) FILTER (WHERE state NOT IN ('Ready', 'InProgress', 'PartiallyCompleted', 'ObservingTimedOut', 'Completed')) AS bad
  FROM project)
SELECT m AS measured, bad = 0 AND m IS NOT NULL AS ok FROM x`,
  },
  {
    id: 'sb_states_follow_ebs',
    source: 'P',
    fact: 'an SB counts the EBs it got; one with a QA0 Pass EB has left Phase2Submitted; it is FullyObserved exactly when it has its needed Pass EBs and its MOUS is in `mous`',
    expected: '0 SBs otherwise',
    sql: `WITH eb AS (SELECT sb_uid, count(*) AS n, count(*) FILTER (WHERE qa0_status = 'Pass') AS pass FROM execution
  WHERE NOT is_calibration GROUP BY 1),
x AS (SELECT count(*) FILTER (WHERE s.executions <> coalesce(eb.n, 0) OR s.pass_executions <> coalesce(eb.pass, 0)
    OR (s.pass_executions > 0 AND s.state = 'Phase2Submitted')
    OR ((s.pass_executions >= s.required_executions) <> (s.state = 'FullyObserved'))
    OR ((s.state = 'FullyObserved') <> (m.mous_uid IS NOT NULL))
    OR (s.state = 'FullyObserved' AND s.fully_observed_ts <> m.observed_ts)) AS bad,
  (SELECT count(*) FROM eb WHERE sb_uid NOT IN (SELECT sb_uid FROM sched_block)) AS unknown
  FROM sched_block s LEFT JOIN eb USING (sb_uid) LEFT JOIN mous m ON m.sb_uid = s.sb_uid)
SELECT bad || ' SBs otherwise, ' || unknown || ' science SBs with EBs missing' AS measured, bad = 0 AND unknown = 0 AS ok FROM x`,
  },
  {
    id: 'project_states_follow_sbs',
    source: 'P',
    fact: 'a project is Completed exactly when all its SBs are FullyObserved, and InProgress only with an SB started',
    expected: '0 projects otherwise',
    sql: `WITH sb AS (SELECT project_code, count(*) AS n, count(*) FILTER (WHERE state = 'FullyObserved') AS done,
  count(*) FILTER (WHERE executions > 0) AS started FROM sched_block GROUP BY 1),
x AS (SELECT count(*) FILTER (WHERE p.sched_blocks <> sb.n OR p.sb_fully_observed <> sb.done OR p.sb_started <> sb.started
  OR ((p.state = 'Completed') <> (sb.done = sb.n)) OR (p.state = 'InProgress' AND sb.started = 0)) AS bad
  FROM project p JOIN sb USING (project_code))
SELECT bad || ' projects otherwise' AS measured, bad = 0 AS ok FROM x`,
  },
  {
    id: 'obscore_columns',
    source: 'S1',
    fact: 'the Obscore table has the ivoa.obscore columns in their order',
    expected: '64 columns, as §7',
    sql: `WITH x AS (SELECT string_agg(column_name, ', ' ORDER BY column_index) AS cols, count(*) AS n
  FROM duckdb_columns() WHERE table_name = 'obscore')
SELECT n || ' columns' || CASE WHEN cols = '${OBSCORE_COLUMNS}' THEN ', as §7' ELSE ': ' || cols END AS measured,
  cols = '${OBSCORE_COLUMNS}' AS ok FROM x`,
  },
  {
    id: 'obscore_delivered_mous',
    source: 'S12',
    fact: 'one Obscore row per delivered MOUS, and none for a MOUS not delivered; all passed QA2',
    expected: '0 delivered MOUS without a row, 0 rows without one',
    sql: `WITH d AS (SELECT mous_uid FROM mous WHERE state = 'Delivered'),
x AS (SELECT (SELECT count(*) FROM d WHERE mous_uid NOT IN (SELECT member_ous_uid FROM obscore)) AS missing,
  (SELECT count(*) FROM obscore WHERE member_ous_uid NOT IN (SELECT mous_uid FROM d)) AS extra,
  (SELECT count(*) - count(DISTINCT member_ous_uid) FROM obscore) AS dup,
  (SELECT count(*) FROM obscore WHERE qa2_passed <> 'T') AS failed,
  (SELECT count(*) FROM d) AS delivered)
SELECT printf('%d delivered: %d without a row, %d rows without one, %d twice, %d not passed', delivered, missing, extra, dup, failed)
  AS measured, missing = 0 AND extra = 0 AND dup = 0 AND failed = 0 AS ok FROM x`,
  },
  {
    id: 'obscore_values',
    source: 'S1',
    fact: 'Obscore rows as the archive writes them: obs_publisher_did ADS/JAO.ALMA#<code>, obs_id <mous>.source.<name>.spw.<n>, /XX/YY/, PAD:ANT antenna lists, frequency inside band_list, asdm_uid a QA0 Pass EB of the MOUS',
    expected: '0 rows otherwise',
    sql: `WITH x AS (SELECT count(*) FILTER (WHERE o.obs_publisher_did <> 'ADS/JAO.ALMA#' || o.proposal_id
    OR NOT starts_with(o.obs_id, o.member_ous_uid || '.source.' || o.target_name || '.spw.')
    OR o.pol_states <> '/XX/YY/' OR o.obs_collection <> 'ALMA' OR o.calib_level <> 2
    OR NOT regexp_full_match(o.antenna_arrays, '[A-Z]+[0-9]+:[A-Z]{2}[0-9]{2}( [A-Z]+[0-9]+:[A-Z]{2}[0-9]{2})*')
    OR 'ALMA_RB_' || lpad(o.band_list, 2, '0') <> e.band OR e.qa0_status <> 'Pass' OR e.mous_uid <> o.member_ous_uid
    OR NOT (o.em_min < o.em_max AND o.t_min < o.t_max AND o.t_exptime > 0)
    OR o.frequency NOT BETWEEN 299792458 / o.em_max / 1e9 - 10 AND 299792458 / o.em_min / 1e9 + 10) AS bad, count(*) AS n
  FROM obscore o LEFT JOIN execution e ON e.eb_uid = o.asdm_uid)
SELECT bad || ' of ' || n || ' rows otherwise' AS measured, bad = 0 AS ok FROM x`,
  },
];
