import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';
import { stopServer, type SpawnedServer } from './support/spawn-server.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.1\nDA43,6,40.2\n';

/** `llano api-node` on a free port, over the workspace at `home` (uses dist/: run `node bin/build.js` first). */
async function spawnApiNode(home: string): Promise<SpawnedServer> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'llano.js'), 'api-node', '--home', home, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, LLANO_ADMIN_PASSWORD: 'admin-password-for-tests' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`api-node did not start:\n${text}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /running at (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`api-node exited with ${code}:\n${text}`));
    });
  });
  return { url, child, output: () => text };
}

describe('API services from the CLI and a separate api-node process', () => {
  let s: TestServer;
  let node: SpawnedServer | undefined;
  const cli = (...args: string[]) => llano([...args, '--project', 'NODE', '--url', s.url, '--token', s.adminToken]);

  beforeAll(async () => {
    s = await startTestServer();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'NODE' } });
    expect((await s.upload('/api/projects/NODE/datasets/obs/upload', CSV, 'obs.csv')).status).toBe(201);
  });
  afterAll(async () => {
    if (node) await stopServer(node);
    await s?.stop();
  });

  it('creates, deploys, keys, calls, tests and switches a service with the CLI; the api-node serves the active version', async () => {
    const file = path.join(s.home, 'service.json');
    const endpoint = (sql: string) => ({
      id: 'band',
      type: 'sql-query',
      sql,
      parameters: [{ name: 'band', type: 'integer' }],
      tests: [{ name: 'three', body: { band: 3 } }],
    });
    writeFileSync(
      file,
      JSON.stringify({ id: 'rx', endpoints: [endpoint('SELECT count(*) AS n FROM obs WHERE band = :band')] }),
    );
    const created = await cli('api-service', 'create', '--file', file);
    expect(created.code, created.err).toBe(0);
    expect((await cli('api-service', 'deploy', 'rx')).out).toMatch(/version 1 \(active\)/);
    const key = await cli('api-service', 'key', 'create', 'rx', '--name', 'ci');
    expect(key.code, key.err).toBe(0);
    const secret = key.out.split('\n')[0];
    expect(secret).toMatch(/^llsk_/);
    const call = await cli('api-service', 'call', 'rx', 'band', '--body', '{"band":3}', '--key', secret);
    expect(call.code, call.err).toBe(0);
    expect(JSON.parse(call.out)).toMatchObject({ rows: [{ n: 2 }] });
    const tested = await cli('api-service', 'test', 'rx', 'band');
    expect(tested.out).toMatch(/three\s+200/);
    expect((await cli('api-service', 'list')).out).toMatch(/rx\s+1\s+1\s+1/);

    node = await spawnApiNode(s.home);
    const viaNode = async (body: unknown, token = secret) => {
      const res = await fetch(`${node!.url}/services/NODE/rx/band`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { rows?: unknown[] } };
    };
    expect(await viaNode({ band: 3 })).toEqual({
      status: 200,
      body: { columns: ['n'], rows: [{ n: 2 }], truncated: false },
    });
    expect((await viaNode({ band: '3; DROP TABLE obs' })).status).toBe(400);
    expect((await viaNode({ band: 3 }, 'llsk_nope')).status).toBe(401);
    // The node answers API calls only.
    expect((await fetch(`${node.url}/api/projects`)).status).toBe(404);

    // A second version, deployed through the UI server, reaches the node by polling; a rollback too.
    writeFileSync(
      file,
      JSON.stringify({ id: 'rx', endpoints: [endpoint('SELECT sum(trec) > 0 AS n FROM obs WHERE band = :band')] }),
    );
    const body = JSON.parse(readFileSync(file, 'utf8')) as object;
    expect((await s.call('PUT', '/api/projects/NODE/api-services/rx', { token: s.adminToken, body })).status).toBe(200);
    expect((await cli('api-service', 'deploy', 'rx')).out).toMatch(/version 2/);
    const until = async (expected: unknown) => {
      const deadline = Date.now() + 15_000;
      let last: unknown;
      while (Date.now() < deadline) {
        last = (await viaNode({ band: 3 })).body.rows;
        if (JSON.stringify(last) === JSON.stringify(expected)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the api-node still answers ${JSON.stringify(last)}`);
    };
    await until([{ n: true }]);
    expect((await cli('api-service', 'activate', 'rx', '1')).code).toBe(0);
    await until([{ n: 2 }]);
    const keys = await cli('api-service', 'key', 'list', 'rx', '--json');
    const id = (JSON.parse(keys.out) as { id: string }[])[0].id;
    expect((await cli('api-service', 'key', 'revoke', 'rx', id)).code).toBe(0);
    const deadline = Date.now() + 15_000;
    while ((await viaNode({ band: 3 })).status !== 401 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect((await viaNode({ band: 3 })).status).toBe(401);
  }, 240_000);
});
