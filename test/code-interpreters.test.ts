import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { buildOnly, startTestServer, type TestServer } from './support/llano-server.js';
import { makeSecondPython, type ListedInterpreter } from './support/python-fixtures.js';

const P = '/api/projects/INTERP';

describe('code environments name an interpreter of the machine', () => {
  let s: TestServer;
  let dir: string;
  /** A second Python, its own copy of the machine's (`venv --copies`), listed by LLANO_PYTHON_INTERPRETERS. */
  let other: string;
  const token = () => s.adminToken;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-interp-'));
    other = makeSecondPython(path.join(dir, 'py'));
    s = await startTestServer({ python: '/usr/bin/python3', pythonInterpreters: [other] });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: 'INTERP' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,B3\n2,B6\n', 'raw.csv')).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the interpreters, refuses a path it did not find, and runs a recipe with the chosen one, recorded in the lineage', async () => {
    const list = await s.call<ListedInterpreter[]>('GET', '/api/code-interpreters', { token: token() });
    expect(list.status).toBe(200);
    const python = list.body.filter((i) => i.language === 'python');
    expect(python[0]).toMatchObject({ path: '/usr/bin/python3', default: true, source: 'default' });
    const chosen = python.find((i) => i.path === other);
    expect(chosen).toMatchObject({ source: 'setting', default: false });
    expect(chosen?.version).toMatch(/^3\.\d+\.\d+/);

    for (const interpreter of ['/bin/sh', `${dir}/nowhere/python3`, process.execPath]) {
      const refused = await s.call('POST', `${P}/code-environments`, {
        token: token(),
        body: { name: 'bad', language: 'python', interpreter },
      });
      expect(refused.status, interpreter).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('not a python interpreter found on this machine');
    }

    const saved = await s.call('POST', `${P}/code-environments`, {
      token: token(),
      body: { name: 'other_py', language: 'python', interpreter: other },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const code =
      'import sys\n\ndef run(inputs, output, variables, log):\n    for row in inputs["raw"]:\n        output.write({"id": row["id"], "exe": sys.executable})\n';
    const recipe = {
      name: 'which',
      type: 'python',
      inputs: ['raw'],
      output: 'which_out',
      code,
      environment: 'other_py',
    };
    expect((await s.call('POST', `${P}/recipes`, { token: token(), body: recipe })).status).toBe(201);
    const built = await buildOnly(s, 'INTERP', ['which_out']);
    expect(built.status, built.activities?.[0]?.error ?? '').toBe('succeeded');
    const data = await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/which_out/data?limit=10&sort=id`, {
      token: token(),
    });
    expect(data.body.rows.map((r) => r[1])).toEqual([other, other]);
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/which_out/versions`,
      { token: token() },
    );
    expect(versions.body[0].lineage.environment).toMatchObject({
      name: 'other_py',
      interpreter: other,
      version: chosen?.version,
    });
  }, 240_000);

  it('lists the interpreters and creates an environment with one from the CLI', async () => {
    const cli = (...args: string[]) => llano(['--url', s.url, '--token', token(), '-p', 'INTERP', ...args]);
    const listed = await cli('env', 'interpreters');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(/python\s+3\.\d+\.\d+\s+\/usr\/bin\/python3\s+default\s+yes/);
    expect(listed.out).toContain(other);
    const created = await cli('env', 'create', 'cli_py', '--interpreter', other);
    expect(created.code, created.err + created.out).toBe(0);
    const list = await cli('env', 'list');
    expect(list.out).toMatch(new RegExp(`cli_py\\s+python\\s+machine\\s+${other.replace(/[/.]/g, '\\$&')}`));
    const refused = await cli('env', 'create', 'cli_bad', '--interpreter', '/bin/sh');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('not a python interpreter found on this machine');
  }, 120_000);
});
