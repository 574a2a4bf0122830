import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { buildFixtureWheel } from './support/python-fixtures.js';
import { buildOnly, startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/VENV';

interface EnvironmentInfo {
  venv?: { status: string; packages?: string[]; error?: string };
  buildJobId?: string;
}

describe('per-project Python virtual environments', () => {
  let s: TestServer;
  let dir: string;
  const token = () => s.adminToken;
  const saveEnv = async (requirements: string[]) => {
    const body = { name: 'fixture_env', language: 'python', python: { venv: true, requirements } };
    const exists = (await s.call('GET', `${P}/code-environments/fixture_env`, { token: token() })).status === 200;
    const r = await s.call<EnvironmentInfo>(
      exists ? 'PUT' : 'POST',
      `${P}/code-environments${exists ? '/fixture_env' : ''}`,
      { token: token(), body },
    );
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  const jobLog = async (id: string) => (await s.call<string>('GET', `${P}/jobs/${id}/log`, { token: token() })).body;
  const build = (output: string) => buildOnly(s, 'VENV', [output]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-venv-'));
    s = await startTestServer({ pipFindLinks: buildFixtureWheel(dir) });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: 'VENV' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,B3\n2,B6\n', 'raw.csv')).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the venv as a job, runs recipes and notebook cells in it and records its pip freeze in the lineage', async () => {
    const saved = await saveEnv(['llano-fixture==1.2.0']);
    expect(saved.buildJobId).toBeTruthy();
    const job = await waitForJobEnd(s, 'VENV', saved.buildJobId!);
    const log = await jobLog(job.id);
    expect(job.status, log).toBe('succeeded');
    expect(log).toContain('llano-fixture');
    const env = (await s.call<EnvironmentInfo>('GET', `${P}/code-environments/fixture_env`, { token: token() })).body;
    expect(env.venv).toMatchObject({ status: 'ready', packages: ['llano-fixture==1.2.0'] });

    const code =
      'import llano_fixture\n\ndef run(inputs, output, variables, log):\n    for row in inputs["raw"]:\n        output.write({"id": row["id"], "greeting": llano_fixture.greet()})\n';
    const recipe = { name: 'greet', type: 'python', inputs: ['raw'], output: 'greet_out', code };
    const r = await s.call('POST', `${P}/recipes`, { token: token(), body: { ...recipe, environment: 'fixture_env' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const built = await build('greet_out');
    expect(built.status, built.activities?.[0]?.error ?? '').toBe('succeeded');
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/greet_out/versions`,
      { token: token() },
    );
    const lineage = versions.body[0].lineage.environment as { packages: Record<string, string>; interpreter: string };
    expect(lineage).toMatchObject({ name: 'fixture_env', venv: true, packages: { 'llano-fixture': '1.2.0' } });
    expect(lineage.interpreter).toContain('.environments');

    const notebook = { id: 'nb', name: 'Venv', environment: 'fixture_env', cells: [] as unknown[] };
    notebook.cells = [{ type: 'python', source: 'import llano_fixture\nprint(llano_fixture.greet())' }];
    expect((await s.call('POST', `${P}/notebooks`, { token: token(), body: notebook })).status).toBe(201);
    const cell = await s.call<{ outputs: { type: string; text?: string }[] }>('POST', `${P}/notebooks/nb/cells/0/run`, {
      token: token(),
      body: { session: 'venv' },
    });
    expect(cell.status, JSON.stringify(cell.body)).toBe(200);
    expect(JSON.stringify(cell.body.outputs)).toContain('hello from the venv');
  }, 240_000);

  it('fails the build naming a package pip cannot find, and recipes of that environment fail with that error', async () => {
    const saved = await saveEnv(['nosuchpkg==1.0']);
    const job = await waitForJobEnd(s, 'VENV', saved.buildJobId!);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('nosuchpkg==1.0');
    expect(job.error).toContain('LLANO_PIP_FIND_LINKS');
    const env = (await s.call<EnvironmentInfo>('GET', `${P}/code-environments/fixture_env`, { token: token() })).body;
    expect(env.venv?.status).toBe('failed');
    const built = await build('greet_out');
    expect(built.status).toBe('failed');
    expect(built.activities?.[0]?.error).toContain('nosuchpkg==1.0');
    // A machine environment has no venv to rebuild.
    await s.call('POST', `${P}/code-environments`, {
      token: token(),
      body: { name: 'plain', language: 'python' },
    });
    const plain = await s.call('POST', `${P}/code-environments/plain/rebuild`, { token: token() });
    expect(plain.status).toBe(400);
    expect(JSON.stringify(plain.body)).toContain('python.venv');
    const wrongLanguage = await s.call('POST', `${P}/code-environments`, {
      token: token(),
      body: { name: 'ts', language: 'typescript', python: { venv: true } },
    });
    expect(wrongLanguage.status).toBe(400);
    const option = await s.call('PUT', `${P}/code-environments/fixture_env`, {
      token: token(),
      body: { name: 'fixture_env', language: 'python', python: { venv: true, requirements: ['--index-url=x'] } },
    });
    expect(option.status).toBe(400);
    expect(JSON.stringify(option.body)).toContain('python.requirements');
  }, 240_000);

  it('is listed, rebuilt and created from the CLI', async () => {
    const cli = (...args: string[]) => llano(['--url', s.url, '--token', token(), '-p', 'VENV', ...args]);
    const created = await cli('env', 'create', 'fixture_env', '--venv', '--requirement', 'llano-fixture==1.2.0');
    expect(created.code, created.err + created.out).toBe(0);
    expect(created.out).toContain('Virtual environment built');
    const list = await cli('env', 'list');
    expect(list.out).toMatch(/fixture_env\s+python\s+ready\s+llano-fixture==1\.2\.0/);
    const rebuilt = await cli('env', 'rebuild', 'fixture_env');
    expect(rebuilt.code, rebuilt.err + rebuilt.out).toBe(0);
    const broken = await cli('env', 'create', 'fixture_env', '--venv', '--requirement', 'nosuchpkg==1.0');
    expect(broken.code).not.toBe(0);
    expect(broken.err).toContain('nosuchpkg==1.0');
  }, 240_000);
});
