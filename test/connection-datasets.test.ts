import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSource } from '../src/datasets/datasets.js';
import { recipeStaleness } from '../src/flow/build.js';
import { storedRecipe } from '../src/flow/recipes-service.js';
import type { RecipeBase } from '../src/recipes/recipe-type.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { llano } from './support/cli.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const KEY = 'CD';
const P = `/api/projects/${KEY}`;

interface Shown {
  columns: { name: string; type: string }[] | null;
}
interface Page {
  columns: string[];
  rows: unknown[][];
}
interface Preview {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  sampled?: { inputs: string[]; rowsPerInput: number };
}

/**
 * Datasets read through a PostgreSQL or SQLite connection: their columns before any build, their
 * rows in recipe previews, PostgreSQL arrays in builds, and change tokens (per SQLite table; asked
 * of PostgreSQL only by who needs one). One server, one PostgreSQL, one SQLite file.
 */
describe('datasets read through a connection', () => {
  let s: TestServer;
  let db: RunningPostgres;
  let dir: string;
  let file: string;
  const call = <T = unknown>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, `${P}${url}`, { token: s.adminToken, body });
  const ok = async <T>(r: Promise<{ status: number; body: T }>, status = 200) => {
    const done = await r;
    expect(done.status, JSON.stringify(done.body)).toBe(status);
    return done.body;
  };
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const sqlite = (text: string) => {
    const d = new Database(file);
    d.exec(text);
    d.close();
  };
  const build = async (target: string) => {
    const started = await ok(call<{ jobId: string }>('POST', '/builds', { targets: [target] }), 202);
    const job = await waitForJobEnd(s, KEY, started.jobId);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
  };

  beforeAll(async () => {
    [s, db] = await Promise.all([startTestServer(), startPostgres()]);
    dir = mkdtempSync(path.join(tmpdir(), 'llano-conndata-'));
    file = path.join(dir, 'log.db');
    sqlite(`CREATE TABLE shifts (id INTEGER PRIMARY KEY, operator TEXT, hours REAL, note);
      INSERT INTO shifts VALUES (1, 'ana', 7.5, 'x'), (2, 'bo', 8, NULL);
      CREATE TABLE other (n INTEGER);`);
    await sql(`CREATE TABLE obs (id integer, tags text[], bands integer[], seen date[], grid integer[]);
      INSERT INTO obs VALUES (1, ARRAY['a', 'b,c', '{"q"}'], '{3,6}', '{2024-05-01}', '{{1,2},{3,4}}'), (2, '{}', NULL, NULL, '{5}');`);
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: KEY } });
    await ok(call('POST', '/connections', { name: 'ops', type: 'postgres', url: db.url }), 201);
    await ok(call('POST', '/connections', { name: 'log', type: 'sqlite', path: file }), 201);
    for (const [name, connection, table] of [
      ['obs', 'ops', 'obs'],
      ['shifts', 'log', 'shifts'],
      ['other', 'log', 'other'],
    ])
      await ok(
        call('POST', '/datasets', { name, storage: { type: 'database', connection, table: { name: table } } }),
        201,
      );
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the columns of a table never built, as the DuckDB types recipes see, in the API and the CLI', async () => {
    expect((await ok(call<Shown>('GET', '/datasets/obs'))).columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'tags', type: 'VARCHAR[]' },
      { name: 'bands', type: 'INTEGER[]' },
      { name: 'seen', type: 'DATE[]' },
      { name: 'grid', type: 'INTEGER[]' },
    ]);
    expect((await ok(call<Shown>('GET', '/datasets/shifts'))).columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'operator', type: 'VARCHAR' },
      { name: 'hours', type: 'DOUBLE' },
      // No declared type: the values say (text).
      { name: 'note', type: 'VARCHAR' },
    ]);
    const listed = await ok(call<(Shown & { name: string })[]>('GET', '/datasets'));
    expect(listed.find((d) => d.name === 'shifts')?.columns?.map((c) => c.name)).toEqual([
      'id',
      'operator',
      'hours',
      'note',
    ]);
    const cli = await llano(['--url', s.url, '--token', s.adminToken, '-p', KEY, 'dataset', 'show', 'obs']);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toMatch(/tags\s+VARCHAR\[\]/);
    // A column added in the database shows at once (its token changes).
    await sql('ALTER TABLE obs ADD COLUMN site text');
    expect((await ok(call<Shown>('GET', '/datasets/obs'))).columns?.at(-1)).toEqual({ name: 'site', type: 'VARCHAR' });
    await sql('ALTER TABLE obs DROP COLUMN site');
  });

  it('describes a recipe reading connection tables in a schema change, instead of refusing it as never built', async () => {
    const impact = await ok(
      call<{ columns: { name: string; type: string }[] }>('POST', '/schema-impact', {
        recipe: {
          name: 'shift_hours',
          type: 'sql',
          inputs: ['shifts', 'obs'],
          output: 'hours_out',
          sql: 'SELECT s.operator, s.hours * 60 AS minutes, o.tags FROM shifts s JOIN obs o USING (id)',
        },
      }),
    );
    expect(impact.columns).toEqual([
      { name: 'operator', type: 'VARCHAR' },
      { name: 'minutes', type: 'DOUBLE' },
      { name: 'tags', type: 'VARCHAR[]' },
    ]);
  });

  it('previews a recipe over PostgreSQL and SQLite inputs, reading a sample through the connection', async () => {
    const preview = await ok(
      call<Preview>('POST', '/recipes/preview', {
        inputs: ['obs', 'shifts'],
        sql: 'SELECT o.id, o.tags, len(o.tags) AS n, s.operator FROM obs o JOIN shifts s ON s.id = o.id ORDER BY o.id',
      }),
    );
    expect(preview.columns.map((c) => c.type)).toEqual(['INTEGER', 'VARCHAR[]', 'BIGINT', 'VARCHAR']);
    expect(preview.rows).toEqual([
      [1, ['a', 'b,c', '{"q"}'], 3, 'ana'],
      [2, [], 0, 'bo'],
    ]);
    expect(preview.sampled).toEqual({ inputs: ['obs', 'shifts'], rowsPerInput: 10_000 });
  });

  it('builds SQL and TypeScript recipes over PostgreSQL arrays as lists, a multi-dimensional one as JSON text', async () => {
    await ok(
      call('POST', '/recipes', {
        name: 'obs_sql',
        type: 'sql',
        inputs: ['obs'],
        output: 'obs_lists',
        sql: 'SELECT id, tags, tags[2] AS second, list_sum(bands) AS band_sum, seen[1] AS first_seen, grid FROM obs ORDER BY id',
      }),
      201,
    );
    await build('obs_lists');
    const page = await ok(call<Page>('GET', '/datasets/obs_lists/data'));
    expect(page.rows).toEqual([
      [1, ['a', 'b,c', '{"q"}'], 'b,c', 9, '2024-05-01', '[[1,2],[3,4]]'],
      [2, [], null, null, null, '[5]'],
    ]);
    expect((await ok(call<Shown>('GET', '/datasets/obs_lists'))).columns?.map((c) => c.type)).toEqual([
      'INTEGER',
      'VARCHAR[]',
      'VARCHAR',
      'DOUBLE',
      'DATE',
      'VARCHAR',
    ]);
    await ok(
      call('POST', '/recipes', {
        name: 'obs_ts',
        type: 'typescript',
        inputs: ['obs'],
        output: 'obs_counts',
        code: `export default async function run({ inputs, output }) {
  for await (const r of inputs.obs) await output.write({ id: r.id, is_list: Array.isArray(r.tags), n: r.tags.length, last: r.tags.at(-1) ?? null });
}
`,
      }),
      201,
    );
    await build('obs_counts');
    const counts = await ok(call<Page>('GET', '/datasets/obs_counts/data?sort=id'));
    expect(counts.rows).toEqual([
      [1, true, 3, '{"q"}'],
      [2, true, 0, null],
    ]);
  });

  it('keeps the readers of a SQLite table up to date through writes to another table of the file', async () => {
    await ok(
      call('POST', '/recipes', {
        name: 'shift_copy',
        type: 'sql',
        inputs: ['shifts'],
        output: 'shift_rows',
        sql: 'SELECT * FROM shifts',
      }),
      201,
    );
    await build('shift_rows');
    const recipe = (await s.ws.catalog.objects.get<RecipeBase>(KEY, 'recipe', 'shift_copy'))!.body;
    const staleness = () => recipeStaleness(s.ws, KEY, storedRecipe(recipe));
    expect(await staleness()).toBeNull();
    sqlite('INSERT INTO other VALUES (1)');
    expect(await staleness()).toBeNull();
    sqlite("UPDATE shifts SET operator = 'cy' WHERE id = 1");
    expect(await staleness()).not.toBeNull();
  });

  it('resolves a dataset of an unreachable PostgreSQL without asking it for a token; only who needs one asks', async () => {
    await ok(
      call('POST', '/connections', { name: 'gone', type: 'postgres', url: 'postgres://x:y@127.0.0.1:1/x' }),
      201,
    );
    await ok(
      call('POST', '/datasets', {
        name: 'far',
        storage: { type: 'database', connection: 'gone', table: { name: 't' } },
      }),
      201,
    );
    const resolved = await resolveSource(s.ws, KEY, 'far');
    expect(resolved.source).toMatchObject({ kind: 'external', type: 'postgres', table: { name: 't' } });
    await expect(resolved.versionToken()).rejects.toMatchObject({ status: 400 });
    // Its columns are unknown, not an error: the list of datasets still answers.
    expect(
      (await ok(call<(Shown & { name: string })[]>('GET', '/datasets'))).find((d) => d.name === 'far')?.columns,
    ).toBeNull();
  });
});
