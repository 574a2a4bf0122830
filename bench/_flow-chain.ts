// The core-flow chain (not a benchmark; the leading underscore keeps `npm run bench` from running
// it): a workspace with project BENCH, a 3-row dataset d0 and `chain` trivial SQL recipes
// d0 → d1 → … → d<chain>, for bench/core-flow.ts and bench/_step-profile.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

export interface FlowChain {
  ws: Workspace;
  home: string;
  /** Builds the chain's last dataset; throws unless the build succeeded. */
  build: (mode: 'recursive' | 'required') => Promise<void>;
}

export async function createFlowChain(chain: number, prefix: string): Promise<FlowChain> {
  const home = mkdtempSync(path.join(tmpdir(), prefix));
  const ws = await Workspace.open(loadConfig({ home, adminPassword: 'bench-password' }, {}));
  await bootstrapWorkspace(ws);
  await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
  const csv = path.join(home, 'seed.csv');
  writeFileSync(csv, 'x\n1\n2\n3\n');
  await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'd0', { filePath: csv, fileName: 'seed.csv' });
  for (let i = 1; i <= chain; i++)
    await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
      name: `r${i}`,
      type: 'sql',
      inputs: [`d${i - 1}`],
      output: `d${i}`,
      sql: `SELECT x + 1 AS x FROM d${i - 1}`,
    });
  const build = async (mode: 'recursive' | 'required') => {
    const { done } = await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`d${chain}`], mode });
    const job = await done;
    if (job.status !== 'succeeded') throw new Error(`build ${job.status}: ${job.error}`);
  };
  return { ws, home, build };
}
