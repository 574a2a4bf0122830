/**
 * The demo flow's SQL recipes over the simulator's tables (dataset names = table names).
 * The lead loads these into the demo project; `demo-recipes.test.ts` runs them in DuckDB
 * against generated files.
 */

export interface DemoRecipe {
  name: string;
  inputs: string[];
  output: string;
  sql: string;
}

/**
 * Per-shift time buckets and efficiencies, exactly as alma-domain §4.3. Buckets are
 * disjoint: an EB that ended FAIL / ABORTED / RUNNING is counted once, through its
 * execution gap, not again in the EB buckets.
 */
const SHIFT_METRICS_SQL = `WITH s AS (
  SELECT shift_id, array_family, shift_date, shift_type, activity, start_ts, end_ts,
         epoch(end_ts - start_ts) / 3600.0 AS duration_h
  FROM shift
),
eb AS (
  SELECT s.shift_id, e.is_calibration, e.eb_status, e.qa0_status,
         epoch(least(e.end_ts, s.end_ts) - greatest(e.start_ts, s.start_ts)) / 3600.0 AS h
  FROM execution e
  JOIN s ON e.array_family = s.array_family AND e.start_ts < s.end_ts AND e.end_ts > s.start_ts
  WHERE e.eb_status NOT IN ('FAIL', 'ABORTED', 'RUNNING')
),
eb_buckets AS (
  SELECT shift_id,
    sum(h) FILTER (WHERE NOT is_calibration AND qa0_status = 'Pass') AS qa0_pass_h,
    sum(h) FILTER (WHERE NOT is_calibration AND qa0_status = 'SemiPass') AS qa0_semipass_h,
    sum(h) FILTER (WHERE NOT is_calibration AND qa0_status = 'Pending') AS qa0_pending_h,
    sum(h) FILTER (WHERE NOT is_calibration AND qa0_status = 'Fail') AS qa0_fail_h,
    sum(h) FILTER (WHERE is_calibration AND eb_status IN ('SUCCESS', 'PARTIAL') AND qa0_status <> 'Fail') AS cal_success_h,
    sum(h) FILTER (WHERE is_calibration AND NOT (eb_status IN ('SUCCESS', 'PARTIAL') AND qa0_status <> 'Fail')) AS cal_unsuccess_h
  FROM eb GROUP BY shift_id
),
g AS (
  SELECT s.shift_id, g.class, g.type,
         epoch(least(g.end_ts, s.end_ts) - greatest(g.start_ts, s.start_ts)) / 3600.0 AS h
  FROM gap g
  JOIN s ON g.array_family = s.array_family AND g.start_ts < s.end_ts AND g.end_ts > s.start_ts
),
gap_buckets AS (
  SELECT shift_id,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Handover') AS handover_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Weather downtime') AS weather_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Technical downtime') AS technical_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Scheduling downtime') AS scheduling_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Testing time gap') AS testing_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Failed execution gap') AS failed_exec_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Aborted execution gap') AS aborted_exec_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Running execution gap') AS running_exec_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Array recreation') AS array_recreation_h,
    sum(h) FILTER (WHERE class = 'GAP' AND type = 'Other') AS other_h,
    sum(h) FILTER (WHERE class = 'USER ERROR') AS user_error_h
  FROM g GROUP BY shift_id
),
buckets AS (
  SELECT s.shift_id, s.array_family, s.shift_date, s.shift_type, s.activity, s.start_ts, s.end_ts, s.duration_h,
    coalesce(gb.handover_h, 0) AS handover_h,
    coalesce(eb.qa0_pass_h, 0) AS qa0_pass_h,
    coalesce(eb.qa0_semipass_h, 0) AS qa0_semipass_h,
    coalesce(eb.qa0_pending_h, 0) AS qa0_pending_h,
    coalesce(eb.qa0_fail_h, 0) AS qa0_fail_h,
    coalesce(eb.cal_success_h, 0) AS cal_success_h,
    coalesce(eb.cal_unsuccess_h, 0) AS cal_unsuccess_h,
    coalesce(gb.weather_h, 0) AS weather_h,
    coalesce(gb.technical_h, 0) AS technical_h,
    coalesce(gb.scheduling_h, 0) AS scheduling_h,
    coalesce(gb.testing_h, 0) AS testing_h,
    coalesce(gb.failed_exec_h, 0) AS failed_exec_h,
    coalesce(gb.aborted_exec_h, 0) AS aborted_exec_h,
    coalesce(gb.running_exec_h, 0) AS running_exec_h,
    coalesce(gb.array_recreation_h, 0) AS array_recreation_h,
    coalesce(gb.other_h, 0) AS other_h,
    coalesce(gb.user_error_h, 0) AS user_error_h
  FROM s
  LEFT JOIN eb_buckets eb USING (shift_id)
  LEFT JOIN gap_buckets gb USING (shift_id)
),
totals AS (
  SELECT *,
    qa0_pass_h + qa0_semipass_h + qa0_pending_h + qa0_fail_h + failed_exec_h + aborted_exec_h + running_exec_h AS science_eb_h,
    cal_success_h + cal_unsuccess_h AS calibration_eb_h,
    handover_h + qa0_pass_h + qa0_semipass_h + qa0_pending_h + qa0_fail_h + cal_success_h + cal_unsuccess_h
      + weather_h + technical_h + scheduling_h + testing_h + failed_exec_h + aborted_exec_h + running_exec_h
      + array_recreation_h + other_h + user_error_h AS accounted_h
  FROM buckets
)
SELECT shift_id, array_family, shift_date, shift_type, activity, start_ts, end_ts, duration_h,
  handover_h, qa0_pass_h, qa0_semipass_h, qa0_pending_h, qa0_fail_h, cal_success_h, cal_unsuccess_h,
  weather_h, technical_h, scheduling_h, testing_h, failed_exec_h, aborted_exec_h, running_exec_h,
  array_recreation_h, other_h, user_error_h,
  accounted_h,
  greatest(0, duration_h - accounted_h) AS remaining_h,
  100 * (qa0_pass_h + qa0_semipass_h + qa0_pending_h + cal_success_h) / nullif(duration_h - weather_h, 0) AS observation_efficiency_with_cal_pct,
  100 * (science_eb_h + calibration_eb_h) / nullif(duration_h - weather_h - testing_h - handover_h, 0) AS operation_efficiency_with_cal_pct,
  100 * (technical_h + failed_exec_h + aborted_exec_h + qa0_fail_h + user_error_h) / nullif(duration_h - weather_h, 0) AS time_lost_rate_failures_pct,
  100 * calibration_eb_h / nullif(science_eb_h + calibration_eb_h, 0) AS calibration_rate_pct,
  100 * accounted_h / nullif(duration_h, 0) AS time_completeness_pct,
  100 * qa0_pending_h / nullif(qa0_pass_h + qa0_semipass_h + qa0_fail_h + qa0_pending_h, 0) AS backlog_rate_pct
FROM totals
ORDER BY start_ts, array_family`;

/**
 * Trec values outside (0, NON_PHYSICAL_CEILING_K] K are not measurements of a receiver (§2.4 and
 * the simulator's non-physical faults): flagged, never averaged.
 */
export const NON_PHYSICAL_CEILING_K = 2000;

/**
 * Per-EB median Trec per antenna, band, baseband and polarisation (long format), the series of
 * §2.4. Non-physical values are counted (`n_non_physical`) and left out of the median.
 */
const EB_TREC_MEDIAN_SQL = `WITH long AS (
  SELECT uid, antennaname, array_family, receiverband, basebandname, startvalidtime, cartridge_serial, 'X' AS pol, trec_x AS trec FROM trec_measurement
  UNION ALL
  SELECT uid, antennaname, array_family, receiverband, basebandname, startvalidtime, cartridge_serial, 'Y' AS pol, trec_y AS trec FROM trec_measurement
)
SELECT uid AS eb_uid, antennaname, array_family, receiverband, basebandname, pol,
  min(startvalidtime) AS eb_start,
  median(trec) FILTER (WHERE trec > 0 AND trec <= ${NON_PHYSICAL_CEILING_K}) AS trec_median,
  count(*) AS n_scans,
  count(*) FILTER (WHERE NOT (trec > 0 AND trec <= ${NON_PHYSICAL_CEILING_K})) AS n_non_physical,
  any_value(cartridge_serial) AS cartridge_serial
FROM long
GROUP BY uid, antennaname, array_family, receiverband, basebandname, pol
ORDER BY eb_start, antennaname, receiverband, basebandname, pol`;

export const demoRecipes: DemoRecipe[] = [
  {
    name: 'compute_shift_metrics',
    inputs: ['shift', 'gap', 'execution'],
    output: 'shift_metrics',
    sql: SHIFT_METRICS_SQL,
  },
  { name: 'compute_eb_trec_median', inputs: ['trec_measurement'], output: 'eb_trec_median', sql: EB_TREC_MEDIAN_SQL },
];
