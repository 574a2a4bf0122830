import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../test/support/api-types.js';
import { startTestServer, type TestServer } from '../../test/support/llano-server.js';
import { sqlErrorPosition, type PreviewResult, type SqlPosition } from './preview.js';

/** An engine error answers with where the error is in the SQL. */
type PreviewError = ApiError & { error: { details: { position: SqlPosition } } };

describe('sqlErrorPosition', () => {
  it('finds the caret of a DuckDB excerpt in the SQL', () => {
    const sql = 'SELECT a,\n  nope\nFROM t';
    const message = 'Binder Error: Referenced column "nope" not found in FROM clause!\n\nLINE 2:   nope\n          ^';
    expect(sqlErrorPosition(message, sql)).toEqual({ line: 2, column: 3 });
  });

  it('handles excerpts cut with an ellipsis', () => {
    const sql = `SELECT ${'x, '.repeat(40)}missing FROM t`;
    const at = sql.indexOf('missing');
    const excerpt = '...' + sql.slice(at - 20, at + 20) + '...';
    const message = `Binder Error: nope\n\nLINE 1: ${excerpt}\n${' '.repeat('LINE 1: '.length + 3 + 20)}^`;
    expect(sqlErrorPosition(message, sql)).toEqual({ line: 1, column: at + 1 });
  });

  it('returns null without a position', () => {
    expect(sqlErrorPosition('Catalog Error: Table x does not exist', 'SELECT 1')).toBeNull();
  });
});

describe('POST /api/projects/{key}/recipes/preview', () => {
  let server: TestServer;
  const url = '/api/projects/PREVIEW/recipes/preview';
  beforeAll(async () => {
    server = await startTestServer();
    await server.call('POST', '/api/projects', { token: server.adminToken, body: { key: 'PREVIEW' } });
    const csv =
      'antenna,trec\n' + Array.from({ length: 50 }, (_, i) => `DA${40 + (i % 5)},${20 + i}`).join('\n') + '\n';
    const up = await server.upload('/api/projects/PREVIEW/datasets/temps/upload', csv, 'temps.csv');
    expect(up.status).toBe(201);
  });
  afterAll(() => server?.stop());

  it('returns the first rows and the columns', async () => {
    const r = await server.call<PreviewResult>('POST', url, {
      token: server.adminToken,
      body: {
        inputs: ['temps'],
        sql: 'SELECT antenna, avg(trec) AS mean FROM temps GROUP BY antenna ORDER BY antenna;',
        limit: 3,
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.columns.map((c) => c.name)).toEqual(['antenna', 'mean']);
    expect(r.body.rows).toEqual([
      ['DA40', 42.5],
      ['DA41', 43.5],
      ['DA42', 44.5],
    ]);
    expect(r.body.truncated).toBe(true);
  });

  it('gives the position of an engine error', async () => {
    const r = await server.call<PreviewError>('POST', url, {
      token: server.adminToken,
      body: { inputs: ['temps'], sql: 'SELECT antenna,\n       trec_k\nFROM temps' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/trec_k/);
    expect(r.body.error.message).not.toMatch(/LINE/);
    expect(r.body.error.details.position).toEqual({ line: 2, column: 8 });
  });

  it('refuses anything but one SELECT, and files outside the inputs', async () => {
    const two = await server.call('POST', url, {
      token: server.adminToken,
      body: { inputs: ['temps'], sql: 'SELECT 1; SELECT 2' },
    });
    expect(two.status).toBe(400);
    const file = await server.call('POST', url, {
      token: server.adminToken,
      body: { inputs: ['temps'], sql: "SELECT * FROM read_csv('/etc/passwd')" },
    });
    expect(file.status).toBe(400);
  });

  it('hides the project from users who are not members', async () => {
    await server.call('POST', '/api/users', {
      token: server.adminToken,
      body: { username: 'outsider', password: 'outsider-password' },
    });
    const token = await server.login('outsider', 'outsider-password');
    const r = await server.call('POST', url, { token, body: { inputs: ['temps'], sql: 'SELECT * FROM temps' } });
    expect(r.status).toBe(404);
  });
});
