import { cycleOf } from '../../simulator/calendar.js';

/**
 * The shift and observing-time-efficiency report (issue 21 §2, alma-domain §4.3) as SQL recipes
 * over the per-shift metrics: every metric per array and shift, pooled per week, month and cycle,
 * the latest of each as a "Metric | Value" table, each shift's timeline of EBs and gaps, and the
 * talk's consistency checks as findings joined to the shift-log gaps (the gap table).
 */

/** Hour buckets of §4.3, summed when pooled. */
export const HOUR_BUCKETS = [
  'duration_h',
  'handover_h',
  'qa0_pass_h',
  'qa0_semipass_h',
  'qa0_pending_h',
  'qa0_fail_h',
  'cal_success_h',
  'cal_unsuccess_h',
  'weather_h',
  'technical_h',
  'scheduling_h',
  'testing_h',
  'failed_exec_h',
  'aborted_exec_h',
  'running_exec_h',
  'array_recreation_h',
  'other_h',
  'user_error_h',
  'accounted_h',
  'remaining_h',
] as const;

/**
 * The §4.3 rates: name in the report → its per-shift column in `shift_metrics` and its formula over
 * hour columns. Pooled over a period the formula runs on summed hours (a ratio of sums); the mean
 * of the per-shift values is reported next to it, because the two differ.
 */
const SCIENCE_EB = `(qa0_pass_h + qa0_semipass_h + qa0_pending_h + qa0_fail_h + failed_exec_h + aborted_exec_h + running_exec_h)`;
const CAL_EB = `(cal_success_h + cal_unsuccess_h)`;
export const RATES: { name: string; perShift: string; formula: string }[] = [
  {
    name: 'observation_efficiency_pct',
    perShift: 'observation_efficiency_with_cal_pct',
    formula: `100 * (qa0_pass_h + qa0_semipass_h + qa0_pending_h + cal_success_h) / nullif(duration_h - weather_h, 0)`,
  },
  {
    name: 'operation_efficiency_pct',
    perShift: 'operation_efficiency_with_cal_pct',
    formula: `100 * (${SCIENCE_EB} + ${CAL_EB}) / nullif(duration_h - weather_h - testing_h - handover_h, 0)`,
  },
  {
    name: 'time_lost_rate_pct',
    perShift: 'time_lost_rate_failures_pct',
    formula: `100 * (technical_h + failed_exec_h + aborted_exec_h + qa0_fail_h + user_error_h) / nullif(duration_h - weather_h, 0)`,
  },
  {
    name: 'calibration_rate_pct',
    perShift: 'calibration_rate_pct',
    formula: `100 * ${CAL_EB} / nullif(${SCIENCE_EB} + ${CAL_EB}, 0)`,
  },
  {
    name: 'time_completeness_pct',
    perShift: 'time_completeness_pct',
    formula: `100 * accounted_h / nullif(duration_h, 0)`,
  },
  {
    name: 'backlog_rate_pct',
    perShift: 'backlog_rate_pct',
    formula: `100 * qa0_pending_h / nullif(qa0_pass_h + qa0_semipass_h + qa0_fail_h + qa0_pending_h, 0)`,
  },
];

/** The rows of the "Metric | Value" table, in the talk's order. */
export const REPORT_METRICS: { key: string; label: string; unit: 'h' | '%' | 'shifts' }[] = [
  { key: 'n_shifts', label: 'Shifts', unit: 'shifts' },
  { key: 'duration_h', label: 'Shift duration', unit: 'h' },
  { key: 'handover_h', label: 'Handover', unit: 'h' },
  { key: 'qa0_pass_h', label: 'QA0 Pass', unit: 'h' },
  { key: 'qa0_semipass_h', label: 'QA0 SemiPass', unit: 'h' },
  { key: 'qa0_pending_h', label: 'QA0 Pending', unit: 'h' },
  { key: 'qa0_fail_h', label: 'QA0 Fail', unit: 'h' },
  { key: 'cal_success_h', label: 'Calibration success', unit: 'h' },
  { key: 'cal_unsuccess_h', label: 'Calibration failure', unit: 'h' },
  { key: 'weather_h', label: 'Weather downtime', unit: 'h' },
  { key: 'technical_h', label: 'Technical downtime', unit: 'h' },
  { key: 'scheduling_h', label: 'Scheduling downtime', unit: 'h' },
  { key: 'testing_h', label: 'Testing time', unit: 'h' },
  { key: 'remaining_h', label: 'Remaining time', unit: 'h' },
  { key: 'observation_efficiency_pct', label: 'Observation efficiency with calibration', unit: '%' },
  { key: 'operation_efficiency_pct', label: 'Operation efficiency with calibration', unit: '%' },
  { key: 'time_lost_rate_pct', label: 'Time lost rate due to failures', unit: '%' },
  { key: 'calibration_rate_pct', label: 'Calibration rate', unit: '%' },
  { key: 'time_completeness_pct', label: 'Time completeness', unit: '%' },
  { key: 'backlog_rate_pct', label: 'Backlog rate', unit: '%' },
];

/** Cycle start year → cycle number (the simulator's calendar: Cycle 7 ran two years, there was no 2020 call). */
const cycleTable = () => {
  const rows: string[] = [];
  for (let y = 2011; y <= 2060; y++) rows.push(`(${y}, ${cycleOf(Date.UTC(y, 9, 1)).number})`);
  return `(VALUES ${rows.join(', ')}) AS cyc(cycle_start_year, cycle)`;
};

const sums = () => HOUR_BUCKETS.map((c) => `sum(${c}) AS ${c}`).join(',\n    ');
const means = () => RATES.map((r) => `avg(${r.perShift}) AS mean_shift_${r.name}`).join(',\n    ');

/**
 * One row per array × period: the shift itself, its ISO week, its month and its observing cycle
 * (1 October → 30 September). Hours are summed; rates are computed on the sums ("pooled") and,
 * next to them, averaged over the period's shifts. `is_latest` marks each array's newest period of
 * each kind (the newest shift is "the last shift").
 */
const SHIFT_REPORT_SQL = () => `WITH m AS (
  SELECT sm.*,
    date_trunc('week', start_ts) AS week_start,
    date_trunc('month', start_ts) AS month_start,
    CAST(year(start_ts) - CASE WHEN month(start_ts) >= 10 THEN 0 ELSE 1 END AS INTEGER) AS cycle_start_year
  FROM shift_metrics sm
),
keyed AS (
  SELECT 'shift' AS period, start_ts AS period_start, end_ts AS period_end, shift_id AS period_label, shift_id AS period_shift, m.* FROM m
  UNION ALL
  SELECT 'week', week_start, week_start + INTERVAL 7 DAY, strftime(week_start, '%G-W%V'), NULL, m.* FROM m
  UNION ALL
  SELECT 'month', month_start, month_start + INTERVAL 1 MONTH, strftime(month_start, '%Y-%m'), NULL, m.* FROM m
  UNION ALL
  SELECT 'cycle', make_timestamp(m.cycle_start_year, 10, 1, 0, 0, 0), make_timestamp(m.cycle_start_year + 1, 10, 1, 0, 0, 0),
    'Cycle ' || cyc.cycle, NULL, m.*
  FROM m JOIN ${cycleTable()} USING (cycle_start_year)
),
pooled AS (
  SELECT array_family, period, period_start,
    any_value(period_end) AS period_end, any_value(period_label) AS period_label, any_value(period_shift) AS shift_id,
    count(*) AS n_shifts,
    min(start_ts) AS first_shift_start, max(end_ts) AS last_shift_end,
    ${sums()},
    ${means()}
  FROM keyed
  GROUP BY array_family, period, period_start
)
SELECT array_family, period, period_start, period_end, period_label, shift_id, n_shifts, first_shift_start, last_shift_end,
  ${HOUR_BUCKETS.join(', ')},
  ${RATES.map((r) => `${r.formula} AS ${r.name}`).join(',\n  ')},
  ${RATES.map((r) => `mean_shift_${r.name}`).join(', ')},
  period_start = max(period_start) OVER (PARTITION BY array_family, period) AS is_latest
FROM pooled
ORDER BY array_family, CASE period WHEN 'shift' THEN 0 WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 3 END, period_start`;

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The talk's "LAST SHIFT / LAST WEEK" tables: per array, the latest shift, week, month and cycle,
 * one row per metric with the pooled value and the mean over the period's shifts (rates only).
 */
const SHIFT_REPORT_LATEST_SQL = () => {
  const keys = REPORT_METRICS.map((m, i) => `(${i + 1}, ${sqlText(m.key)}, ${sqlText(m.label)}, ${sqlText(m.unit)})`);
  const value = REPORT_METRICS.map((m) => `WHEN ${sqlText(m.key)} THEN CAST(r.${m.key} AS DOUBLE)`).join(' ');
  const mean = RATES.map((r) => `WHEN ${sqlText(r.name)} THEN r.mean_shift_${r.name}`).join(' ');
  return `SELECT r.array_family, r.period, r.period_label, r.period_start, r.n_shifts AS period_shifts,
  k.metric_order, k.metric, k.label AS metric_label, k.unit,
  round(CASE k.metric ${value} END, 3) AS value,
  round(CASE k.metric ${mean} END, 3) AS mean_of_shifts
FROM shift_report r
CROSS JOIN (VALUES ${keys.join(', ')}) AS k(metric_order, metric, label, unit)
WHERE r.is_latest
ORDER BY r.array_family, CASE r.period WHEN 'shift' THEN 0 WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 3 END, k.metric_order`;
};

/**
 * Each shift's timeline: its EBs (QA0 status, or the calibration outcome) and its shift-log gaps,
 * clipped to the shift window, for the webapp's drill-down.
 */
const SHIFT_TIMELINE_SQL = `WITH s AS (SELECT shift_id, array_family, start_ts, end_ts FROM shift)
SELECT s.shift_id, s.array_family, 'EB' AS kind,
  CASE WHEN e.is_calibration THEN 'Calibration ' || e.eb_status ELSE 'QA0 ' || e.qa0_status END AS label,
  e.eb_uid AS item_id, e.sb_name AS detail, e.eb_status AS status,
  greatest(e.start_ts, s.start_ts) AS start_ts, least(e.end_ts, s.end_ts) AS end_ts,
  round(epoch(least(e.end_ts, s.end_ts) - greatest(e.start_ts, s.start_ts)) / 3600.0, 4) AS duration_h
FROM execution e JOIN s ON e.array_family = s.array_family AND e.start_ts < s.end_ts AND e.end_ts > s.start_ts
UNION ALL
SELECT s.shift_id, s.array_family, CASE WHEN g.class = 'USER ERROR' THEN 'USER ERROR' ELSE 'GAP' END, g.type,
  g.gap_id, g.comment, g.priority,
  greatest(g.start_ts, s.start_ts), least(g.end_ts, s.end_ts),
  round(epoch(least(g.end_ts, s.end_ts) - greatest(g.start_ts, s.start_ts)) / 3600.0, 4)
FROM gap g JOIN s ON g.array_family = s.array_family AND g.start_ts < s.end_ts AND g.end_ts > s.start_ts
ORDER BY shift_id, start_ts, kind`;

/** The consistency checks of the talk: a finding's check name → its label in the gap table. */
export const CONSISTENCY_CHECKS = {
  non_activity_shift: 'Non-activity shift',
  overlapping_shift: 'Overlapping shift',
  pi_execution_in_downtime: 'PI execution in downtime',
  downtime_not_completed: 'Downtime not completed',
  array_wrong_activity: 'Array with wrong activity',
  buckets_do_not_add_up: 'Time buckets do not add up',
} as const;
export type ConsistencyCheck = keyof typeof CONSISTENCY_CHECKS;

/** The activities a shift may log. */
export const SHIFT_ACTIVITIES = ['SciOps', 'EOC', 'Engineering'];

/** Downtime gaps: a PI execution must not run inside one, and the SLT asks for their details. */
const DOWNTIME = `('Weather downtime', 'Technical downtime')`;

const finding = (check: ConsistencyCheck, priority: string) =>
  `${sqlText(check)} AS check_name, ${sqlText(CONSISTENCY_CHECKS[check])} AS type, ${sqlText(priority)} AS priority`;

/**
 * One row per inconsistency of the shift log (the talk's checks), each with the shift, the
 * window it concerns and a comment saying what is wrong:
 * - non-activity shift: no activity set, or nothing logged but the handover;
 * - overlapping shifts of the same array;
 * - a PI (science) EB overlapping a weather or technical downtime of its array;
 * - a downtime not completed: no end, or missing comment, "is power cut?" or (technical) engineering group;
 * - array with the wrong activity: an EB logged under a shift of another array, or a shift whose
 *   activity is not one the arrays run (SciOps, EOC, Engineering);
 * - time buckets that do not add up: more hours classified than the shift lasts (buckets overlap).
 */
const SHIFT_CONSISTENCY_SQL = `WITH s AS (SELECT * FROM shift),
f AS (
  SELECT ${finding('non_activity_shift', 'Medium')}, s.shift_id, s.array_family, s.start_ts, s.end_ts,
    CASE WHEN coalesce(trim(s.activity), '') = '' THEN 'No activity set for the shift'
      ELSE 'Nothing logged in the shift but the handover' END AS comment, NULL AS related_id
  FROM s
  WHERE coalesce(trim(s.activity), '') = ''
    OR (NOT EXISTS (SELECT 1 FROM execution e WHERE e.array_family = s.array_family AND e.start_ts < s.end_ts AND e.end_ts > s.start_ts)
      AND NOT EXISTS (SELECT 1 FROM gap g WHERE g.array_family = s.array_family AND g.type <> 'Handover' AND g.start_ts < s.end_ts AND g.end_ts > s.start_ts))
  UNION ALL
  SELECT ${finding('overlapping_shift', 'High')}, a.shift_id, a.array_family, greatest(a.start_ts, b.start_ts), least(a.end_ts, b.end_ts),
    'Overlaps shift ' || b.shift_id || ' by ' || round(epoch(least(a.end_ts, b.end_ts) - greatest(a.start_ts, b.start_ts)) / 3600.0, 3) || ' h',
    b.shift_id
  FROM s a JOIN s b ON a.array_family = b.array_family AND a.shift_id < b.shift_id AND a.start_ts < b.end_ts AND b.start_ts < a.end_ts
  UNION ALL
  SELECT ${finding('pi_execution_in_downtime', 'High')}, g.shift_id, g.array_family, greatest(e.start_ts, g.start_ts), least(e.end_ts, g.end_ts),
    'PI execution ' || e.eb_uid || ' (' || e.eb_status || ') inside ' || g.type || ' ' || g.gap_id, e.eb_uid
  FROM execution e JOIN gap g ON e.array_family = g.array_family AND e.start_ts < g.end_ts AND g.start_ts < e.end_ts
  WHERE NOT e.is_calibration AND g.type IN ${DOWNTIME}
  UNION ALL
  SELECT ${finding('downtime_not_completed', 'Medium')}, g.shift_id, g.array_family, g.start_ts, g.end_ts,
    g.type || ' ' || g.gap_id || ': ' || concat_ws(', ',
      CASE WHEN g.end_ts IS NULL OR g.end_ts <= g.start_ts THEN 'no end time' END,
      CASE WHEN coalesce(trim(g.comment), '') = '' THEN 'no comment' END,
      CASE WHEN g.is_power_cut IS NULL THEN '"is power cut?" not answered' END,
      CASE WHEN g.type = 'Technical downtime' AND g.engineering_group IS NULL THEN 'no engineering group' END) || ' missing',
    g.gap_id
  FROM gap g
  WHERE g.type IN ${DOWNTIME} AND (g.end_ts IS NULL OR g.end_ts <= g.start_ts OR coalesce(trim(g.comment), '') = ''
    OR g.is_power_cut IS NULL OR (g.type = 'Technical downtime' AND g.engineering_group IS NULL))
  UNION ALL
  SELECT ${finding('array_wrong_activity', 'Medium')}, s.shift_id, e.array_family, e.start_ts, e.end_ts,
    'EB ' || e.eb_uid || ' of the ' || e.array_family || ' array logged under a ' || s.array_family || ' shift', e.eb_uid
  FROM execution e JOIN s ON e.shift_id = s.shift_id
  WHERE e.array_family <> s.array_family
  UNION ALL
  SELECT ${finding('array_wrong_activity', 'Medium')}, s.shift_id, s.array_family, s.start_ts, s.end_ts,
    'Activity ' || s.activity || ' is not one of ${SHIFT_ACTIVITIES.join(', ')}', NULL
  FROM s WHERE coalesce(trim(s.activity), '') <> '' AND s.activity NOT IN (${SHIFT_ACTIVITIES.map(sqlText).join(', ')})
  UNION ALL
  SELECT ${finding('buckets_do_not_add_up', 'High')}, m.shift_id, m.array_family, m.start_ts, m.end_ts,
    'Buckets sum to ' || round(m.accounted_h, 3) || ' h in a ' || round(m.duration_h, 3) || ' h shift', NULL
  FROM shift_metrics m WHERE m.accounted_h > m.duration_h + 1.0 / 60
)
SELECT check_name, 'CHECK' AS class, type, 'Consistency' AS tag, priority, shift_id, array_family, start_ts, end_ts,
  round(epoch(end_ts - start_ts) / 3600.0, 4) AS duration_h, comment, related_id
FROM f
ORDER BY start_ts, check_name, shift_id`;

/**
 * The talk's gap table: every shift-log gap (class GAP or USER ERROR) and every consistency finding
 * (class CHECK), with class, type, tag, priority, array and comment to filter on.
 */
const SHIFT_GAP_TABLE_SQL = `SELECT g.end_ts, g.class, g.type, g.tag, round(g.duration_h, 4) AS duration_h, g.comment, g.priority,
  g.array_family, g.shift_id, g.start_ts, g.gap_id AS item_id, g.related_eb_uid AS related_id
FROM gap g
UNION ALL
SELECT c.end_ts, c.class, c.type, c.tag, c.duration_h, c.comment, c.priority,
  c.array_family, c.shift_id, c.start_ts, c.check_name, c.related_id
FROM shift_consistency c
ORDER BY start_ts, array_family, class`;

export function shiftReportRecipes() {
  return [
    {
      name: 'compute_shift_report',
      type: 'sql',
      inputs: ['shift_metrics'],
      output: 'shift_report',
      sql: SHIFT_REPORT_SQL(),
      description:
        'Every §4.3 metric per array and shift, and pooled per week, month and cycle (rates on summed hours, next to the mean of the per-shift rates).',
    },
    {
      name: 'compute_shift_report_latest',
      type: 'sql',
      inputs: ['shift_report'],
      output: 'shift_report_latest',
      sql: SHIFT_REPORT_LATEST_SQL(),
      description: 'The last shift, week, month and cycle of each array, one row per metric: the report’s table.',
    },
    {
      name: 'compute_shift_timeline',
      type: 'sql',
      inputs: ['shift', 'execution', 'gap'],
      output: 'shift_timeline',
      sql: SHIFT_TIMELINE_SQL,
      description: 'Each shift’s EBs and shift-log gaps, clipped to the shift: the drill-down timeline.',
    },
    {
      name: 'check_shift_consistency',
      type: 'sql',
      inputs: ['shift', 'gap', 'execution', 'shift_metrics'],
      output: 'shift_consistency',
      sql: SHIFT_CONSISTENCY_SQL,
      description:
        'The shift log’s inconsistencies: non-activity and overlapping shifts, PI executions in downtime, downtime not completed, arrays with the wrong activity, buckets that do not add up.',
    },
    {
      name: 'compute_shift_gap_table',
      type: 'sql',
      inputs: ['gap', 'shift_consistency'],
      output: 'shift_gap_table',
      sql: SHIFT_GAP_TABLE_SQL,
      description: 'The gap table: shift-log gaps and consistency findings, by class, type, tag, priority and array.',
    },
  ];
}

/** The datasets the report builds. */
export const shiftReportTargets = (): string[] => shiftReportRecipes().map((r) => r.output);

/** Each consistency check as a Llano check: a count of its findings, a WARNING (or ERROR) above 0. */
export function shiftReportQuality() {
  const errors: ConsistencyCheck[] = ['overlapping_shift', 'buckets_do_not_add_up'];
  const names = Object.keys(CONSISTENCY_CHECKS) as ConsistencyCheck[];
  return [
    {
      dataset: 'shift_consistency',
      metrics: {
        afterBuild: true,
        sql: names.map((c) => ({
          name: c,
          sql: `SELECT count(*) FROM shift_consistency WHERE check_name = '${c}'`,
        })),
      },
      checks: names.map((c) => ({
        type: 'metric-bounds',
        name: CONSISTENCY_CHECKS[c],
        metric: `sql.${c}`,
        ...(errors.includes(c) ? { error: { max: 0 } } : { warning: { max: 0 } }),
      })),
    },
  ];
}
