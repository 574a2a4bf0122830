import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CheckOutcome } from './check-type.js';
import { computeMetricsPass } from './metrics.js';
import { parseChecks, type QualitySettings } from './quality-settings.js';
import { QualityStore, type CheckResult, type MetricsRecord } from './quality-store.js';

export interface QualityRun {
  metrics: MetricsRecord;
  results: CheckResult[];
  /** The worst outcome: ERROR over WARNING over OK (OK when there are no checks). */
  outcome: CheckOutcome;
}

const RANK: Record<CheckOutcome, number> = { OK: 0, WARNING: 1, ERROR: 2 };
export const worstOutcome = (outcomes: CheckOutcome[]): CheckOutcome =>
  outcomes.reduce<CheckOutcome>((w, o) => (RANK[o] > RANK[w] ? o : w), 'OK');

/**
 * Computes metrics (one pass, column rules included), compares with the previous metrics,
 * judges every check and records both. A build's output that fails an ERROR check of a
 * dataset with `failBuildOnError` is recorded as `rejected-build`, so it never serves as
 * "previous" for the next comparison.
 */
export async function evaluateQuality(
  ws: Workspace,
  projectKey: string,
  options: {
    settings: QualitySettings;
    source: TableSource;
    versionId: string | null;
    origin: MetricsRecord['origin'];
    withChecks: boolean;
    scenarioRunId?: string | null;
    /** The partition `source` holds: metrics and results are recorded with it and compared with its own. */
    partition?: string | null;
    now?: number;
  },
): Promise<QualityRun> {
  const { settings, source } = options;
  const checks = options.withChecks ? parseChecks(settings) : [];
  const store = new QualityStore(ws);
  const partition = options.partition ?? null;
  const previous = await store.previousMetrics(projectKey, settings.dataset, partition);
  const pass = await computeMetricsPass(ws.duck, {
    tempDir: ws.tmpDir,
    source,
    settings,
    checks,
  });
  const now = options.now ?? Date.now();
  const at = new Date(now).toISOString();
  const results: CheckResult[] = checks.map((c) => {
    const e = c.type.evaluate(c.params, {
      metrics: pass.metrics,
      previous: previous?.metrics ?? null,
      violations: pass.violations[c.name] ?? null,
      now,
    });
    return {
      dataset: settings.dataset,
      partition,
      versionId: options.versionId,
      check: c.name,
      type: c.type.type,
      outcome: e.outcome,
      message: e.message,
      value: e.value,
      runAt: at,
      scenarioRunId: options.scenarioRunId ?? null,
    };
  });
  const outcome = worstOutcome(results.map((r) => r.outcome));
  const origin =
    options.origin === 'build' && outcome === 'ERROR' && settings.failBuildOnError ? 'rejected-build' : options.origin;
  const metrics = await store.addMetrics(projectKey, {
    dataset: settings.dataset,
    partition,
    versionId: options.versionId,
    origin,
    computedAt: at,
    metrics: pass.metrics,
  });
  await store.addCheckResults(projectKey, results);
  return { metrics, results, outcome };
}
