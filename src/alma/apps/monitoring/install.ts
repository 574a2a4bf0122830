import { LOCAL_ADMIN } from '../../../catalog/access.js';
import { importScenarioHistory } from '../../../automation/history-import.js';
import { saveScenario } from '../../../automation/scenarios-service.js';
import { saveDataset, resolveSource } from '../../../datasets/datasets.js';
import { duckdbRelation } from '../../../engine/table-source.js';
import { saveRecipe } from '../../../flow/recipes-service.js';
import { saveDashboard } from '../../../insights/dashboards-service.js';
import { saveInsight } from '../../../insights/insights-service.js';
import { saveQualitySettings } from '../../../quality/quality-service.js';
import type { Workspace } from '../../../workspace/workspace.js';
import { historyShiftMs, jobRunsToHistory, type JobRunRecord } from './history.js';
import { OBSERVATORY_JOBS, type ObservatoryJob } from './jobs.js';
import { monitoringQuality, monitoringRecipes } from './recipes.js';

/** Placeholder addresses under `.invalid` (RFC 2606: never resolves): the operator fills in real ones. */
export const REPORTER_PLACEHOLDERS = {
  smtpHost: 'smtp.observatory.invalid',
  from: 'llano@observatory.invalid',
  to: 'aod@observatory.invalid',
  webhook: 'https://alerts.observatory.invalid/llano',
};

/** Mail and webhook reporters on failure, addressed to placeholders the operator replaces. */
export function placeholderReporters(on: 'failure' | 'warning' = 'failure') {
  return [
    {
      channel: 'mail',
      on,
      smtp: { host: REPORTER_PLACEHOLDERS.smtpHost, port: 587 },
      from: REPORTER_PLACEHOLDERS.from,
      to: [REPORTER_PLACEHOLDERS.to],
      subject: '[ALMA ops] {{scenario}}: {{outcome}}',
    },
    { channel: 'webhook', on, url: REPORTER_PLACEHOLDERS.webhook },
  ];
}

export function scenarioOf(job: ObservatoryJob) {
  const steps: Record<string, unknown>[] = job.loads.map((l) => ({
    type: 'load-increment',
    name: `Load ${l.table}${l.match ? ` (${l.match.values.join(', ')})` : ''}`,
    source: `staging_${l.table}`,
    target: l.table,
    timeColumn: l.timeColumn,
    hours: l.hours,
    ...(l.match ? { match: l.match } : {}),
  }));
  if (job.builds.length) steps.push({ type: 'build', name: 'Rebuild', targets: job.builds, mode: 'required' });
  if (job.checks.length) steps.push({ type: 'run-checks', name: 'Checks', datasets: job.checks });
  return {
    id: job.id,
    name: job.name,
    description: `${job.description} Reporters go to placeholder addresses (*.invalid): set real ones before relying on them.`,
    concurrency: 'drop',
    triggers: [{ type: 'time', ...job.trigger, timezone: 'UTC' }],
    steps,
    reporters: placeholderReporters(),
  };
}

/**
 * Pipeline monitoring (issue 21 §1): the run history and step history as datasets, the
 * monitoring recipes, the job scenarios, and their checks. Needs the simulator's tables and their
 * `staging_*` increments in the project. `shiftDays`: how far {@link importJobHistory} moves the
 * simulated runs forward; the dashboard's datasets move them back, onto the simulated timeline.
 */
export async function installMonitoring(ws: Workspace, project: string, history: { shiftDays: number }): Promise<void> {
  await saveRunHistoryDatasets(ws, project);
  for (const r of monitoringRecipes(history.shiftDays)) await saveRecipe(ws, LOCAL_ADMIN, project, r);
  for (const job of OBSERVATORY_JOBS) await saveScenario(ws, LOCAL_ADMIN, project, scenarioOf(job));
  await saveScenario(ws, LOCAL_ADMIN, project, PIPELINE_WATCH);
}

/** The project's scenario runs and step runs as datasets (system tables) the monitoring recipes read. */
export async function saveRunHistoryDatasets(ws: Workspace, project: string): Promise<void> {
  await saveDataset(ws, LOCAL_ADMIN, project, {
    name: 'automation_runs',
    description: 'Every run of the project’s scenarios (system table)',
    storage: { type: 'system', table: 'scenario_runs' },
  });
  await saveDataset(ws, LOCAL_ADMIN, project, {
    name: 'automation_steps',
    description: 'Every step run of the project’s scenarios (system table)',
    storage: { type: 'system', table: 'step_runs' },
  });
}

/** Hourly: refreshes the load status and runtime trends, and runs the late / failed / empty-load checks. */
const PIPELINE_WATCH = {
  id: 'pipeline_watch',
  name: 'Pipeline watch',
  description:
    'Refreshes the monitoring dashboard’s datasets and runs the checks that flag late, failed or empty loads; reports a WARNING. Reporters go to placeholder addresses (*.invalid): set real ones.',
  concurrency: 'drop',
  triggers: [{ type: 'time', cron: '40 * * * *', timezone: 'UTC' }],
  steps: [
    { type: 'build', name: 'Refresh load status', targets: ['load_status', 'runtime_daily'], mode: 'required' },
    { type: 'run-checks', name: 'Late, failed and empty loads', datasets: ['automation_runs', 'automation_steps'] },
  ],
  reporters: placeholderReporters('warning'),
};

/** Checks need the datasets' columns: saved once the demo's first build is done. */
export async function installMonitoringChecks(ws: Workspace, project: string): Promise<void> {
  for (const q of monitoringQuality()) await saveQualitySettings(ws, LOCAL_ADMIN, project, q);
}

/** The build targets of the monitoring app. */
export const monitoringTargets = (): string[] => monitoringRecipes().map((r) => r.output);

/**
 * The simulated `job_run` history (the loaded part, up to `cutoffMs`) as the scenarios' past runs,
 * moved forward by whole days so that it ends now.
 */
export async function importJobHistory(
  ws: Workspace,
  project: string,
  cutoffMs: number,
  nowMs = Date.now(),
): Promise<{ runs: number; steps: number }> {
  const rel = duckdbRelation((await resolveSource(ws, project, 'job_run')).source);
  const res = await ws.duck.query(
    `SELECT job_name, target, epoch_ms(scheduled_ts), epoch_ms(start_ts), epoch_ms(end_ts), status, failure_cause, eb_uid, mous_uid
     FROM ${rel} ORDER BY scheduled_ts, run_id`,
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const rows: JobRunRecord[] = res.rows.map((r) => ({
    job_name: String(r[0]),
    target: (r[1] as string | null) ?? null,
    scheduled_ts: Number(r[2]),
    start_ts: num(r[3]),
    end_ts: num(r[4]),
    status: String(r[5]),
    failure_cause: (r[6] as string | null) ?? null,
    eb_uid: (r[7] as string | null) ?? null,
    mous_uid: (r[8] as string | null) ?? null,
  }));
  const history = jobRunsToHistory(OBSERVATORY_JOBS, rows, { shiftMs: historyShiftMs(cutoffMs, nowMs), nowMs });
  return importScenarioHistory(ws, LOCAL_ADMIN, project, history);
}

/** The monitoring dashboard's insights (each reads a dataset the monitoring recipes build). */
export const monitoringInsights = [
  {
    id: 'loads_late_or_failing',
    name: 'Loads late or failing (last 24 h, simulated dates)',
    type: 'table',
    dataset: 'load_status',
    table: {
      columns: [
        'status',
        'name',
        'last_outcome',
        'last_run_at',
        'hours_since_success',
        'failed_24h',
        'warnings_24h',
        'avg_runtime_min',
        'last_runtime_min',
      ],
      highlight: [{ column: 'failed_24h', op: 'gt', value: 0, color: '#d9534f' }],
    },
  },
  {
    id: 'replication_backlog',
    name: 'Replication backlog OSF → SCO → ARCs (GB, simulated dates)',
    type: 'chart',
    dataset: 'replication_backlog',
    chart: {
      kind: 'line',
      x: { column: 'day', bin: { method: 'width', unit: 'day' } },
      y: [{ column: 'backlog_gb', agg: 'sum', label: 'backlog (GB)' }],
      color: { column: 'hop' },
    },
  },
  {
    id: 'runtime_trend',
    name: 'Average runtime per job and day (min, simulated dates)',
    type: 'chart',
    dataset: 'runtime_daily',
    chart: {
      kind: 'line',
      x: { column: 'day', bin: { method: 'width', unit: 'day' } },
      y: [{ column: 'avg_runtime_min', agg: 'avg', label: 'avg runtime (min)' }],
      color: { column: 'scenario' },
    },
  },
  {
    id: 'failed_runs_per_day',
    name: 'Failed runs per job and day (simulated dates)',
    type: 'chart',
    dataset: 'runtime_daily',
    chart: {
      kind: 'bar',
      x: { column: 'day', bin: { method: 'width', unit: 'day' } },
      y: [{ column: 'failed', agg: 'sum', label: 'failed runs' }],
      color: { column: 'scenario' },
    },
  },
];

/** The monitoring dashboard (charts read built datasets' columns: saved after the build). */
export async function installMonitoringDashboard(ws: Workspace, project: string): Promise<void> {
  for (const i of monitoringInsights) await saveInsight(ws, LOCAL_ADMIN, project, i);
  await saveDashboard(ws, LOCAL_ADMIN, project, {
    id: 'pipeline_monitoring',
    name: 'Pipeline monitoring',
    description:
      'The daily automation: loads late or failing, the replication backlog and runtime trends. Every tile is on the simulator’s timeline (the scenario runs, whose imported history ends today, are moved back by the same whole days). The datasets refresh with the daily maintenance scenario (or a build).',
    pages: [
      {
        title: 'Today',
        tiles: [
          { insight: 'loads_late_or_failing', x: 0, y: 0, w: 24, h: 7 },
          { insight: 'replication_backlog', x: 0, y: 7, w: 12, h: 7 },
          { insight: 'failed_runs_per_day', x: 12, y: 7, w: 12, h: 7 },
          { insight: 'runtime_trend', x: 0, y: 14, w: 24, h: 8 },
        ],
      },
    ],
    // A range of days narrows the backlog and runtime tiles; the loads table has no day and stays whole.
    filters: [
      { column: 'scenario', type: 'category' },
      { column: 'day', type: 'date', label: 'Days' },
    ],
  });
}
