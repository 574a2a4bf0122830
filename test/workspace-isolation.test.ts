import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkspace, type StartedWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { openSandbox, type SandboxScope } from '../src/engine/duckdb-sandbox.js';
import { abortJob, startBuild, waitForJob } from '../src/flow/build.js';
import { registerPostBuildValidator } from '../src/flow/post-build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { Gates } from './support/liveness.js';

/**
 * Two workspaces open in one process (two servers on one catalog, as tests and tools do)
 * keep their own state: running builds, registries, sandbox instances.
 */
describe('two workspaces in one process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-isolation-'));
  const home = path.join(dir, 'ws');
  const gates = new Gates();
  let a: StartedWorkspace;
  let b: StartedWorkspace;
  beforeAll(async () => {
    a = await startWorkspace(loadConfig({ home, adminPassword: 'isolation-password' }, {}));
    b = await startWorkspace(loadConfig({ home }, {}));
    // Only A's builds stop at the gate: validators are registered per workspace.
    registerPostBuildValidator(a.ws, async () => gates.pass());
    await a.ws.catalog.projects.create(LOCAL_ADMIN, { key: 'ISO' });
    const csv = path.join(dir, 'seed.csv');
    writeFileSync(csv, 'x\n1\n2\n3\n');
    await importDataset(a.ws, LOCAL_ADMIN, 'ISO', 'seed', { filePath: csv, fileName: 'seed.csv' });
    await saveRecipe(a.ws, LOCAL_ADMIN, 'ISO', {
      name: 'r_out',
      type: 'sql',
      inputs: ['seed'],
      output: 'out',
      sql: 'SELECT sum(x) AS total FROM seed',
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a build running in one is neither awaited nor abortable from the other, whose validators do not run on it', async () => {
    const gate = gates.next();
    const build = await startBuild(a.ws, LOCAL_ADMIN, 'ISO', { targets: ['out'], mode: 'only' });
    await gate.reached;

    // B sees the job in the shared catalog, but it does not run it.
    await expect(abortJob(b.ws, LOCAL_ADMIN, 'ISO', build.jobId)).rejects.toMatchObject({ status: 409 });
    expect((await waitForJob(b.ws, 'ISO', build.jobId)).status).toBe('running');

    // A build of the same dataset from B waits for A's (one build of a target at a time), then
    // runs without passing A's gate (no validator registered on B).
    const other = await startBuild(b.ws, LOCAL_ADMIN, 'ISO', { targets: ['out'], mode: 'only' });
    expect(other.waitsFor).toBe(build.jobId);

    gate.open();
    expect((await waitForJob(a.ws, 'ISO', build.jobId)).status).toBe('succeeded');
    expect((await other.done).status).toBe('succeeded');
  });

  it('keeps separate sandbox instances, and closing one workspace leaves the other working', async () => {
    const dataDir = path.join(dir, 'sandbox-data');
    const scope: SandboxScope = { roots: [dataDir], scratchDir: path.join(dataDir, '.scratch') };
    const inA = await openSandbox(a.ws.duck, tmpdir(), [], { scope });
    await inA.conn.run('CREATE TABLE only_in_a AS SELECT 1 AS x');
    await inA.close();

    // The same scope on B is another instance: A's table is not there.
    const inB = await openSandbox(b.ws.duck, tmpdir(), [], { scope });
    await expect(inB.conn.run('SELECT * FROM only_in_a')).rejects.toThrow(/only_in_a/);
    await inB.close();

    const third = await startWorkspace(loadConfig({ home }, {}));
    const inThird = await openSandbox(third.ws.duck, tmpdir(), [], { scope });
    await inThird.close();
    await third.close();

    const again = await openSandbox(b.ws.duck, tmpdir(), [], { scope });
    try {
      const reader = await again.conn.runAndReadAll('SELECT 42 AS answer');
      expect(reader.getRowsJson()).toEqual([[42]]);
    } finally {
      await again.close();
    }
  });
});
