import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/common/config.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';
import { llano } from './support/cli.js';
import type { LoginAnswer, RunStarted, ScenarioRun } from './support/api-types.js';
import { api, parseJson } from './support/http.js';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.js';
import { spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

describe('scenario runs survive a kill -9 of the server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-auto-crash-'));
  const home = path.join(dir, 'ws');
  let server: SpawnedServer | undefined;
  let http: HttpReceiver;
  beforeAll(async () => {
    http = await startHttpReceiver();
  });
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    await http?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // A server start-up (up to half a minute on a loaded machine) and a restart.
  it(
    'leaves the run FAILED as interrupted after restart and fires its failure reporters',
    { timeout: 180_000 },
    async () => {
      server = await spawnServer(home, { LLANO_OUTBOUND_ALLOW: '127.0.0.1' });
      const { token } = await api<LoginAnswer>(server.url, null, 'POST', '/api/auth/login', {
        username: 'admin',
        password: 'admin-password-for-tests',
      });
      await api(server.url, token, 'POST', '/api/projects', { key: 'OPS' });
      await api(server.url, token, 'POST', '/api/projects/OPS/scenarios', {
        id: 'long_job',
        name: 'Long job',
        steps: [
          { type: 'noop' },
          { type: 'http', name: 'wait for upstream', url: `${http.url}/hang-upstream` },
          { type: 'noop', name: 'never reached' },
        ],
        reporters: [{ on: 'failure', channel: 'webhook', url: `${http.url}/report` }],
      });
      const { runId } = await api<RunStarted>(server.url, token, 'POST', '/api/projects/OPS/scenarios/long_job/run');
      await http.next('/hang-upstream'); // the run is inside its second step
      expect(
        (await api<ScenarioRun>(server.url, token, 'GET', `/api/projects/OPS/scenario-runs/${runId}`)).outcome,
      ).toBe('RUNNING');
      await stopServer(server, 'SIGKILL');
      server = undefined;

      // Restart: bootstrap recovers the run (its process is gone) before serving.
      const ws = await Workspace.open(
        loadConfig({ home, adminPassword: 'admin-password-for-tests', outboundAllow: ['127.0.0.1'] }, {}),
      );
      try {
        const boot = await bootstrapWorkspace(ws);
        expect(boot.interruptedRuns).toBe(1);
      } finally {
        await ws.close();
      }
      const report = await http.next('/report');
      expect(report.json).toMatchObject({
        runId,
        scenarioId: 'long_job',
        outcome: 'FAILED',
        failedSteps: [{ name: 'wait for upstream', error: 'Interrupted' }],
      });

      // The CLI reads the same history through the API (in-process server over the workspace).
      const show = await llano(['--home', home, '-p', 'OPS', '--json', 'scenario', 'runs', 'long_job']);
      expect(show.code, show.err).toBe(0);
      const [run] = parseJson<ScenarioRun[]>(show.out);
      expect(run).toMatchObject({
        id: runId,
        outcome: 'FAILED',
        error: 'Interrupted: the server stopped while this run was going',
      });
      const detail = await llano(['--home', home, '-p', 'OPS', '--json', 'scenario', 'abort', runId]);
      expect(detail.code).toBe(1);
      expect(detail.err).toMatch(/is not running \(FAILED\)/);
    },
  );

  it('drives scenarios, checks and metrics from the CLI', async () => {
    writeFileSync(path.join(dir, 'trec.csv'), 'antenna,trec\nDA41,35.5\nDA42,\n');
    writeFileSync(
      path.join(dir, 'scenario.json'),
      JSON.stringify({
        id: 'nightly',
        name: 'Nightly',
        triggers: [{ type: 'time', dailyAt: '03:00', timezone: 'America/Santiago' }],
        steps: [{ type: 'noop' }, { type: 'run-checks', datasets: ['trec'] }],
      }),
    );
    const cli = (...args: string[]) => llano(['--home', home, '-p', 'OPS', ...args]);
    expect((await cli('dataset', 'import', 'trec', path.join(dir, 'trec.csv'))).code).toBe(0);
    expect((await cli('scenario', 'save', path.join(dir, 'scenario.json'))).out).toBe('Created scenario nightly\n');
    expect((await cli('scenario', 'list')).out).toMatch(/nightly\s+Nightly\s+true\s+time\s+2\s+1/);
    const run = await cli('scenario', 'run', 'nightly');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/Run \S+ of nightly: SUCCESS/);
    expect(run.out).toMatch(/2 run-checks\s+run-checks\s+SUCCESS/);

    const metrics = await cli('metrics', 'show', 'trec', '--compute');
    expect(metrics.code, metrics.err).toBe(0);
    expect(metrics.out).toMatch(/records\s+2/);
    expect(metrics.out).toMatch(/nulls\.trec\s+1/);

    const settings = (checks: unknown[]) => {
      const file = path.join(dir, `checks-${checks.length}.json`);
      writeFileSync(file, JSON.stringify({ checks }));
      return file;
    };
    // A metric the dataset does not have is refused at save, named, with the ones it has.
    const typo = await cli(
      'checks',
      'save',
      'trec',
      settings([{ type: 'metric-bounds', metric: 'mean.tre', error: { max: 1 } }]),
    );
    expect(typo.code).not.toBe(0);
    expect(typo.err).toContain('metric mean.tre reads column tre, which dataset trec does not have');
    const saved = await cli('checks', 'save', 'trec', settings([{ type: 'not-null', column: 'trec' }]));
    expect(saved.code, saved.err).toBe(0);
    expect(saved.out).toBe('Saved 1 check(s) of trec\n');
    const checks = await cli('checks', 'run', 'trec');
    expect(checks.code).toBe(1);
    expect(checks.out).toMatch(/not-null:trec\s+ERROR\s+trec: 1 row not null-free/);
    const failed = await cli('scenario', 'run', 'nightly');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/Run FAILED: 1 step\(s\) failed: 2 run-checks/);
  });
});
