import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Automation } from '../src/automation/automation.js';
import { PROJECT_TABLES } from '../src/catalog/projects.js';
import type { BuildStarted, DataPage, Job, MetricsRecord, ScenarioRun } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.js';

const P = '/api/projects/GONE';
const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.1\nDV01,6,55.0\n';

/** Rows of every table that can hold a project's data, by table: `GONE`'s, and those of its jobs and runs. */
async function leftovers(s: TestServer, jobIds: string[], runIds: string[]): Promise<Record<string, number>> {
  const db = s.ws.catalog.db;
  const counts: Record<string, number> = {};
  for (const table of PROJECT_TABLES) {
    const r = await db
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .where('project_key', '=', 'GONE')
      .executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  const byId = async (table: 'job_logs' | 'job_activities', ids: string[]) =>
    ids.length
      ? Number(
          (
            await db
              .selectFrom(table)
              .select(sql<number>`count(*)`.as('n'))
              .where('job_id', 'in', ids)
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 0;
  counts.job_logs = await byId('job_logs', jobIds);
  counts.job_activities = await byId('job_activities', jobIds);
  for (const table of ['scenario_step_runs', 'scenario_run_logs'] as const)
    counts[table] = runIds.length
      ? Number(
          (
            await db
              .selectFrom(table)
              .select(sql<number>`count(*)`.as('n'))
              .where('run_id', 'in', runIds)
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 0;
  counts.projects = Number(
    (
      await db
        .selectFrom('projects')
        .select(sql<number>`count(*)`.as('n'))
        .where('key', '=', 'GONE')
        .executeTakeFirstOrThrow()
    ).n,
  );
  return counts;
}

describe('deleting a project', () => {
  let s: TestServer;
  let http: HttpReceiver;
  const call = <T>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });

  beforeAll(async () => {
    // The HTTP receiver listens on 127.0.0.1, an address outbound requests may reach only when allowed.
    [s, http] = await Promise.all([startTestServer({ outboundAllow: ['127.0.0.1'] }), startHttpReceiver()]);
  });
  afterAll(async () => Promise.all([s?.stop(), http?.stop()]));

  it('knows every catalog table keyed by project', async () => {
    const tables = await s.ws.catalog.db.introspection.getTables();
    const keyed = tables
      .filter((t) => t.columns.some((c) => c.name === 'project_key'))
      .map((t) => t.name)
      .sort();
    expect(keyed).toEqual([...PROJECT_TABLES].sort());
  });

  it('removes everything of it: a project created again under its key starts from nothing', async () => {
    expect((await call('POST', '/api/projects', { key: 'GONE' })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, CSV, 'raw.csv')).status).toBe(201);
    const recipe = { name: 'r_clean', type: 'sql', inputs: ['raw'], output: 'clean', sql: 'SELECT * FROM raw' };
    expect((await call('POST', `${P}/recipes`, recipe)).status).toBe(201);
    const build = await call<BuildStarted>('POST', `${P}/builds`, { targets: ['clean'] });
    const job = await waitForJobEnd(s, 'GONE', build.body.jobId);
    expect(job.status).toBe('succeeded');
    expect(
      (await call('PUT', `${P}/datasets/clean/checks`, { checks: [{ type: 'not-null', column: 'trec' }] })).status,
    ).toBe(200);
    expect((await call('POST', `${P}/datasets/clean/metrics/compute`)).status).toBe(200);
    expect(
      (
        await call('POST', `${P}/scenarios`, {
          id: 'nightly',
          triggers: [{ type: 'time', cron: '0 6 * * *' }],
          steps: [{ type: 'run-checks', datasets: ['clean'] }],
        })
      ).status,
    ).toBe(201);
    const started = await call<{ runId: string }>('POST', `${P}/scenarios/nightly/run`);
    const run = await Automation.of(s.ws).waitForRun('GONE', started.body.runId);
    expect(run.outcome).toBe('SUCCESS');
    expect(
      (await call('POST', `${P}/datasets`, { name: 'runs', storage: { type: 'system', table: 'scenario_runs' } }))
        .status,
    ).toBe(201);
    expect((await call<DataPage>('GET', `${P}/datasets/runs/data`)).body.total).toBe(1);
    const before = await leftovers(s, [job.id], [run.id]);
    for (const table of ['objects', 'dataset_versions', 'jobs', 'scenario_runs', 'dataset_metrics', 'check_results'])
      expect(before[table], table).toBeGreaterThan(0);
    expect(existsSync(path.join(s.home, 'data', 'GONE'))).toBe(true);

    expect((await call('DELETE', P)).status).toBe(204);

    const after = await leftovers(s, [job.id], [run.id]);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(existsSync(path.join(s.home, 'data', 'GONE'))).toBe(false);

    // The same key again: none of the old project shows through the API.
    expect((await call('POST', '/api/projects', { key: 'GONE' })).status).toBe(201);
    expect((await call<unknown[]>('GET', `${P}/datasets`)).body).toEqual([]);
    expect((await call<Job[]>('GET', `${P}/jobs`)).body).toEqual([]);
    expect((await call('GET', `${P}/jobs/${job.id}`)).status).toBe(404);
    expect((await call('GET', `${P}/scenario-runs/${run.id}`)).status).toBe(404);
    expect((await call('POST', `${P}/scenarios`, { id: 'nightly', steps: [{ type: 'noop' }] })).status).toBe(201);
    expect((await call<ScenarioRun[]>('GET', `${P}/scenarios/nightly/runs`)).body).toEqual([]);
    // Datasets of the same names start at version 1 with no history, metrics or check results.
    expect((await s.upload(`${P}/datasets/clean/upload`, CSV, 'clean.csv')).status).toBe(201);
    expect((await call<MetricsRecord[]>('GET', `${P}/datasets/clean/metrics`)).body).toEqual([]);
    const versions = await call<{ seq: number }[]>('GET', `${P}/datasets/clean/versions`);
    expect(versions.body.map((v) => v.seq)).toEqual([1]);
    expect(
      (await call('POST', `${P}/datasets`, { name: 'runs', storage: { type: 'system', table: 'scenario_runs' } }))
        .status,
    ).toBe(201);
    expect((await call<DataPage>('GET', `${P}/datasets/runs/data`)).body.total).toBe(0);
    const members = await call<{ username: string }[]>('GET', `${P}/members`);
    expect(members.body.map((m) => m.username)).toEqual(['admin']);
  });

  it('stops the running and queued runs of the project first: nothing of them outlives the delete', async () => {
    expect((await call('POST', '/api/projects', { key: 'BUSY' })).status).toBe(201);
    const scenario = { id: 'waits', steps: [{ type: 'http', url: `${http.url}/hang-busy` }] };
    expect((await call('POST', '/api/projects/BUSY/scenarios', scenario)).status).toBe(201);
    const running = await call<{ runId: string; status: string }>('POST', '/api/projects/BUSY/scenarios/waits/run');
    await http.next('/hang-busy'); // the first run is inside its step
    const queued = await call<{ runId: string; status: string }>('POST', '/api/projects/BUSY/scenarios/waits/run');
    expect([running.body.status, queued.body.status]).toEqual(['RUNNING', 'QUEUED']);

    expect((await call('DELETE', '/api/projects/BUSY')).status).toBe(204);

    const automation = Automation.of(s.ws);
    expect(automation.activeRunIds()).toEqual([]);
    await automation.startAllQueued();
    expect(automation.activeRunIds()).toEqual([]);
    const rows = await s.ws.catalog.db
      .selectFrom('scenario_runs')
      .select('id')
      .where('id', 'in', [running.body.runId, queued.body.runId])
      .execute();
    expect(rows).toEqual([]);
    const logs = await s.ws.catalog.db
      .selectFrom('scenario_run_logs')
      .select('id')
      .where('run_id', 'in', [running.body.runId, queued.body.runId])
      .execute();
    expect(logs).toEqual([]);
    // The key is free for new work at once.
    expect((await call('POST', '/api/projects', { key: 'BUSY' })).status).toBe(201);
    expect(
      (await call('POST', '/api/projects/BUSY/scenarios', { id: 'waits', steps: [{ type: 'noop' }] })).status,
    ).toBe(201);
    const fresh = await call<{ runId: string }>('POST', '/api/projects/BUSY/scenarios/waits/run');
    expect((await automation.waitForRun('BUSY', fresh.body.runId)).outcome).toBe('SUCCESS');
  });
});
