import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecipeWith, type CodeColumn } from './ts-recipe-entry.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-unchanged-'));
let db: DuckDBInstance;
let conn: DuckDBConnection;
const input = path.join(dir, 'in.parquet');
const columns: CodeColumn[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'band', type: 'VARCHAR' },
  { name: 'trec', type: 'DOUBLE' },
  { name: 'uniq', type: 'VARCHAR' },
];

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  // Three row groups of 20,480 rows (the batches). The first holds an id beyond 2^53 (the reader
  // rounds it), the second a NaN and an Infinity (written as NULL); zeros, NULLs,
  // dictionary text and text of many distinct values (PLAIN pages) everywhere.
  await conn.run(`COPY (SELECT i::BIGINT + CASE WHEN i = 3 THEN 1152921504606846976 ELSE 0 END AS id,
      CASE WHEN i % 10 = 0 THEN NULL ELSE 'B' || (i % 5) END AS band,
      CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN 0.0
        WHEN i = 25001 THEN 'NaN'::DOUBLE WHEN i = 25002 THEN 'Infinity'::DOUBLE ELSE (i % 50) / 4 END::DOUBLE AS trec,
      'u' || i AS uniq
    FROM range(61440) t(i)) TO '${input}' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 20480)`);
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

type Batch = { numRows: number; columns: Record<string, unknown[]> };
type Code = (context: {
  inputs: Record<string, { batches(): AsyncIterable<Batch> }>;
  output: { writeBatch(b: unknown): Promise<void> };
}) => Promise<void>;

/** Runs `code` over the input; answers the output file. */
async function run(name: string, code: Code): Promise<string> {
  const out = path.join(dir, name);
  const result = await runRecipeWith(code, {
    inputs: { raw: { path: input, columns, format: 'parquet' } },
    output: { path: out, columns },
    variables: {},
    batchRows: 20_480,
  });
  expect(result.format).toBe('parquet');
  return out;
}

/** Rows of a file, doubles as their text (-0.0 apart from 0.0), in order. */
async function rows(file: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(
    `SELECT id::VARCHAR, band, trec::VARCHAR, uniq FROM read_parquet('${file}') ORDER BY id`,
  );
  return reader.getRowsJson();
}

/** The value encodings of each row group's chunk of `column`. */
async function encodings(file: string, column: string): Promise<string[]> {
  const reader = await conn.runAndReadAll(
    `SELECT encodings FROM parquet_metadata('${file}') WHERE path_in_schema = '${column}' ORDER BY row_group_id`,
  );
  return reader.getRowsJson().map((r) => r[0] as string);
}

describe("the TypeScript harness's copy of unchanged column chunks", () => {
  it('writes the values that encoding them again writes, copying the pages it may', async () => {
    const copied = await run('copied', async ({ inputs, output }) => {
      for await (const batch of inputs.raw.batches()) await output.writeBatch(batch);
    });
    // Copies of the arrays are not the arrays read: every column is encoded as before.
    const encoded = await run('encoded', async ({ inputs, output }) => {
      for await (const batch of inputs.raw.batches())
        await output.writeBatch(Object.fromEntries(Object.entries(batch.columns).map(([k, v]) => [k, v.slice()])));
    });
    const expected = await rows(encoded);
    expect(expected).toHaveLength(61_440);
    expect(await rows(copied)).toEqual(expected);
    // NaN and Infinity were NULL, the id beyond 2^53 is the rounded Number.
    expect(expected.filter((r) => r[0] === '25001' || r[0] === '25002').map((r) => r[2])).toEqual([null, null]);
    expect(expected.find((r) => r[0] === '1152921504606846979')).toBeUndefined();
    // The input's pages (DuckDB lists their encodings its own way) where the values allowed it, the writer's elsewhere.
    const listed = async (column: string) =>
      Promise.all([input, copied, encoded].map((file) => encodings(file, column)));
    const [bandIn, band, bandEncoded] = await listed('band');
    expect(band).toEqual(bandIn);
    expect(bandEncoded).not.toEqual(bandIn);
    const [trecIn, trec, trecEncoded] = await listed('trec');
    expect(trec).toEqual([trecIn[0], trecEncoded[1], trecIn[2]]);
    const [idIn, id, idEncoded] = await listed('id');
    expect(id).toEqual([idEncoded[0], idIn[1], idIn[2]]);
    expect(idIn[1]).not.toEqual(idEncoded[1]);
    const [, uniq, uniqEncoded] = await listed('uniq');
    expect(uniq).toEqual(uniqEncoded);
  });

  it('writes the values the code changed in place, not the pages read', async () => {
    const change = (columns: Record<string, unknown[]>) => {
      columns.band[4] = 'changed';
      columns.band[6] = null;
      // Row 1 held 0.0: -0.0 is a different value, however equal.
      columns.trec[1] = -0;
      columns.id[5] = (columns.id[5] as number) + 1_000_000;
      columns.uniq[7] = 'changed';
    };
    const inPlace = await run('in-place', async ({ inputs, output }) => {
      for await (const batch of inputs.raw.batches()) {
        change(batch.columns);
        await output.writeBatch(batch);
      }
    });
    const onCopies = await run('on-copies', async ({ inputs, output }) => {
      for await (const batch of inputs.raw.batches()) {
        const columns = Object.fromEntries(Object.entries(batch.columns).map(([k, v]) => [k, v.slice()]));
        change(columns);
        await output.writeBatch(columns);
      }
    });
    const expected = await rows(onCopies);
    expect(await rows(inPlace)).toEqual(expected);
    expect(expected.filter((r) => r[1] === 'changed')).toHaveLength(3);
    expect(expected.find((r) => r[0] === '20481')?.[2]).toBe('-0.0');
  });
});
