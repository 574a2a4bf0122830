import { LOCAL_ADMIN } from '../../../catalog/access.js';
import { saveScenario } from '../../../automation/scenarios-service.js';
import { startBuild } from '../../../flow/build.js';
import { saveRecipe } from '../../../flow/recipes-service.js';
import { saveDashboard } from '../../../insights/dashboards-service.js';
import { saveInsight } from '../../../insights/insights-service.js';
import { saveQualitySettings } from '../../../quality/quality-service.js';
import { saveWebapp } from '../../../webapps/webapps-service.js';
import type { Workspace } from '../../../workspace/workspace.js';
import { placeholderReporters } from '../monitoring/install.js';
import { shiftReportQuality, shiftReportRecipes, shiftReportTargets } from './recipes.js';
import { SHIFT_REPORT_WEBAPP } from './webapp-files.js';

export const SHIFT_REPORT_SCENARIO = 'shift_report_refresh';

/**
 * After each shift-log load: the shift-log ETL (monitoring app) loads the day's shifts and gaps and
 * rebuilds `shift_metrics`; that new version triggers this refresh of the report and its checks.
 * (Triggering on `shift`/`gap` themselves would start it mid-ETL, before both are loaded.)
 */
const refreshScenario = {
  id: SHIFT_REPORT_SCENARIO,
  name: 'Shift report refresh',
  description:
    'After each shift-log load (the shift metrics rebuilt by the shift-log ETL), rebuilds the shift report, its timelines and gap table, and runs the shift-log consistency checks. Reporters go to placeholder addresses (*.invalid): set real ones.',
  concurrency: 'drop',
  triggers: [{ type: 'dataset-changed', datasets: ['shift_metrics'] }],
  steps: [
    { type: 'build', name: 'Rebuild the shift report', targets: shiftReportTargets(), mode: 'required' },
    { type: 'run-checks', name: 'Shift-log consistency', datasets: ['shift_consistency'] },
  ],
  reporters: placeholderReporters('warning'),
};

/**
 * The shift report (issue 21 §2) in a project that has the shift log (`shift`, `gap`, `execution`)
 * and the per-shift `shift_metrics` recipe: the report's recipes, built once, then (they read the
 * built columns) the consistency checks, the dashboard, the webapp and the refresh scenario.
 */
export async function installShiftReport(ws: Workspace, project: string): Promise<void> {
  for (const r of shiftReportRecipes()) await saveRecipe(ws, LOCAL_ADMIN, project, r);
  const { done } = await startBuild(ws, LOCAL_ADMIN, project, { targets: shiftReportTargets(), mode: 'required' });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`Shift report build ${job.status}: ${job.error ?? ''}`);
  for (const q of shiftReportQuality()) await saveQualitySettings(ws, LOCAL_ADMIN, project, q);
  for (const i of insights) await saveInsight(ws, LOCAL_ADMIN, project, i);
  await saveDashboard(ws, LOCAL_ADMIN, project, dashboard);
  await saveWebapp(ws, LOCAL_ADMIN, project, SHIFT_REPORT_WEBAPP);
  await saveScenario(ws, LOCAL_ADMIN, project, refreshScenario);
}

const trend = (id: string, name: string, period: 'week' | 'month', column: string) => ({
  id,
  name,
  type: 'chart',
  dataset: 'shift_report',
  chart: {
    kind: 'line',
    x: { column: 'period_start', bin: { method: 'width', unit: period } },
    y: [{ column, agg: 'avg', label: name }],
    color: { column: 'array_family' },
    filters: [{ column: 'period', op: 'eq', value: period }],
  },
});

const insights = [
  {
    id: 'shift_report_latest_table',
    name: 'Last shift, week, month and cycle',
    description:
      'Every §4.3 metric of each array’s latest shift, week, month and cycle. value: pooled (rates on summed hours); mean_of_shifts: the mean of the per-shift rates.',
    type: 'table',
    dataset: 'shift_report_latest',
    table: {
      columns: ['array_family', 'period', 'period_label', 'metric_label', 'unit', 'value', 'mean_of_shifts'],
      limit: 500,
    },
  },
  {
    id: 'shift_report_weeks',
    name: 'Weeks: pooled and mean-of-shift efficiencies',
    type: 'table',
    dataset: 'shift_report',
    table: {
      columns: [
        'array_family',
        'period_label',
        'n_shifts',
        'duration_h',
        'weather_h',
        'observation_efficiency_pct',
        'mean_shift_observation_efficiency_pct',
        'operation_efficiency_pct',
        'mean_shift_operation_efficiency_pct',
        'time_lost_rate_pct',
        'time_completeness_pct',
        'backlog_rate_pct',
      ],
      filters: [{ column: 'period', op: 'eq', value: 'week' }],
      formats: {
        duration_h: '0.00',
        weather_h: '0.00',
        observation_efficiency_pct: '0.00',
        mean_shift_observation_efficiency_pct: '0.00',
        operation_efficiency_pct: '0.00',
        mean_shift_operation_efficiency_pct: '0.00',
        time_lost_rate_pct: '0.00',
        time_completeness_pct: '0.00',
        backlog_rate_pct: '0.00',
      },
      limit: 500,
    },
  },
  trend('shift_obs_eff_weekly', 'Observation efficiency per week (pooled, %)', 'week', 'observation_efficiency_pct'),
  trend('shift_op_eff_weekly', 'Operation efficiency per week (pooled, %)', 'week', 'operation_efficiency_pct'),
  trend('shift_obs_eff_monthly', 'Observation efficiency per month (pooled, %)', 'month', 'observation_efficiency_pct'),
  trend('shift_time_lost_monthly', 'Time lost to failures per month (pooled, %)', 'month', 'time_lost_rate_pct'),
  {
    id: 'shift_hours_by_bucket_monthly',
    name: 'Weather, technical and scheduling downtime per month (h)',
    type: 'chart',
    dataset: 'shift_report',
    chart: {
      kind: 'grouped_bar',
      x: { column: 'period_label' },
      y: [
        { column: 'weather_h', agg: 'sum', label: 'weather (h)' },
        { column: 'technical_h', agg: 'sum', label: 'technical (h)' },
        { column: 'scheduling_h', agg: 'sum', label: 'scheduling (h)' },
      ],
      filters: [{ column: 'period', op: 'eq', value: 'month' }],
    },
  },
  {
    id: 'shift_consistency_checks',
    name: 'Shift-log consistency checks',
    type: 'check',
    dataset: 'shift_consistency',
  },
  {
    id: 'shift_gap_table',
    name: 'Gap table: shift-log gaps and consistency findings',
    type: 'table',
    dataset: 'shift_gap_table',
    table: {
      columns: ['end_ts', 'class', 'type', 'tag', 'duration_h', 'comment', 'priority', 'array_family', 'shift_id'],
      limit: 1000,
    },
  },
];

const dashboard = {
  id: 'shift_report',
  name: 'Shift report',
  description:
    'Observing-time efficiency per array (alma-domain §4.3): the last shift, week, month and cycle, pooled and as the mean of shifts, trends, and the shift log’s consistency. Refreshed after each shift-log load; the interactive version is the Shift report webapp.',
  pages: [
    {
      title: 'Latest',
      tiles: [
        { insight: 'shift_report_latest_table', x: 0, y: 0, w: 24, h: 12 },
        { insight: 'shift_report_weeks', x: 0, y: 12, w: 24, h: 8 },
      ],
    },
    {
      title: 'Trends',
      tiles: [
        { insight: 'shift_obs_eff_weekly', x: 0, y: 0, w: 12, h: 7 },
        { insight: 'shift_op_eff_weekly', x: 12, y: 0, w: 12, h: 7 },
        { insight: 'shift_obs_eff_monthly', x: 0, y: 7, w: 12, h: 7 },
        { insight: 'shift_time_lost_monthly', x: 12, y: 7, w: 12, h: 7 },
        { insight: 'shift_hours_by_bucket_monthly', x: 0, y: 14, w: 24, h: 7 },
      ],
    },
    {
      title: 'Consistency',
      tiles: [
        { insight: 'shift_consistency_checks', x: 0, y: 0, w: 24, h: 6 },
        { insight: 'shift_gap_table', x: 0, y: 6, w: 24, h: 12 },
      ],
    },
  ],
  filters: [
    { column: 'array_family', type: 'category', label: 'Array' },
    { column: 'period', type: 'category', label: 'Period' },
    { column: 'class', type: 'category', label: 'Class' },
    { column: 'type', type: 'category', label: 'Type' },
    { column: 'tag', type: 'category', label: 'Tag' },
    { column: 'priority', type: 'category', label: 'Priority' },
  ],
};
