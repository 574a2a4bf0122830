import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../test/support/embedded-postgres.js';
import { DuckDb } from './duckdb.js';
import { closePostgresPools, materializeToParquet } from './postgres.js';
import { withPostgresClient } from './postgres-connection.js';
import { executeSelectInPostgres } from './postgres-pushdown.js';
import { describableInOneCall, describeSelect, executeSelectToParquet, trimSql } from './sql-exec.js';
import type { TableSource } from './table-source.js';

let db: DuckDb;
let dir: string;
let inputs: Record<string, TableSource>;
let secret: string;
// vitest types its asymmetric matchers as any; typed unknown they sit in an expected object safely.
const matching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

beforeAll(async () => {
  db = await DuckDb.open(':memory:', { threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'llano-sql-'));
  await mkdir(join(dir, 'data'));
  const observations = join(dir, 'data', 'observations.parquet');
  await db.run(
    `COPY (SELECT i AS id, 'DA' || (i % 3) AS antenna, i * 1.5 AS amplitude FROM range(10) t(i)) TO '${observations}' (FORMAT parquet)`,
  );
  const antennas = join(dir, 'data', 'antennas.csv');
  await writeFile(antennas, 'antenna,pad\nDA0,A001\nDA1,A002\nDA2,A003\n');
  secret = join(dir, 'data', 'secret.parquet');
  await db.run(`COPY (SELECT 'top secret' AS s) TO '${secret}' (FORMAT parquet)`);
  inputs = {
    observations: { kind: 'parquet', paths: [observations] },
    antennas: { kind: 'file', path: antennas, format: 'csv' },
  };
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const JOIN_SQL = `
  SELECT a.pad, count(*) AS n, sum(o.amplitude) AS total -- comment at the end
  FROM observations o JOIN antennas a USING (antenna)
  GROUP BY a.pad ORDER BY a.pad; -- trailing`;

describe('trimSql', () => {
  it('drops one final semicolon and trailing comments, not semicolons inside strings or comments', () => {
    expect(trimSql('SELECT 1; -- done')).toBe('SELECT 1');
    expect(trimSql("SELECT ';' AS s;")).toBe("SELECT ';' AS s");
    expect(trimSql("SELECT '--;' AS s -- c;")).toBe("SELECT '--;' AS s -- c;");
    expect(trimSql('SELECT 1 /* ; */')).toBe('SELECT 1 /* ; */');
    expect(trimSql('SELECT 1; SELECT 2')).toBe('SELECT 1; SELECT 2');
    expect(() => trimSql(' ; ')).toThrow(/empty/);
  });
});

describe('SQL recipes in DuckDB', () => {
  it('describes a SELECT over two inputs without running it', async () => {
    const { columns } = await describeSelect(db, { inputs, sql: JOIN_SQL });
    expect(columns).toEqual([
      { name: 'pad', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'total', type: 'DECIMAL(38,1)' },
    ]);
  });

  it('runs a SELECT over two inputs into a Parquet file', async () => {
    const outputPath = join(dir, 'out', 'by_pad.parquet');
    const phases: string[] = [];
    const result = await executeSelectToParquet(db, {
      inputs,
      sql: JOIN_SQL,
      outputPath,
      onProgress: (p) => phases.push(p.phase),
    });
    expect(result.rowCount).toBe(3);
    expect(result.columns.map((c) => c.name)).toEqual(['pad', 'n', 'total']);
    expect(result.contentHash).toBe(
      createHash('sha256')
        .update(await readFile(outputPath))
        .digest('hex'),
    );
    const rows = await db.query(`SELECT pad, n, total::DOUBLE FROM read_parquet('${outputPath}') ORDER BY pad`);
    // ids 0,3,6,9 → DA0; 1,4,7 → DA1; 2,5,8 → DA2
    expect(rows.rows).toEqual([
      ['A001', 4, 27],
      ['A002', 3, 18],
      ['A003', 3, 22.5],
    ]);
    expect(await readdir(join(dir, 'out'))).toEqual(['by_pad.parquet']);
    expect(phases[0]).toBe('start');
    expect(phases.at(-1)).toBe('done');
  });

  it.each([
    ['CREATE TABLE t AS SELECT 1', /SELECT/],
    ["COPY (SELECT 1) TO '/tmp/llano-should-not-exist.csv'", /SELECT|Permission/],
    ["ATTACH '/tmp/llano-should-not-exist.db'", /SELECT|Permission/],
    ['INSERT INTO observations VALUES (1)', /SELECT|Error/],
    ['PRAGMA version', /cannot start with PRAGMA/],
    ['SHOW TABLES', /cannot start with SHOW/],
    ['/* hi */ DESCRIBE observations', /cannot start with DESCRIBE/],
    ['SET threads = 1', /SELECT/],
    ['EXPLAIN SELECT 1', /SELECT/],
    ['SELECT 1; SELECT 2', /exactly one SELECT statement; this text has 2/],
    ['SELECT 1; DROP VIEW observations', /exactly one/],
    ['', /empty/],
  ])('rejects %j with a 400', async (sql, message) => {
    await expect(describeSelect(db, { inputs, sql })).rejects.toMatchObject({
      status: 400,
      message: matching(message),
    });
    await expect(
      executeSelectToParquet(db, { inputs, sql, outputPath: join(dir, 'rejected', 'x.parquet') }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('reports syntax and binding errors with DuckDB message', async () => {
    await expect(describeSelect(db, { inputs, sql: 'SELEC 1' })).rejects.toMatchObject({
      status: 400,
      message: matching(/syntax error/),
    });
    await expect(describeSelect(db, { inputs, sql: 'SELECT nope FROM observations' })).rejects.toMatchObject({
      status: 400,
      message: matching(/Referenced column "nope" not found/),
    });
    await expect(describeSelect(db, { inputs, sql: 'SELECT * FROM missing_dataset' })).rejects.toMatchObject({
      status: 400,
      message: matching(/missing_dataset/),
    });
  });

  it.each([
    [`SELECT * FROM read_parquet('SECRET')`],
    [`SELECT * FROM 'SECRET'`],
    [`SELECT * FROM read_csv('/etc/passwd')`],
    [`SELECT * FROM read_text('/etc/passwd')`],
    [`SELECT * FROM glob('/etc/*')`],
    [`SELECT * FROM query('SELECT * FROM read_text(''/etc/hostname'')')`],
    [`SELECT * FROM observations WHERE id IN (SELECT 1 FROM read_parquet('SECRET'))`],
    [`WITH s AS (SELECT * FROM sniff_csv('/etc/passwd')) SELECT * FROM s`],
  ])('refuses to read files from SQL: %s', async (template) => {
    const sql = template.replace(/SECRET/g, secret);
    const outDir = join(dir, 'files-out');
    // Describing binds without reading: some table functions only touch their file when run.
    const described = await describeSelect(db, { inputs, sql }).catch((e: Error) => e);
    if (described instanceof Error)
      expect(described).toMatchObject({ status: 400, message: matching(/Permission Error/) });
    const runError = await executeSelectToParquet(db, { inputs, sql, outputPath: join(outDir, 'x.parquet') }).catch(
      (e: Error) => e,
    );
    expect(runError).toMatchObject({
      status: 400,
      message: matching(/Permission Error: Cannot access file/),
    });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('describes a plain query in the call that creates its views, and prepares any other text', () => {
    expect(describableInOneCall('SELECT 1')).toBe(true);
    expect(describableInOneCall('-- note\n/* c */ WITH a AS (SELECT 1) FROM a')).toBe(true);
    expect(describableInOneCall("SELECT ';' AS s")).toBe(false);
    expect(describableInOneCall('SELECT * FROM (PIVOT t ON b USING sum(a))')).toBe(false);
    expect(describableInOneCall('PRAGMA version')).toBe(false);
    expect(describableInOneCall('DESCRIBE observations')).toBe(false);
  });

  it.each([
    ['SELECT $1 AS x', /cannot have parameters/],
    ['SELECT * FROM (PIVOT observations ON antenna USING count(*))', /exactly one SELECT/],
    ['WITH a AS (SELECT 1) DELETE FROM observations', /delete/i],
  ])('refuses %j on either path, with the prepared statement’s message', async (sql, message) => {
    const outputPath = join(dir, 'refused', 'x.parquet');
    await expect(executeSelectToParquet(db, { inputs, sql, outputPath })).rejects.toMatchObject({
      message: matching(message),
    });
    const scope = { roots: [dir], scratchDir: join(dir, '.scratch') };
    await expect(executeSelectToParquet(db, { inputs, sql, outputPath, scope })).rejects.toMatchObject({
      message: matching(message),
    });
  });

  it('types the output alike whether the query was described or prepared', async () => {
    const select = `SELECT id, antenna, amplitude, '{}'::JSON AS j, {'a': id} AS s, 'x' AS "semi;colon" FROM observations`;
    const scope = { roots: [dir], scratchDir: join(dir, '.scratch') };
    const run = (sql: string, out: string) =>
      executeSelectToParquet(db, { inputs, sql, scope, outputPath: join(dir, 'typed', out) });
    // The quoted name holds a `;`: that text is prepared; the same columns without it are described.
    const prepared = await run(select, 'a.parquet');
    const described = await run(select.replace('semi;colon', 'semicolon'), 'b.parquet');
    expect(described.columns).toEqual(
      prepared.columns.map((c) => (c.name === 'semi;colon' ? { ...c, name: 'semicolon' } : c)),
    );
    expect(described.columns.find((c) => c.name === 'j')?.type).toBe('JSON');
  });

  it('still reads every input file when several paths make one dataset', async () => {
    const second = join(dir, 'data', 'observations-2.parquet');
    await db.run(`COPY (SELECT 100 AS id, 'DA0' AS antenna, 1.0 AS amplitude) TO '${second}' (FORMAT parquet)`);
    const both = {
      ...inputs,
      observations: {
        kind: 'parquet' as const,
        paths: [(inputs.observations as { paths: string[] }).paths[0], second],
      },
    };
    const result = await executeSelectToParquet(db, {
      inputs: both,
      sql: 'SELECT max(id) AS m FROM observations',
      outputPath: join(dir, 'out2', 'm.parquet'),
    });
    expect(result.rowCount).toBe(1);
    expect((await db.query(`SELECT m FROM read_parquet('${join(dir, 'out2', 'm.parquet')}')`)).rows).toEqual([[100]]);
  });

  it('runs of one scope share connections, never the views of the run before', async () => {
    const scope = { roots: [dir], scratchDir: join(dir, '.scratch') };
    const run = (only: string, sql: string, out: string) =>
      executeSelectToParquet(db, { inputs: { [only]: inputs[only] }, sql, scope, outputPath: join(dir, 'out3', out) });
    expect((await run('observations', 'SELECT count(*) AS n FROM observations', 'a.parquet')).rowCount).toBe(1);
    // The next run on that connection drops `observations` in the call that creates `antennas`.
    await expect(run('antennas', 'SELECT * FROM observations', 'b.parquet')).rejects.toThrow(/observations/);
    await expect(describeSelect(db, { inputs: {}, sql: 'SELECT * FROM antennas', scope })).rejects.toThrow(/antennas/);
    expect((await run('antennas', 'SELECT count(*) AS n FROM antennas', 'c.parquet')).rowCount).toBe(1);
    expect((await run('observations', 'SELECT count(*) AS n FROM observations', 'd.parquet')).rowCount).toBe(1);
  });
});

describe('SQL recipes with PostgreSQL', () => {
  let server: RunningPostgres;
  let client: pg.Client;
  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(`
      CREATE SCHEMA ops;
      CREATE TABLE ops.observations AS SELECT g AS id, 'DA' || (g % 3) AS antenna, g * 1.5 AS amplitude FROM generate_series(0, 9) g;
      CREATE TABLE ops.antennas (antenna text, pad text);
      INSERT INTO ops.antennas VALUES ('DA0', 'A001'), ('DA1', 'A002'), ('DA2', 'A003');`);
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await closePostgresPools(db);
    await server?.stop();
  });

  const pgInputs = () => ({
    observations: { schema: 'ops', name: 'observations' },
    antennas: { schema: 'ops', name: 'antennas' },
  });
  const byPad = 'SELECT a.pad, count(*) AS n FROM observations o JOIN antennas a USING (antenna) GROUP BY a.pad';

  it('joins a PostgreSQL input, copied to Parquet as recipes do, with a Parquet input in DuckDB', async () => {
    const copy = join(dir, 'antennas-copy.parquet');
    await materializeToParquet(
      db,
      {
        kind: 'external',
        type: 'postgres',
        connection: { url: server.url },
        table: { schema: 'ops', name: 'antennas' },
      },
      copy,
    );
    const mixed: Record<string, TableSource> = {
      observations: inputs.observations,
      antennas: { kind: 'parquet', paths: [copy] },
    };
    const described = await describeSelect(db, { inputs: mixed, sql: byPad });
    expect(described.columns).toEqual([
      { name: 'pad', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
    const outputPath = join(dir, 'mixed', 'out.parquet');
    const result = await executeSelectToParquet(db, { inputs: mixed, sql: byPad + ' ORDER BY 1', outputPath });
    expect(result.rowCount).toBe(3);
    expect((await db.query(`SELECT * FROM read_parquet('${outputPath}')`)).rows).toEqual([
      ['A001', 4],
      ['A002', 3],
      ['A003', 3],
    ]);
    expect(await readdir(join(dir, 'mixed'))).toEqual(['out.parquet']);
  });

  it('pushes a recipe down into PostgreSQL and swaps the output table atomically', async () => {
    const output = { schema: 'ops', name: 'by_pad' };
    const first = await executeSelectInPostgres(db, { url: server.url }, { inputs: pgInputs(), sql: byPad, output });
    expect(first.rowCount).toBe(3);
    expect(first.columns).toEqual([
      { name: 'pad', type: 'text' },
      { name: 'n', type: 'bigint' },
    ]);
    const second = await executeSelectInPostgres(
      db,
      { url: server.url },
      { inputs: pgInputs(), sql: `${byPad} HAVING count(*) > 3;`, output },
    );
    expect(second.rowCount).toBe(1);
    expect((await client.query('SELECT pad, n::int FROM ops.by_pad')).rows).toEqual([{ pad: 'A001', n: 4 }]);
    const leftovers = await client.query(`SELECT relname FROM pg_class WHERE relname LIKE 'llano_%'`);
    expect(leftovers.rows).toEqual([]);
  });

  it('leaves the old output table intact when the query fails', async () => {
    const output = { schema: 'ops', name: 'kept' };
    await executeSelectInPostgres(
      db,
      { url: server.url },
      { inputs: pgInputs(), sql: 'SELECT id FROM observations', output },
    );
    await expect(
      executeSelectInPostgres(
        db,
        { url: server.url },
        { inputs: pgInputs(), sql: 'SELECT id / (id - id) AS boom FROM observations', output },
      ),
    ).rejects.toMatchObject({ status: 400, message: matching(/division by zero/) });
    await expect(
      executeSelectInPostgres(
        db,
        { url: server.url },
        { inputs: pgInputs(), sql: 'SELECT nope FROM observations', output },
      ),
    ).rejects.toMatchObject({
      status: 400,
      message: matching(/column "nope" does not exist/),
    });
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.kept')).rows[0].n).toBe(10);
  });

  it('refuses a second statement smuggled into the SQL', async () => {
    const output = { schema: 'ops', name: 'smuggled' };
    await expect(
      executeSelectInPostgres(
        db,
        { url: server.url },
        { inputs: pgInputs(), sql: 'SELECT 1 AS x); DROP TABLE ops.antennas; --', output },
      ),
    ).rejects.toMatchObject({ status: 400 });
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.antennas')).rows[0].n).toBe(3);
  });

  it('refuses data-modifying CTEs, which CREATE TABLE AS would otherwise run', async () => {
    const output = { schema: 'ops', name: 'modifying' };
    await expect(
      executeSelectInPostgres(
        db,
        { url: server.url },
        { inputs: pgInputs(), sql: 'WITH d AS (DELETE FROM ops.antennas RETURNING *) SELECT * FROM d', output },
      ),
    ).rejects.toMatchObject({ status: 400, message: matching(/only reads its inputs/) });
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.antennas')).rows[0].n).toBe(3);
    expect((await client.query<{ t: string | null }>(`SELECT to_regclass('ops.modifying') AS t`)).rows[0].t).toBeNull();
  });

  it('runs the query read-only: a function that writes is refused, and what it sets for the session is undone', async () => {
    const output = { schema: 'ops', name: 'writes' };
    await client.query('CREATE SEQUENCE ops.ticket');
    for (const sql of [
      "SELECT id, nextval('ops.ticket') AS n FROM observations",
      "SELECT lo_import('/etc/hostname') AS oid",
      "SELECT setval('ops.ticket', 100) AS n",
    ])
      await expect(
        executeSelectInPostgres(db, { url: server.url }, { inputs: pgInputs(), sql, output }),
      ).rejects.toMatchObject({
        status: 400,
        message: matching(/^A SQL recipe only reads its inputs: .*read-only transaction/),
      });
    expect((await client.query('SELECT last_value::int AS n, is_called FROM ops.ticket')).rows).toEqual([
      { n: 1, is_called: false },
    ]);
    expect((await client.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows).toEqual([{ n: 0 }]);
    expect((await client.query(`SELECT to_regclass('ops.writes') AS t`)).rows).toEqual([{ t: null }]);

    // A setting is no write: it runs, but the pooled session it ran on does not keep it.
    const leak = "SELECT set_config('llano.leak', 'yes', false) AS was, pg_try_advisory_lock(4343) AS locked";
    expect(
      (await executeSelectInPostgres(db, { url: server.url }, { inputs: pgInputs(), sql: leak, output })).rowCount,
    ).toBe(1);
    const after = await withPostgresClient(db, { url: server.url }, (c) =>
      c.query<{ leak: string | null }>("SELECT current_setting('llano.leak', true) AS leak"),
    );
    expect(after.rows[0].leak ?? '').toBe('');
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows).toEqual([
      { n: 0 },
    ]);
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'llano_%'`)).rows).toEqual([
      { n: 0 },
    ]);
  });

  it('lets readers see the old output table while a new one is being built', async () => {
    const output = { schema: 'ops', name: 'slow' };
    await executeSelectInPostgres(db, { url: server.url }, { inputs: pgInputs(), sql: 'SELECT 1 AS version', output });
    // The new build waits on a lock this test holds, so it is still being built when readers look,
    // however slow the machine (a sleep in the SQL against a timer in the test would race).
    await client.query('SELECT pg_advisory_lock(4242)');
    const running = executeSelectInPostgres(
      db,
      { url: server.url },
      { inputs: pgInputs(), sql: 'SELECT 2 AS version FROM (SELECT pg_advisory_xact_lock(4242)) AS held', output },
    );
    await vi.waitFor(
      async () =>
        expect(
          (
            await client.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            )
          ).rows[0].n,
        ).toBe(1),
      { timeout: 30_000, interval: 20 },
    );
    expect((await client.query('SELECT version FROM ops.slow')).rows).toEqual([{ version: 1 }]);
    await client.query('SELECT pg_advisory_unlock(4242)');
    await running;
    expect((await client.query('SELECT version FROM ops.slow')).rows).toEqual([{ version: 2 }]);
  });
});
