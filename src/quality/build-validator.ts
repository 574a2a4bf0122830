import { registerPostBuildValidator, type PostBuildValidator } from '../flow/post-build.js';
import type { Workspace } from '../workspace/workspace.js';
import { registerHistoryKind } from '../flow/history.js';
import { evaluateQuality } from './evaluate.js';
import { saveQualitySettings } from './quality-service.js';
import { parseQualitySettings, QUALITY_KIND, type QualitySettings } from './quality-settings.js';

/**
 * After each build of a dataset with quality settings: metrics and checks on the written
 * output, before it is committed. With `failBuildOnError`, an ERROR rejects the version (the
 * previous one stays current). PostgreSQL outputs are written in place, so they are judged
 * and recorded but cannot be rolled back from here. A partition is judged alone, recorded with
 * its id, and an ERROR always fails that partition (it keeps its previous data; the others
 * are not affected).
 */
export const qualityBuildValidator: PostBuildValidator = async (ws, output) => {
  const stored = await ws.catalog.objects.get<QualitySettings>(output.projectKey, QUALITY_KIND, output.dataset);
  if (!stored) return;
  const settings = parseQualitySettings(stored.body);
  if (!settings.metrics.afterBuild && !settings.failBuildOnError) return;
  const run = await evaluateQuality(ws, output.projectKey, {
    settings,
    source: output.source,
    versionId: output.versionId,
    origin: 'build',
    withChecks: true,
    partition: output.partition ?? null,
  });
  const failed = run.results.filter((r) => r.outcome !== 'OK');
  const what = output.partition === undefined ? output.dataset : `partition ${output.partition} of ${output.dataset}`;
  if (output.partition === undefined || failed.length)
    output.log(
      `quality of ${what}: ${run.results.length} check(s), ${run.outcome}${failed.length ? ` (${failed.map((r) => `${r.check}: ${r.message}`).join('; ')})` : ''}`,
    );
  if (run.outcome === 'ERROR' && output.partition !== undefined) {
    const errors = run.results.filter((r) => r.outcome === 'ERROR');
    throw new Error(
      `Quality check${errors.length > 1 ? 's' : ''} failed on ${what}: ${errors.map((r) => `${r.check}: ${r.message}`).join('; ')}; the partition keeps its previous data`,
    );
  }
  if (run.outcome === 'ERROR' && settings.failBuildOnError && output.source.kind === 'parquet') {
    const errors = run.results.filter((r) => r.outcome === 'ERROR');
    throw new Error(
      `Quality check${errors.length > 1 ? 's' : ''} failed on ${output.dataset}: ${errors.map((r) => `${r.check}: ${r.message}`).join('; ')}; the previous version stays current`,
    );
  }
};

/** Registers quality with the flow of `ws` (post-build checks) and its history service. Idempotent. */
export function installQuality(ws: Workspace): void {
  registerPostBuildValidator(ws, qualityBuildValidator);
  registerHistoryKind(ws, QUALITY_KIND, saveQualitySettings);
}
