import { LOCAL_ADMIN } from '../catalog/access.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { saveRecipe } from '../flow/recipes-service.js';
import { saveDashboard } from '../insights/dashboards-service.js';
import { saveInsight } from '../insights/insights-service.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  importJobHistory,
  installMonitoring,
  installMonitoringChecks,
  installMonitoringDashboard,
  monitoringTargets,
} from './apps/monitoring/install.js';
import { historyShiftMs } from './apps/monitoring/history.js';
import { installShiftReport } from './apps/shift-report/install.js';
import { finishTrecQa, installTrecQa, trecQaTargets } from './apps/trec-qa/install.js';
import { TREC_QA_DEFAULTS } from './apps/trec-qa/recipes.js';

/**
 * What the demo shows beyond SQL: an analysis recipe (change points of each receiver's per-EB
 * median Trec) and a dashboard of shift efficiency and receiver temperatures, so a fresh
 * `npm start` has charts and analytics with data in them.
 */
export const demoAnalysisRecipes = [
  {
    name: 'detect_trec_changes',
    type: 'changepoints',
    inputs: ['eb_trec_antenna_band'],
    output: 'trec_change_points',
    groupBy: ['antennaname', 'receiverband'],
    orderBy: 'eb_start',
    column: 'log_trec',
    // A level shift is a new level that lasts a few EBs on each side.
    minSize: TREC_QA_DEFAULTS.changeMinEbs,
    description:
      'Level shifts in each receiver (log Trec per EB, antenna and band, outlying EBs removed): the engineering candidates of receiver QA.',
  },
];

const insights = [
  {
    id: 'efficiency_by_array',
    name: 'Observation efficiency by array',
    type: 'chart',
    dataset: 'shift_metrics',
    chart: {
      kind: 'bar',
      x: { column: 'array_family' },
      y: [{ column: 'observation_efficiency_with_cal_pct', agg: 'avg' }],
    },
  },
  {
    id: 'trec_per_day',
    name: 'Median receiver temperature per day',
    type: 'chart',
    dataset: 'eb_trec_median',
    chart: {
      kind: 'line',
      x: { column: 'eb_start', bin: { method: 'width', unit: 'day' } },
      y: [{ column: 'trec_median', agg: 'median' }],
      color: { column: 'receiverband' },
    },
  },
  {
    id: 'trec_changes_by_band',
    name: 'Change points per band',
    type: 'chart',
    dataset: 'trec_change_points',
    chart: { kind: 'bar', x: { column: 'receiverband' }, y: [{ agg: 'count' }] },
  },
];

/**
 * Saves the demo's recipes and applications (scenarios with their imported history); returns
 * the datasets the first build makes.
 */
export async function saveDemoObjects(ws: Workspace, project: string, ctx: { cutoffMs: number }): Promise<string[]> {
  await installTrecQa(ws, project, 'recipes');
  for (const r of demoAnalysisRecipes) await saveRecipe(ws, LOCAL_ADMIN, project, r);
  await installTrecQa(ws, project, 'after-changes');
  // One shift for the imported runs and the dashboard that moves them back onto the simulated timeline.
  const nowMs = Date.now();
  await installMonitoring(ws, project, { shiftDays: historyShiftMs(ctx.cutoffMs, nowMs) / 86_400_000 });
  await importJobHistory(ws, project, ctx.cutoffMs, nowMs);
  return [...demoAnalysisRecipes.map((r) => r.output), ...monitoringTargets(), ...trecQaTargets()];
}

/** What the demo holds, for its start-up line. */
export async function demoObjectCounts(ws: Workspace, project: string): Promise<string> {
  const count = async (kind: string) => (await ws.catalog.objects.list(project, kind)).length;
  return `${await count(DATASET_KIND)} datasets, ${await count('recipe')} recipes, ${await count('scenario')} scenarios, ${await count('dashboard')} dashboards, ${await count('notebook')} notebook(s)`;
}

/** Charts read built datasets' columns: saved after the demo's build. */
export async function saveDemoDashboard(ws: Workspace, project: string): Promise<void> {
  await installMonitoringChecks(ws, project);
  await installMonitoringDashboard(ws, project);
  await finishTrecQa(ws, project);
  await installShiftReport(ws, project);
  for (const i of insights) await saveInsight(ws, LOCAL_ADMIN, project, i);
  await saveDashboard(ws, LOCAL_ADMIN, project, {
    id: 'operations',
    name: 'Operations overview',
    pages: [
      {
        title: 'Shifts and receivers',
        tiles: [
          { insight: 'efficiency_by_array', x: 0, y: 0, w: 12, h: 6 },
          { insight: 'trec_changes_by_band', x: 12, y: 0, w: 12, h: 6 },
          { insight: 'trec_per_day', x: 0, y: 6, w: 24, h: 8 },
        ],
      },
    ],
    filters: [{ column: 'array_family', type: 'category' }],
  });
}
