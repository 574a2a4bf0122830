import { rmSync } from 'node:fs';
import { LOCAL_ADMIN } from '../catalog/access.js';
import { importDataset } from '../datasets/import.js';
import { startBuild } from '../flow/build.js';
import { saveRecipe } from '../flow/recipes-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { demoAnalysisRecipes, saveDemoDashboard, saveDemoObjects } from './demo-objects.js';
import { demoRecipes, simulate } from './simulator/index.js';

export const DEMO_PROJECT = 'ALMA_OPS';

/** The demo: 90 simulated days around the February shutdown, so the data shows it. */
export const DEMO_OPTIONS = { start: '2024-12-15', days: 90, seed: 42 } as const;

/**
 * Creates the observatory demo project on a workspace that does not have it yet: the
 * simulator's tables as datasets, and the first flow of SQL recipes (per-shift time
 * buckets and efficiencies, per-EB median receiver temperature), built once.
 */
export async function ensureDemo(
  ws: Workspace,
  log: (line: string) => void = () => undefined,
  options: { days?: number } = {},
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
    const sim = await simulate({
      ...DEMO_OPTIONS,
      ...(options.days ? { days: options.days } : {}),
      out,
      format: 'parquet',
    });
    await ws.catalog.projects.create(LOCAL_ADMIN, {
      key: DEMO_PROJECT,
      name: 'ALMA operations (demo)',
      description:
        'Simulated observatory data: shifts, execution blocks, receiver temperatures, device changes and pipeline job runs.',
      tags: ['demo', 'alma'],
    });
    for (const t of sim.tables) {
      await importDataset(ws, LOCAL_ADMIN, DEMO_PROJECT, t.name, {
        filePath: t.path,
        fileName: `${t.name}.parquet`,
        format: 'parquet',
      });
    }
    for (const r of demoRecipes) await saveRecipe(ws, LOCAL_ADMIN, DEMO_PROJECT, { type: 'sql', ...r });
    await saveDemoObjects(ws, DEMO_PROJECT);
    const { done } = await startBuild(ws, LOCAL_ADMIN, DEMO_PROJECT, {
      targets: [...demoRecipes, ...demoAnalysisRecipes].map((r) => r.output),
      mode: 'required',
    });
    const job = await done;
    if (job.status === 'succeeded') await saveDemoDashboard(ws, DEMO_PROJECT);
    log(
      `Demo project ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${sim.tables.length} datasets, ${demoRecipes.length + demoAnalysisRecipes.length} recipes, a dashboard (build ${job.status})`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return true;
}
