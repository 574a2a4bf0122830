import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnection } from '../src/datasets/connections.js';
import type { ApiError, BuildStarted, ConnectionShown, ConnectionTested, DataPage } from './support/api-types.js';
import { llano } from './support/cli.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/CON';
const ROWS = 20_000;

describe('connection types: test, SQLite datasets, capabilities', () => {
  let s: TestServer;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-conn-'));
    file = path.join(dir, 'archive.db');
    const db = new Database(file);
    db.exec(`
      CREATE TABLE observations (id INTEGER PRIMARY KEY, antenna TEXT, band INTEGER, minutes REAL);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO observations SELECT i, 'DA' || (40 + i % 5), 3 + i % 2 * 3, i % 60 FROM n;`);
    db.close();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'CON' } });
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates and tests a SQLite connection over the API and the CLI', async () => {
    const c = await s.call('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'archive', type: 'sqlite', path: file },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const t = await s.call<ConnectionTested>('POST', `${P}/connections/archive/test`, { token: s.adminToken });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ name: 'archive', type: 'sqlite', ok: true });
    expect(t.body.message).toMatch(/^SQLite 3\..*1 tables and views/);
    const cli = await llano(['--url', s.url, '--token', s.adminToken, '-p', 'CON', 'connection', 'test', 'archive']);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toMatch(/^ok: archive \(sqlite\): SQLite 3/);
    const list = await llano(['--url', s.url, '--token', s.adminToken, '-p', 'CON', 'connection', 'list']);
    expect(list.out).toMatch(/archive\s+sqlite/);
    expect((await s.call('POST', `${P}/connections/nope/test`, { token: s.adminToken })).status).toBe(404);
  });

  it('answers a failed test with the reason, never the password, and the CLI exits with 1', async () => {
    await s.call('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'gone_db', type: 'postgres', url: 'postgres://ops:s3cret@127.0.0.1:1/ops' },
    });
    const t = await s.call<ConnectionTested>('POST', `${P}/connections/gone_db/test`, { token: s.adminToken });
    expect(t.body.ok).toBe(false);
    expect(t.body.message).toMatch(/Cannot connect to PostgreSQL at postgres:\/\/ops@127\.0\.0\.1:1\/ops/);
    expect(JSON.stringify(t.body)).not.toContain('s3cret');
    const cli = await llano(['--url', s.url, '--token', s.adminToken, '-p', 'CON', 'connection', 'test', 'gone_db']);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/connection gone_db \(postgres\) failed its test/);
  });

  it('keeps the stored password when a redacted connection is saved back', async () => {
    const listed = (await s.call<ConnectionShown[]>('GET', `${P}/connections`, { token: s.adminToken })).body.find(
      (c) => c.name === 'gone_db',
    );
    expect(listed?.url).toBe('postgres://ops:********@127.0.0.1:1/ops');
    expect(
      (
        await s.call('PUT', `${P}/connections/gone_db`, {
          token: s.adminToken,
          body: { ...listed, description: 'moved' },
        })
      ).status,
    ).toBe(200);
    expect((await getConnection(s.ws, 'CON', 'gone_db')).url).toBe('postgres://ops:s3cret@127.0.0.1:1/ops');
    // History, readable by every member, shows the URL's password hidden.
    const history = await s.call('GET', `${P}/history/connection/gone_db`, { token: s.adminToken });
    expect(JSON.stringify(history.body)).not.toContain('s3cret');
    expect(JSON.stringify(history.body)).toContain('postgres://ops:********@127.0.0.1:1/ops');
  });

  it('refuses unknown types and settings the type does not have, naming them', async () => {
    const unknown = await s.call('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'x', type: 'mysql' },
    });
    expect(unknown.status).toBe(400);
    const extra = await s.call<ApiError>('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'x', type: 'sqlite', path: file, root: dir },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/Invalid sqlite connection/);
    const missing = await s.call<ApiError>('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'x', type: 'sqlite', path: path.join(dir, 'none.db') },
    });
    expect(missing.body.error.message).toMatch(/not an existing file/);
  });

  it('reads a SQLite table as a dataset: rows, stats and download', async () => {
    const d = await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'obs', storage: { type: 'database', connection: 'archive', table: { name: 'observations' } } },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const rows = await s.call('GET', `${P}/datasets/obs/data?sort=-id&filter=band:eq:6&limit=2`, {
      token: s.adminToken,
    });
    expect(rows.body).toMatchObject({
      columns: ['id', 'antenna', 'band', 'minutes'],
      total: ROWS / 2,
      rows: [
        [19_999, 'DA44', 6, 19],
        [19_997, 'DA42', 6, 17],
      ],
    });
    const stats = await s.call('GET', `${P}/datasets/obs/stats`, { token: s.adminToken });
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(JSON.stringify(stats.body)).toContain('"distinct"');
    const csv = await s.call('GET', `${P}/datasets/obs/data?format=csv`, { token: s.adminToken });
    expect(String(csv.body).trim().split('\n')).toHaveLength(ROWS + 1);
  });

  it('lists connection types with their settings schema, for forms and the CLI', async () => {
    const types = await s.call<
      { type: string; secrets: string[]; adminOnly: boolean; settings: { properties: object } }[]
    >('GET', '/api/connection-types', { token: s.adminToken });
    expect(types.status).toBe(200);
    const pg = types.body.find((t) => t.type === 'postgres');
    expect(pg?.secrets).toContain('password');
    expect(Object.keys(pg?.settings.properties ?? {})).toEqual(expect.arrayContaining(['host', 'port', 'password']));
    expect(types.body.find((t) => t.type === 'filesystem')?.adminOnly).toBe(true);
    const cli = await llano(['--url', s.url, '--token', s.adminToken, 'connection', 'types']);
    expect(cli.out).toMatch(/postgres\s+PostgreSQL\s+url, host, port/);
  });

  it('creates a connection and a dataset through it from the CLI; delete is refused while a dataset reads it', async () => {
    const cli = (args: string[], stdin = '') =>
      llano(['--url', s.url, '--token', s.adminToken, '-p', 'CON', ...args], {}, process.cwd(), stdin);
    const made = await cli(['connection', 'create', 'archive2', '--type', 'sqlite', '--set', `path=${file}`]);
    expect(made.code, made.err).toBe(0);
    const ds = await cli(['dataset', 'create', 'obs2', '--connection', 'archive2', '--table', 'observations']);
    expect(ds.code, ds.err).toBe(0);
    expect(ds.out).toMatch(/Created dataset obs2 \(database through archive2\)/);
    const head = await cli(['--json', 'dataset', 'head', 'obs2', '-n', '1', '--sort', 'id']);
    expect(head.out).toMatch(/"DA41"/);
    // A secret comes from stdin, never the command line, and is never shown back.
    const pg = await cli(
      [
        'connection',
        'create',
        'ops_pg',
        '--type',
        'postgres',
        '--set',
        'host=127.0.0.1',
        '--set',
        'port=1',
        '--secret-stdin',
        'password',
      ],
      's3cret\n',
    );
    expect(pg.code, pg.err).toBe(0);
    const shown = await s.call<ConnectionShown>('GET', `${P}/connections/ops_pg`, { token: s.adminToken });
    expect(shown.body).toMatchObject({ type: 'postgres', port: 1, password: '********' });
    const badPort = await cli(['connection', 'create', 'x', '--type', 'postgres', '--set', 'port=abc']);
    expect(badPort.err).toMatch(/--set port: expected a number, not "abc"/);
    const badKey = await cli(['connection', 'create', 'x', '--type', 'sqlite', '--set', 'root=/tmp']);
    expect(badKey.err).toMatch(/sqlite connections have no such setting \(path\)/);
    const both = await cli([
      'dataset',
      'create',
      'x',
      '--connection',
      'archive2',
      '--table',
      't',
      '--query',
      'select 1',
    ]);
    expect(both.err).toMatch(/exactly one of --path FILE, --table/);

    const refused = await s.call<ApiError>('DELETE', `${P}/connections/archive2`, { token: s.adminToken });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/used by dataset obs2/);
    expect((await cli(['dataset', 'delete', 'obs2', '--yes'])).code).toBe(0);
    const gone = await cli(['connection', 'delete', 'archive2']);
    expect(gone.code, gone.err).toBe(0);
    expect((await s.call('GET', `${P}/connections/archive2`, { token: s.adminToken })).status).toBe(404);
    expect((await s.call('DELETE', `${P}/connections/archive2`, { token: s.adminToken })).status).toBe(404);
  });

  it('a reader sees connections but cannot create or delete them', async () => {
    await s.call('POST', '/api/users', {
      token: s.adminToken,
      body: { username: 'con_reader', password: 'password-con' },
    });
    await s.call('PUT', `${P}/members/con_reader`, { token: s.adminToken, body: { role: 'reader' } });
    const reader = await s.login('con_reader', 'password-con');
    expect((await s.call('GET', `${P}/connections/archive`, { token: reader })).status).toBe(200);
    expect((await s.call('DELETE', `${P}/connections/archive`, { token: reader })).status).toBe(403);
    expect(
      (await s.call('POST', `${P}/connections`, { token: reader, body: { name: 'x', type: 'sqlite', path: file } }))
        .status,
    ).toBe(403);
  });

  it('uses a SQLite query in a DuckDB recipe, and refuses to write a recipe output into SQLite', async () => {
    const made = await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: {
        name: 'per_antenna',
        storage: {
          type: 'database',
          connection: 'archive',
          query: 'SELECT antenna, count(*) AS n FROM observations GROUP BY antenna',
        },
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const r = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'r_top',
        type: 'sql',
        inputs: ['per_antenna'],
        output: 'top',
        sql: 'SELECT antenna, n FROM per_antenna ORDER BY antenna LIMIT 2',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job = await waitForJobEnd(
      s,
      'CON',
      (await s.call<BuildStarted>('POST', `${P}/builds`, { token: s.adminToken, body: { targets: ['top'] } })).body
        .jobId,
    );
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect((await s.call<DataPage>('GET', `${P}/datasets/top/data`, { token: s.adminToken })).body.rows).toEqual([
      ['DA40', 4000],
      ['DA41', 4000],
    ]);

    await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'copy', storage: { type: 'database', connection: 'archive', table: { name: 'copy' } } },
    });
    const w = await s.call<ApiError>('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_copy', type: 'sql', inputs: ['obs'], output: 'copy', sql: 'SELECT * FROM obs' },
    });
    const message =
      w.status === 201
        ? (
            await waitForJobEnd(
              s,
              'CON',
              (await s.call<BuildStarted>('POST', `${P}/builds`, { token: s.adminToken, body: { targets: ['copy'] } }))
                .body.jobId,
            )
          ).activities?.[0]?.error
        : w.body.error.message;
    expect(message).toMatch(/connection archive \(sqlite\) cannot write a recipe's output/);
  });
});
