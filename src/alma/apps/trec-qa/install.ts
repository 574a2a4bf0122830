import { LOCAL_ADMIN } from '../../../catalog/access.js';
import { Automation } from '../../../automation/automation.js';
import { saveScenario } from '../../../automation/scenarios-service.js';
import { saveRecipe } from '../../../flow/recipes-service.js';
import { startBuild } from '../../../flow/build.js';
import { saveDashboard } from '../../../insights/dashboards-service.js';
import { saveInsight } from '../../../insights/insights-service.js';
import { saveQualitySettings } from '../../../quality/quality-service.js';
import { saveWebapp } from '../../../webapps/webapps-service.js';
import type { Workspace } from '../../../workspace/workspace.js';
import { placeholderReporters } from '../monitoring/install.js';
import { trecExplorerWebapp } from './explorer.js';
import { trecQaRecipes, trecQuality } from './recipes.js';
import { onlineScoreRecipe, trecScoreRecipes } from './scores.js';

export const TREC_ONLINE_SCENARIO = 'trec_online_warning';

/**
 * After each Trec load: the per-antenna × band series rebuilt, then the online detector over the
 * new EBs (each series started over at its Trec-affecting device changes) on Trec in K relative
 * to the array (`trec_k_norm`); an alarm makes the run WARNING and the reporters mail / post it.
 */
const onlineScenario = {
  id: TREC_ONLINE_SCENARIO,
  name: 'Trec early warning',
  description:
    'After each receiver-temperature load, watches each antenna × band online and reports alarms (reset at device changes) with Trec in K on the array-relative scale (trec_k_norm: the antenna’s ratio to the EB’s other antennas times the band’s median Trec). Reporters go to placeholder addresses (*.invalid): set real ones.',
  concurrency: 'queue',
  triggers: [{ type: 'dataset-changed', datasets: ['trec_measurement'] }],
  steps: [
    {
      type: 'build',
      name: 'Per-EB antenna × band Trec',
      targets: ['eb_trec_antenna_band', 'trec_resets'],
      mode: 'required',
    },
    {
      type: 'detect-online',
      name: 'Online detection',
      dataset: 'eb_trec_antenna_band',
      groupBy: ['antennaname', 'receiverband'],
      orderBy: 'eb_start',
      // Kelvins on the array-relative scale: an alarm reads `trec_k_norm = 52.3`, not a log ratio.
      column: 'trec_k_norm',
      output: 'trec_online_alarms',
      resetDataset: 'trec_resets',
      falseAlarmRate: 1e-4,
      onAlarm: 'warn',
    },
  ],
  reporters: placeholderReporters('warning'),
};

const NEEDS_CHANGE_POINTS = 'trec_change_points';

/**
 * Receiver-temperature QA recipes and the early-warning scenario (needs the demo's Trec tables and
 * medians), in two phases around the change-point recipe: 'recipes' before it (it reads their
 * cleaned series), 'after-changes' the recipes that read its change points, and the scenario.
 */
export async function installTrecQa(ws: Workspace, project: string, phase: 'recipes' | 'after-changes'): Promise<void> {
  const all = [...trecQaRecipes(), ...trecScoreRecipes()];
  const later = (r: (typeof all)[number]) => r.inputs.includes(NEEDS_CHANGE_POINTS);
  for (const r of all.filter((x) => (phase === 'recipes' ? !later(x) : later(x))))
    await saveRecipe(ws, LOCAL_ADMIN, project, r);
  if (phase === 'after-changes') await saveScenario(ws, LOCAL_ADMIN, project, onlineScenario);
}

/**
 * What the demo's first build makes: the EB-level QA. The scan-level flags (a window median over
 * every Trec value) and the scores are left to the nightly scan-table refresh or a build, and the
 * early warning learns the history at its first run: a first start stays quick.
 */
export const trecQaTargets = (): string[] => ['trec_change_explained', 'eb_trec_antenna_band', 'trec_resets'];

/** After the first build: the raw-data checks, the QA dashboard and the explorer webapp. */
export async function finishTrecQa(ws: Workspace, project: string): Promise<void> {
  await saveQualitySettings(ws, LOCAL_ADMIN, project, trecQuality());
  await saveWebapp(ws, LOCAL_ADMIN, project, trecExplorerWebapp());
  for (const i of insights) await saveInsight(ws, LOCAL_ADMIN, project, i);
  await saveDashboard(ws, LOCAL_ADMIN, project, {
    id: 'trec_qa',
    name: 'Receiver-temperature QA',
    description:
      'Outliers and change points, explained by a device change or not. The scores against the simulator’s truth are the datasets trec_qa_scores and trec_online_scores (built by the nightly scan-table refresh, or `npm run bench trec-qa`).',
    pages: [
      {
        title: 'Receivers',
        tiles: [
          { insight: 'trec_unexplained_changes', x: 0, y: 0, w: 24, h: 8 },
          { insight: 'trec_changes_by_label', x: 0, y: 8, w: 12, h: 6 },
          { insight: 'trec_eb_outliers_by_band', x: 12, y: 8, w: 12, h: 6 },
        ],
      },
    ],
    filters: [{ column: 'receiverband', type: 'category' }],
  });
}

/**
 * Scores the QA against the simulator's truth: a first run of the early warning over the history
 * (when it has not run yet), then the scan-level flags and both score datasets built.
 */
export async function scoreTrecQa(ws: Workspace, project: string): Promise<void> {
  if (!(await ws.catalog.objects.get(project, 'recipe', onlineScoreRecipe.name))) {
    await Automation.of(ws).runAndWait(project, TREC_ONLINE_SCENARIO, 'Scoring: learn the history');
    await saveRecipe(ws, LOCAL_ADMIN, project, onlineScoreRecipe);
  }
  const { done } = await startBuild(ws, LOCAL_ADMIN, project, {
    targets: [...trecScoreRecipes().map((r) => r.output), onlineScoreRecipe.output],
    mode: 'required',
  });
  const job = await done;
  if (job.status !== 'succeeded') throw new Error(`Scoring build ${job.status}: ${job.error ?? ''}`);
}

const insights = [
  {
    id: 'trec_unexplained_changes',
    name: 'Unexplained change points: the engineering candidates',
    type: 'table',
    dataset: 'trec_change_explained',
    table: {
      columns: [
        'change_at',
        'antennaname',
        'receiverband',
        'trec_before',
        'trec_after',
        'relative_magnitude',
        'device_change',
        'eb_distance',
      ],
      filters: [{ column: 'label', op: 'eq', value: 'unexplained' }],
      limit: 500,
    },
  },
  {
    id: 'trec_changes_by_label',
    name: 'Change points: explained and unexplained, per band',
    type: 'chart',
    dataset: 'trec_change_explained',
    chart: { kind: 'bar', x: { column: 'receiverband' }, y: [{ agg: 'count' }], color: { column: 'label' } },
  },
  {
    id: 'trec_eb_outliers_by_band',
    name: 'Outlying EB medians per band',
    type: 'chart',
    dataset: 'eb_trec_clean',
    chart: {
      kind: 'bar',
      x: { column: 'receiverband' },
      y: [{ agg: 'count' }],
      filters: [{ column: 'eb_outlier', op: 'eq', value: 'true' }],
    },
  },
];
