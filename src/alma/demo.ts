import { rmSync } from 'node:fs';
import { LOCAL_ADMIN } from '../catalog/access.js';
import { importDataset } from '../datasets/import.js';
import { currentVersions } from '../datasets/versions.js';
import { startBuild } from '../flow/build.js';
import { saveRecipe } from '../flow/recipes-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { splitForIncrementalLoads } from './apps/monitoring/staging.js';
import { codeLanguagesFound, saveDemoCode, type CodeLanguagesFound } from './demo-code.js';
import { saveDemoNotebook } from './demo-notebook.js';
import { demoObjectCounts, saveDemoDashboard, saveDemoObjects } from './demo-objects.js';
import { saveDemoPlatformObjects } from './demo-platform.js';
import { demoRecipes, simulate } from './simulator/index.js';

export const DEMO_PROJECT = 'ALMA_OPS';

/** The demo: 90 simulated days around the February shutdown, so the data shows it. */
export const DEMO_OPTIONS = { start: '2024-12-15', days: 90, seed: 42 } as const;

/** Days simulated after the shown ones, staged for the job scenarios' incremental loads (a week). */
export const stagedDays = (days: number): number => Math.min(7, Math.ceil(days / 4));

/**
 * Creates the observatory demo project on a workspace that does not have it yet: the
 * simulator's tables as datasets, and the first flow of SQL recipes (per-shift time
 * buckets and efficiencies, per-EB median receiver temperature), built once.
 */
export async function ensureDemo(
  ws: Workspace,
  log: (line: string) => void = () => undefined,
  options: {
    days?: number;
    seed?: number;
    /** Which optional interpreters to use, instead of asking the machine (tests of a machine without them). */
    languages?: CodeLanguagesFound;
  } = {},
): Promise<boolean> {
  const existing = await ws.catalog.db
    .selectFrom('projects')
    .select('key')
    .where('key', '=', DEMO_PROJECT)
    .executeTakeFirst();
  if (existing) return false;
  const started = Date.now();
  log(`Creating the demo project ${DEMO_PROJECT} (${options.days ?? DEMO_OPTIONS.days} simulated days)…`);
  const out = ws.tempPath('-demo');
  try {
    const days = options.days ?? DEMO_OPTIONS.days;
    // A few more days than shown: the job scenarios load them one increment at a time.
    const staged = stagedDays(days);
    // Asked while the simulator runs: which of the optional interpreters the demo's code recipes may use.
    const languages = options.languages ?? codeLanguagesFound(ws);
    const sim = await simulate({
      ...DEMO_OPTIONS,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      days: days + staged,
      out,
      format: 'parquet',
    });
    const cutoff = Date.parse(`${DEMO_OPTIONS.start}T00:00:00Z`) + days * 86_400_000;
    const tables = await splitForIncrementalLoads(ws.duck, sim.tables, new Date(cutoff).toISOString(), out);
    await ws.catalog.projects.create(LOCAL_ADMIN, {
      key: DEMO_PROJECT,
      name: 'ALMA operations (demo)',
      description:
        'Simulated observatory data: shifts, execution blocks, receiver temperatures, device changes and pipeline job runs.',
      tags: ['demo', 'alma'],
    });
    for (const t of tables) {
      await importDataset(ws, LOCAL_ADMIN, DEMO_PROJECT, t.name, {
        filePath: t.path,
        fileName: `${t.name}.parquet`,
        format: 'parquet',
      });
    }
    for (const r of demoRecipes) await saveRecipe(ws, LOCAL_ADMIN, DEMO_PROJECT, { type: 'sql', ...r });
    const core = [
      ...demoRecipes.map((r) => r.output),
      ...(await saveDemoObjects(ws, DEMO_PROJECT, { cutoffMs: cutoff })),
      ...(await saveDemoPlatformObjects(ws, DEMO_PROJECT)),
    ];
    const code = await saveDemoCode(ws, DEMO_PROJECT, await languages, log);
    const { done } = await startBuild(ws, LOCAL_ADMIN, DEMO_PROJECT, { targets: [...core, ...code], mode: 'required' });
    const job = await done;
    // The dashboards read the core datasets only: a failed code recipe (an interpreter that
    // answers but fails) leaves them, and the failure is named below.
    const built = await currentVersions(ws, DEMO_PROJECT);
    if (core.every((t) => built.has(typeof t === 'string' ? t : t.dataset))) await saveDemoDashboard(ws, DEMO_PROJECT);
    if (job.status !== 'succeeded')
      log(
        `The demo's first build ${job.status}: ${job.error ?? 'see its job log'} (llano -p ${DEMO_PROJECT} job log ${job.id})`,
      );
    await saveDemoNotebook(ws, DEMO_PROJECT);
    const counts = await demoObjectCounts(ws, DEMO_PROJECT);
    log(
      `Demo project ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${tables.length} simulated tables imported; ${counts} (build ${job.status})`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return true;
}
