import { OBSERVATORY_JOBS, periodHours } from './jobs.js';

/** The current UTC time as a plain TIMESTAMP (run timestamps are stored in UTC). */
export const NOW_UTC = 'make_timestamp(epoch_us(now()))';

/**
 * The run history on the simulator's timeline: the imported runs were moved `shiftDays` whole
 * days forward so that they end today (history.ts), and later runs happen on the wall clock, so
 * subtracting the shift puts every run beside the simulated data it loaded (`job_run`, `mous`).
 */
const runsOnSimulatedTime = (shiftDays: number) =>
  shiftDays
    ? `(SELECT * REPLACE (started_at - INTERVAL ${shiftDays} DAY AS started_at, ended_at - INTERVAL ${shiftDays} DAY AS ended_at) FROM automation_runs)`
    : 'automation_runs';
/** Now on the simulator's timeline. */
const simulatedNow = (shiftDays: number) => (shiftDays ? `(${NOW_UTC} - INTERVAL ${shiftDays} DAY)` : NOW_UTC);

/** Each scenario's name and expected period, for the SQL that judges lateness. */
const schedule = () =>
  `(VALUES ${OBSERVATORY_JOBS.map((j) => `('${j.id}', '${j.name.replace(/'/g, "''")}', ${periodHours(j)})`).join(
    ', ',
  )}) AS s(scenario, name, period_h)`;

/**
 * Per job: its last run and last success, and whether it is late (no success within 1.5 periods)
 * or failing (a failed run in the last 24 h): the talk's "which loads are late or failing today".
 */
const LOAD_STATUS_SQL = (shiftDays: number, now = simulatedNow(shiftDays)) => `WITH r AS (
  SELECT scenario, outcome, started_at, ended_at, duration_ms FROM ${runsOnSimulatedTime(shiftDays)} WHERE started_at IS NOT NULL
),
agg AS (
  SELECT scenario,
    max(started_at) AS last_run_at,
    arg_max(outcome, started_at) AS last_outcome,
    max(ended_at) FILTER (WHERE outcome IN ('SUCCESS', 'WARNING')) AS last_success_at,
    count(*) FILTER (WHERE started_at >= ${now} - INTERVAL 24 HOUR) AS runs_24h,
    count(*) FILTER (WHERE outcome = 'FAILED' AND started_at >= ${now} - INTERVAL 24 HOUR) AS failed_24h,
    count(*) FILTER (WHERE outcome = 'WARNING' AND started_at >= ${now} - INTERVAL 24 HOUR) AS warnings_24h,
    avg(duration_ms) / 60000.0 AS avg_runtime_min,
    arg_max(duration_ms, started_at) / 60000.0 AS last_runtime_min
  FROM r GROUP BY scenario
)
SELECT s.scenario, s.name, s.period_h, a.last_run_at, a.last_outcome, a.last_success_at,
  round(epoch(${now} - a.last_success_at) / 3600.0, 2) AS hours_since_success,
  coalesce(a.runs_24h, 0) AS runs_24h, coalesce(a.failed_24h, 0) AS failed_24h,
  coalesce(a.warnings_24h, 0) AS warnings_24h,
  round(a.avg_runtime_min, 2) AS avg_runtime_min, round(a.last_runtime_min, 2) AS last_runtime_min,
  CASE
    WHEN a.last_success_at IS NULL OR a.last_success_at < ${now} - to_microseconds(CAST(s.period_h * 1.5 * 3600e6 AS BIGINT)) THEN 'late'
    WHEN coalesce(a.failed_24h, 0) > 0 THEN 'failing'
    ELSE 'ok'
  END AS status
FROM ${schedule()}
LEFT JOIN agg a USING (scenario)
ORDER BY CASE status WHEN 'late' THEN 0 WHEN 'failing' THEN 1 ELSE 2 END, s.scenario`;

/** Runtime per job and day: the trend the operators watch for jobs slowing down. */
const RUNTIME_DAILY_SQL = (shiftDays: number) => `SELECT scenario, CAST(started_at AS DATE) AS day,
  count(*) AS runs,
  count(*) FILTER (WHERE outcome = 'FAILED') AS failed,
  round(avg(duration_ms) / 60000.0, 3) AS avg_runtime_min,
  round(max(duration_ms) / 60000.0, 3) AS max_runtime_min
FROM ${runsOnSimulatedTime(shiftDays)}
WHERE started_at IS NOT NULL AND duration_ms IS NOT NULL
GROUP BY scenario, CAST(started_at AS DATE)
ORDER BY day, scenario`;

/**
 * Data waiting at each hop of the archive replication OSF → SCO → ARCs, per day: what reached a
 * hop (ingested at the OSF, or replicated to the SCO) minus what left it, summed since the start.
 */
const REPLICATION_BACKLOG_SQL = `WITH moves AS (
  SELECT CAST(scheduled_ts AS DATE) AS day,
    sum(volume_gb) FILTER (WHERE job_name = 'asdm_ingest_osf' AND status = 'SUCCESS') AS ingested_gb,
    sum(volume_gb) FILTER (WHERE job_name = 'archive_replication_osf_to_sco' AND status = 'SUCCESS') AS to_sco_gb,
    sum(volume_gb) FILTER (WHERE job_name = 'archive_replication_sco_to_arc' AND target = 'eso' AND status = 'SUCCESS') AS to_eso_gb,
    sum(volume_gb) FILTER (WHERE job_name = 'archive_replication_sco_to_arc' AND target = 'nrao' AND status = 'SUCCESS') AS to_nrao_gb,
    sum(volume_gb) FILTER (WHERE job_name = 'archive_replication_sco_to_arc' AND target = 'naoj' AND status = 'SUCCESS') AS to_naoj_gb
  FROM job_run GROUP BY 1
),
cum AS (
  SELECT day,
    sum(coalesce(ingested_gb, 0)) OVER w AS ingested, sum(coalesce(to_sco_gb, 0)) OVER w AS sco,
    sum(coalesce(to_eso_gb, 0)) OVER w AS eso, sum(coalesce(to_nrao_gb, 0)) OVER w AS nrao,
    sum(coalesce(to_naoj_gb, 0)) OVER w AS naoj,
    coalesce(to_sco_gb, 0) AS sco_day, coalesce(to_eso_gb, 0) AS eso_day,
    coalesce(to_nrao_gb, 0) AS nrao_day, coalesce(to_naoj_gb, 0) AS naoj_day
  FROM moves WINDOW w AS (ORDER BY day)
)
SELECT day, hop, round(moved_gb, 1) AS moved_gb, round(greatest(backlog_gb, 0), 1) AS backlog_gb FROM (
  SELECT day, 'OSF → SCO' AS hop, sco_day AS moved_gb, ingested - sco AS backlog_gb FROM cum
  UNION ALL SELECT day, 'SCO → ESO', eso_day, sco - eso FROM cum
  UNION ALL SELECT day, 'SCO → NRAO', nrao_day, sco - nrao FROM cum
  UNION ALL SELECT day, 'SCO → NAOJ', naoj_day, sco - naoj FROM cum
)
ORDER BY day, hop`;

/** The data-processing KPI (§5): share of MOUS delivered within 30 days of being fully observed, per month observed. */
const DELIVERY_KPI_SQL = `SELECT date_trunc('month', observed_ts) AS month, array_family,
  count(*) AS mous,
  count(delivered_ts) AS delivered,
  count(*) FILTER (WHERE delivered_ts <= observed_ts + INTERVAL 30 DAY) AS delivered_within_30d,
  round(100.0 * count(*) FILTER (WHERE delivered_ts <= observed_ts + INTERVAL 30 DAY) / count(*), 1) AS within_30d_pct,
  round(median(epoch(delivered_ts - observed_ts) / 86400.0), 1) AS median_days_to_delivery
FROM mous
GROUP BY 1, 2
ORDER BY 1, 2`;

/** The monitoring recipes; `shiftDays`: how far the imported run history was moved (0: runs as they are). */
export function monitoringRecipes(shiftDays = 0) {
  return [
    {
      name: 'compute_load_status',
      type: 'sql',
      inputs: ['automation_runs'],
      output: 'load_status',
      sql: LOAD_STATUS_SQL(shiftDays),
      description: 'Per job: last run, last success, failures in the last 24 h, late or failing.',
    },
    {
      name: 'compute_runtime_daily',
      type: 'sql',
      inputs: ['automation_runs'],
      output: 'runtime_daily',
      sql: RUNTIME_DAILY_SQL(shiftDays),
      description: 'Runtime of each job per day: the trend.',
    },
    {
      name: 'compute_replication_backlog',
      type: 'sql',
      inputs: ['job_run'],
      output: 'replication_backlog',
      sql: REPLICATION_BACKLOG_SQL,
      description: 'Data waiting at each replication hop, OSF → SCO → ARCs, per day.',
    },
    {
      name: 'compute_delivery_kpi',
      type: 'sql',
      inputs: ['mous'],
      output: 'delivery_kpi',
      sql: DELIVERY_KPI_SQL,
      description: 'MOUS delivered within 30 days of observation, per month and array.',
    },
  ];
}

/** Late, failed and empty loads as check metrics of the run history (system datasets). */
export function monitoringQuality() {
  const lateSql = `SELECT count(*) FROM ${schedule()} LEFT JOIN (
      SELECT scenario, max(ended_at) AS last_success FROM automation_runs WHERE outcome IN ('SUCCESS', 'WARNING') GROUP BY scenario
    ) r USING (scenario)
    WHERE r.last_success IS NULL OR r.last_success < ${NOW_UTC} - to_microseconds(CAST(s.period_h * 1.5 * 3600e6 AS BIGINT))`;
  return [
    {
      dataset: 'automation_runs',
      metrics: {
        afterBuild: true,
        timeColumns: ['started_at'],
        sql: [
          {
            name: 'failed_runs_24h',
            sql: `SELECT count(*) FROM automation_runs WHERE outcome = 'FAILED' AND started_at >= ${NOW_UTC} - INTERVAL 24 HOUR`,
          },
          { name: 'late_jobs', sql: lateSql },
        ],
      },
      checks: [
        { type: 'metric-bounds', name: 'no failed loads in 24 h', metric: 'sql.failed_runs_24h', warning: { max: 0 } },
        { type: 'metric-bounds', name: 'no late loads', metric: 'sql.late_jobs', warning: { max: 0 } },
        { type: 'freshness', column: 'started_at', maxAgeHours: 2, warningAgeHours: 1 },
      ],
    },
    {
      dataset: 'automation_steps',
      metrics: {
        afterBuild: true,
        timeColumns: ['started_at'],
        sql: [
          {
            name: 'empty_loads_24h',
            sql: `SELECT count(*) FROM automation_steps WHERE type = 'load-increment' AND outcome = 'WARNING' AND started_at >= ${NOW_UTC} - INTERVAL 24 HOUR`,
          },
        ],
      },
      checks: [
        { type: 'metric-bounds', name: 'no empty loads in 24 h', metric: 'sql.empty_loads_24h', warning: { max: 0 } },
      ],
    },
    {
      dataset: 'delivery_kpi',
      checks: [{ type: 'range', column: 'within_30d_pct', min: 0, max: 100, severity: 'error' }],
    },
    {
      dataset: 'shift_metrics',
      checks: [
        { type: 'unique', column: 'shift_id', severity: 'error' },
        { type: 'range', column: 'time_completeness_pct', min: 0, max: 100.5, severity: 'warning' },
        { type: 'range', column: 'observation_efficiency_with_cal_pct', min: 0, max: 100, severity: 'warning' },
      ],
    },
  ];
}
