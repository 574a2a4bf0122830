import type { Principal } from '../catalog/access.js';
import { badRequest, notFound } from '../common/errors.js';
import { DATASET_KIND, datasetColumns, resolveSource } from '../datasets/datasets.js';
import type { Workspace } from '../workspace/workspace.js';
import { evaluateQuality, type QualityRun } from './evaluate.js';
import { availableMetricNames, unknownMetricReason } from './metrics.js';
import {
  defaultQualitySettings,
  parseChecks,
  parseQualitySettings,
  QUALITY_KIND,
  type QualitySettings,
} from './quality-settings.js';
import { QualityStore, type CheckResult, type MetricsRecord } from './quality-store.js';

async function requireDataset(ws: Workspace, projectKey: string, dataset: string): Promise<void> {
  if (!(await ws.catalog.objects.get(projectKey, DATASET_KIND, dataset)))
    throw notFound(`Dataset ${dataset} not found in project ${projectKey}`);
}

/** The stored settings, or the defaults (metrics only, no checks). */
export async function qualitySettingsOf(ws: Workspace, projectKey: string, dataset: string): Promise<QualitySettings> {
  const stored = await ws.catalog.objects.get<QualitySettings>(projectKey, QUALITY_KIND, dataset);
  return stored ? parseQualitySettings(stored.body) : defaultQualitySettings(dataset);
}

export async function getQualitySettings(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
): Promise<QualitySettings & { revision: number | null }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await requireDataset(ws, projectKey, dataset);
  const stored = await ws.catalog.objects.get<QualitySettings>(projectKey, QUALITY_KIND, dataset);
  return {
    ...(stored ? parseQualitySettings(stored.body) : defaultQualitySettings(dataset)),
    revision: stored?.revision ?? null,
  };
}

/** Saves a dataset's metrics settings and checks (writer); columns named by checks must exist. */
export async function saveQualitySettings(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
): Promise<QualitySettings> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const settings = parseQualitySettings(input);
  await requireDataset(ws, projectKey, settings.dataset);
  const columns = await datasetColumns(ws, projectKey, settings.dataset);
  const known = columns?.map((c) => c.name);
  // Metric names: a dataset not built yet still has `records`, its SQL metrics and the per-column shapes.
  const available = availableMetricNames(columns, settings);
  for (const check of parseChecks(settings)) {
    const missing = known ? (check.type.columns?.(check.params) ?? []).filter((c) => !known.includes(c)) : [];
    if (missing.length)
      throw badRequest(
        `check ${check.name}: column ${missing.join(', ')} is not in dataset ${settings.dataset} (columns: ${known!.join(', ')})`,
      );
    for (const metric of check.type.metrics?.(check.params) ?? []) {
      const reason = unknownMetricReason(metric, { name: settings.dataset, columns, metrics: available });
      if (reason) throw badRequest(`check ${check.name}: ${reason}`);
    }
  }
  if (known) {
    const missingTime = (settings.metrics.timeColumns ?? []).filter((c) => !known.includes(c));
    if (missingTime.length)
      throw badRequest(`metrics.timeColumns: ${missingTime.join(', ')} not in dataset ${settings.dataset}`);
  }
  await ws.catalog.objects.put({
    projectKey,
    kind: QUALITY_KIND,
    name: settings.dataset,
    body: settings,
    author: principal.username,
  });
  return settings;
}

/** Computes and records the current version's metrics (writer: it appends to history). */
export async function computeMetrics(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  origin: MetricsRecord['origin'] = 'manual',
): Promise<MetricsRecord> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const { source, version } = await resolveSource(ws, projectKey, dataset);
  const settings = await qualitySettingsOf(ws, projectKey, dataset);
  return (
    await evaluateQuality(ws, projectKey, {
      settings,
      source,
      versionId: version?.id ?? null,
      origin,
      withChecks: false,
    })
  ).metrics;
}

/** Runs the dataset's checks on its current version and records metrics and results. */
export async function runChecks(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  options: { scenarioRunId?: string; now?: number } = {},
): Promise<QualityRun> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const { source, version } = await resolveSource(ws, projectKey, dataset);
  const settings = await qualitySettingsOf(ws, projectKey, dataset);
  return evaluateQuality(ws, projectKey, {
    settings,
    source,
    versionId: version?.id ?? null,
    origin: options.scenarioRunId ? 'scenario' : 'checks',
    withChecks: true,
    scenarioRunId: options.scenarioRunId ?? null,
    now: options.now,
  });
}

export async function metricsHistory(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  limit = 100,
): Promise<MetricsRecord[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await requireDataset(ws, projectKey, dataset);
  return new QualityStore(ws).metricsHistory(projectKey, dataset, limit);
}

export async function checkHistory(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  limit = 200,
): Promise<CheckResult[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  await requireDataset(ws, projectKey, dataset);
  return new QualityStore(ws).checkHistory(projectKey, dataset, limit);
}

/** The metric settings and checks of a dataset with its newest check results (reader). */
export async function getDatasetChecks(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  dataset: string,
  limit = 100,
): Promise<QualitySettings & { revision: number | null; results: CheckResult[]; availableMetrics: string[] }> {
  const settings = await getQualitySettings(ws, principal, projectKey, dataset);
  return {
    ...settings,
    results: await checkHistory(ws, principal, projectKey, dataset, limit),
    availableMetrics: availableMetricNames(await datasetColumns(ws, projectKey, dataset), settings),
  };
}
