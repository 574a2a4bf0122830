import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDb } from './duckdb.js';
import { SelectSession } from './select-session.js';
import { executeSelectToParquet } from './sql-exec.js';
import type { TableSource } from './table-source.js';

let db: DuckDb;
let root: string;
let scope: { roots: string[]; scratchDir: string };
let first: TableSource;
let second: TableSource;

beforeAll(async () => {
  db = await DuckDb.open(':memory:', { threads: 2 });
  root = await mkdtemp(join(tmpdir(), 'llano-session-'));
  await mkdir(join(root, 'in'));
  scope = { roots: [root], scratchDir: join(root, '.scratch') };
  const a = join(root, 'in', 'a.parquet');
  const b = join(root, 'in', 'b.parquet');
  await db.run(`COPY (SELECT 'd' || i AS day, i AS v, i * 2 AS a_x, i * 3 AS b_y FROM range(5) t(i)) TO '${a}'`);
  await db.run(`COPY (SELECT 'd' || i AS day, i * 10 AS v, 0 AS a_x, 0 AS b_y FROM range(5) t(i)) TO '${b}'`);
  first = { kind: 'parquet', paths: [a] };
  second = { kind: 'parquet', paths: [b] };
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});

const out = (name: string) => join(root, 'out', `${name}.parquet`);
const read = async (path: string) => (await db.query(`SELECT * FROM read_parquet('${path}') ORDER BY ALL`)).rows;

describe('SelectSession', () => {
  it('runs the partitions of one query with one check and writes what lone runs write', async () => {
    const prepare = vi.spyOn(DuckDBConnection.prototype, 'prepare');
    const session = new SelectSession(db, scope);
    const sql = (d: string) => `SELECT day, v + 1 AS v FROM seed WHERE day = '${d}'`;
    try {
      for (const d of ['d1', 'd2', 'd3']) {
        const got = await session.run({ inputs: { seed: first }, sql: sql(d), scope, outputPath: out(`s-${d}`) });
        const alone = await executeSelectToParquet(db, {
          inputs: { seed: first },
          sql: sql(d),
          scope,
          outputPath: out(`a-${d}`),
        });
        expect(got).toMatchObject({ rowCount: 1, columns: alone.columns });
        expect(await read(out(`s-${d}`))).toEqual(await read(out(`a-${d}`)));
      }
    } finally {
      await session.close();
    }
    // The session prepares its query once; lone runs describe theirs in the call that creates their views.
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('checks again when a literal can change the columns, and replaces a view whose source changed', async () => {
    const session = new SelectSession(db, scope);
    try {
      const columns = async (pattern: string, seed: TableSource) =>
        (
          await session.run({
            inputs: { seed },
            sql: `SELECT COLUMNS('${pattern}') FROM seed WHERE day = 'd2'`,
            scope,
            outputPath: out(`c-${pattern}`),
          })
        ).columns.map((c) => c.name);
      expect(await columns('a_.*', first)).toEqual(['a_x']);
      expect(await columns('b_.*', first)).toEqual(['b_y']);
      await session.run({ inputs: { seed: second }, sql: 'SELECT v FROM seed', scope, outputPath: out('second') });
      expect((await read(out('second'))).map((r) => Number(r[0]))).toEqual([0, 10, 20, 30, 40]);
    } finally {
      await session.close();
    }
  });

  it('refuses a text that leaves its literal like a lone run does, and goes on after a failure', async () => {
    const session = new SelectSession(db, scope);
    try {
      const run = (sql: string, name: string) =>
        session.run({ inputs: { seed: first }, sql, scope, outputPath: out(name) });
      await run("SELECT * FROM seed WHERE day = 'd1'", 'ok1');
      await expect(run("SELECT * FROM seed WHERE day = 'd1'; SELECT 42 --'", 'bad')).rejects.toThrow(
        /exactly one SELECT/,
      );
      await expect(run("SELECT * FROM seed WHERE day = 'd1' AND nope = 'x'", 'bad2')).rejects.toThrow(/nope/);
      expect((await run("SELECT * FROM seed WHERE day = 'd3'", 'ok2')).rowCount).toBe(1);
      await expect(
        run(`SELECT * FROM read_parquet('${join(tmpdir(), 'elsewhere.parquet')}')`, 'outside'),
      ).rejects.toThrow(/[Pp]ermission|not allowed|disabled/);
    } finally {
      await session.close();
    }
  });
});
