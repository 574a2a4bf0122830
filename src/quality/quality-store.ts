import type { Selectable } from 'kysely';
import type { CheckResultsTable, DatasetMetricsTable } from '../catalog/tables.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CheckResult, MetricsRecord } from './quality-types.js';

export type { CheckResult, MetricsRecord } from './quality-types.js';

/** Metrics and check results: append-only history tables of the catalog. */
export class QualityStore {
  constructor(private readonly ws: Workspace) {}

  private get db() {
    return this.ws.catalog.db;
  }

  async addMetrics(projectKey: string, r: Omit<MetricsRecord, 'id'>): Promise<MetricsRecord> {
    const row = await this.db
      .insertInto('dataset_metrics')
      .values({
        project_key: projectKey,
        dataset: r.dataset,
        partition: r.partition,
        version_id: r.versionId,
        origin: r.origin,
        computed_at: r.computedAt,
        metrics: JSON.stringify(r.metrics),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...r, id: Number(row.id) };
  }

  /**
   * The last metrics that count as "previous": rejected builds' metrics do not. A partition's
   * previous metrics are that partition's; the whole dataset's are those computed on all of it.
   */
  async previousMetrics(
    projectKey: string,
    dataset: string,
    partition: string | null = null,
  ): Promise<MetricsRecord | null> {
    const r = await this.db
      .selectFrom('dataset_metrics')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .where('partition', partition === null ? 'is' : '=', partition)
      .where('origin', '!=', 'rejected-build')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toMetrics(r) : null;
  }

  async metricsHistory(projectKey: string, dataset: string, limit: number): Promise<MetricsRecord[]> {
    const rows = await this.db
      .selectFrom('dataset_metrics')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toMetrics);
  }

  async addCheckResults(projectKey: string, results: CheckResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.db
      .insertInto('check_results')
      .values(
        results.map((r) => ({
          project_key: projectKey,
          dataset: r.dataset,
          partition: r.partition,
          version_id: r.versionId,
          check_name: r.check,
          check_type: r.type,
          outcome: r.outcome,
          message: r.message,
          value: r.value !== null && Number.isFinite(r.value) ? r.value : null,
          run_at: r.runAt,
          scenario_run_id: r.scenarioRunId,
        })),
      )
      .execute();
  }

  /** The results of the last check run of each partition of a dataset (partitions never checked are absent). */
  async latestPartitionResults(projectKey: string, dataset: string): Promise<Map<string, CheckResult[]>> {
    const last = this.db
      .selectFrom('check_results')
      .select(['partition', (eb) => eb.fn.max('run_at').as('last_run')])
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .where('partition', 'is not', null)
      .groupBy('partition')
      .as('l');
    const rows = await this.db
      .selectFrom('check_results as r')
      .innerJoin(last, (j) => j.onRef('l.partition', '=', 'r.partition').onRef('l.last_run', '=', 'r.run_at'))
      .selectAll('r')
      .where('r.project_key', '=', projectKey)
      .where('r.dataset', '=', dataset)
      .orderBy('r.id')
      .execute();
    const out = new Map<string, CheckResult[]>();
    for (const r of rows.map(toCheckResult)) out.set(r.partition!, [...(out.get(r.partition!) ?? []), r]);
    return out;
  }

  async checkHistory(projectKey: string, dataset: string, limit: number): Promise<CheckResult[]> {
    const rows = await this.db
      .selectFrom('check_results')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('dataset', '=', dataset)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toCheckResult);
  }
}

function toCheckResult(r: Selectable<CheckResultsTable>): CheckResult {
  return {
    id: Number(r.id),
    dataset: r.dataset,
    partition: r.partition,
    versionId: r.version_id,
    check: r.check_name,
    type: r.check_type,
    outcome: r.outcome,
    message: r.message,
    value: r.value === null ? null : Number(r.value),
    runAt: r.run_at,
    scenarioRunId: r.scenario_run_id,
  };
}

function toMetrics(r: Selectable<DatasetMetricsTable>): MetricsRecord {
  return {
    id: Number(r.id),
    dataset: r.dataset,
    partition: r.partition,
    versionId: r.version_id,
    origin: r.origin as MetricsRecord['origin'],
    computedAt: r.computed_at,
    metrics: JSON.parse(r.metrics) as MetricsRecord['metrics'],
  };
}
