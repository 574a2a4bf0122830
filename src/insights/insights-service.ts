import type { Principal } from '../catalog/access.js';
import { storedInfo, withoutStoredFields } from '../catalog/object-stamp.js';
import type { StoredObject } from '../catalog/objects.js';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { datasetColumns } from '../datasets/datasets.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { availableMetricNames, unknownMetricReason } from '../quality/metrics.js';
import { qualitySettingsOf } from '../quality/quality-service.js';
import { WEBAPP_KIND } from '../webapps/webapps-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { checkInsightColumns } from './insight-columns.js';
import { InsightSchema } from './insight-schema.js';
import { forgetDeletedInsight, warmInsightSoon } from './tile-warmer.js';
import type { Insight, InsightInfo } from './insight-types.js';

/** The object kind of insights in the versioned object store (history and revert like recipes). */
export const INSIGHT_KIND = 'insight';

const info = (stored: StoredObject<Insight>): InsightInfo => storedInfo(stored);

export async function listInsights(ws: Workspace, principal: Principal, projectKey: string): Promise<InsightInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<Insight>(projectKey, INSIGHT_KIND)).map(info);
}

export async function getInsight(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<InsightInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(await ws.catalog.objects.require<Insight>(projectKey, INSIGHT_KIND, id));
}

/**
 * Checks an insight's body: its schema, that the dataset it reads exists, and that the columns
 * (or metric) it names are the dataset's current ones. A dataset without a version yet (or read
 * in place) has its columns checked when the insight runs.
 */
export async function validateInsight(ws: Workspace, projectKey: string, input: unknown): Promise<Insight> {
  const insight = parseOr400(InsightSchema, withoutStoredFields(input), 'insight');
  if (insight.dataset && !(await ws.catalog.objects.get(projectKey, DATASET_KIND, insight.dataset)))
    throw badRequest(`dataset: no dataset ${insight.dataset} in project ${projectKey}`);
  if (insight.dataset && ['chart', 'table', 'metric'].includes(insight.type)) {
    const columns = await datasetColumns(ws, projectKey, insight.dataset);
    if (columns) checkInsightColumns(insight, columns);
    if (insight.type === 'metric') {
      const settings = await qualitySettingsOf(ws, projectKey, insight.dataset);
      const metrics = availableMetricNames(columns, settings);
      const reason = unknownMetricReason(insight.metric!, { name: insight.dataset, columns, metrics });
      if (reason) throw badRequest(`metric: ${reason}`);
    }
  }
  if (insight.webapp && !(await ws.catalog.objects.get(projectKey, WEBAPP_KIND, insight.webapp)))
    throw badRequest(`webapp: no webapp ${insight.webapp} in project ${projectKey}`);
  return insight;
}

/** Creates or replaces an insight (writer); every save appends a revision. */
export async function saveInsight(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<InsightInfo> {
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'manage-dashboards');
  const insight = await validateInsight(ws, projectKey, input);
  const stored = await ws.catalog.saveObject({
    projectKey,
    kind: INSIGHT_KIND,
    name: insight.id,
    body: insight,
    author: principal.username,
    ...options,
  });
  warmInsightSoon(ws, projectKey, insight.id);
  return info(stored);
}

export async function deleteInsight(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorizeRight(principal, projectKey, 'manage-dashboards');
  await ws.catalog.objects.delete({ projectKey, kind: INSIGHT_KIND, name: id, author: principal.username });
  forgetDeletedInsight(ws, projectKey);
}
