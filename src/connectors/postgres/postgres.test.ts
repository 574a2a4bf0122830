import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/embedded-postgres.js';
import { DuckDb } from '../../engine/duckdb.js';
import { parseSort } from '../../engine/table-query.js';
import { postgresConnection as t } from './postgres.js';

let server: RunningPostgres;
let duck: DuckDb;
const settings = () => ({ url: server.url });
// vitest types its asymmetric matchers as any; typed unknown it sits in an expected object safely.
const withoutPassword: unknown = expect.not.stringContaining('llano-test');

beforeAll(async () => {
  server = await startPostgres();
  duck = await DuckDb.open(':memory:', { threads: 2 });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(
    `CREATE TABLE obs (id integer, antenna text, value numeric(4,1)); INSERT INTO obs VALUES (1, 'DA41', 1.5), (2, 'DV02', NULL)`,
  );
  await client.end();
}, 60_000);
afterAll(async () => {
  await duck?.close();
  await server?.stop();
});

describe('postgres connection type', () => {
  it('tests the connection without showing the password', async () => {
    expect(await t.test(settings(), duck)).toMatch(
      /^PostgreSQL \d+\.\d+ at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/,
    );
    await expect(t.test({ url: server.url.replace(/:[^:@/]+@/, ':wrong@') }, duck)).rejects.toMatchObject({
      status: 400,
      message: withoutPassword,
    });
  });

  it('runs statements and answers the last one', async () => {
    const r = await t.runSql!(
      settings(),
      'CREATE TEMP TABLE x (n int); INSERT INTO x VALUES (1), (2); SELECT n FROM x ORDER BY n',
      { db: duck },
    );
    expect(r).toEqual({ command: 'SELECT', rowCount: 2, columns: ['n'], rows: [[1], [2]] });
    expect(await t.runSql!(settings(), 'UPDATE obs SET antenna = antenna WHERE id = 1', { db: duck })).toMatchObject({
      command: 'UPDATE',
      rowCount: 1,
    });
  });

  it('cancels a running statement on the server when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 300);
    await expect(t.runSql!(settings(), 'SELECT pg_sleep(20)', { db: duck, signal: abort.signal })).rejects.toThrow(
      /cancel/i,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('describes a table and reads it as a dataset, in PostgreSQL', async () => {
    expect(await t.describeTable!(settings(), { name: 'obs' }, duck)).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'antenna', type: 'text' },
      { name: 'value', type: 'numeric(4,1)' },
    ]);
    const source = t.tables!.source(settings(), { table: { name: 'obs' } });
    expect(source).toEqual({ kind: 'external', type: 'postgres', connection: settings(), table: { name: 'obs' } });
    expect((await t.tables!.reader.readRows(duck, source, { sort: parseSort('id') })).rows).toEqual([
      [1, 'DA41', 1.5],
      [2, 'DV02', null],
    ]);
    const metrics = await t.tables!.metrics!(duck, source, async (m) => [
      m.dialect,
      await m.one('SELECT count(*)::int, count(value)::int'),
      await m.userMetric('obs', 'SELECT max(id) FROM obs'),
    ]);
    expect(metrics).toEqual(['postgres', [2, 1], 2]);
  });
});
