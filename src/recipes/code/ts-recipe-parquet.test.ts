import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvColumnBatches, fieldKind } from './ts-recipe-csv.js';
import { runRecipeWith, type CodeColumn, type HarnessResult } from './ts-recipe-entry.js';
import { parquetInputCopy } from './parquet-transfer.js';
import { parquetRowGroups, ParquetWriter } from './ts-recipe-parquet.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-parquet-'));
let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

// Every type the Parquet path carries, NULLs, text that CSV quotes, numbers beyond 2^53, and
// more distinct strings than the writer's dictionary holds (a PLAIN page).
const FIXTURE = `SELECT i::BIGINT AS id,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN '\\N' WHEN i % 9 = 2 THEN '' WHEN i % 9 = 3 THEN 'é "q", ' || chr(10) || 'x' ELSE 'B' || (i % 5) END AS band,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i / 3.0 END::DOUBLE AS trec,
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS hot,
  (i % 200 - 100)::TINYINT AS tiny, (i * 7 % 60000 - 30000)::SMALLINT AS small, (-i * 1000)::INTEGER AS int,
  CASE WHEN i = 5 THEN 1152921504606846977 ELSE i * 1000003 END::BIGINT AS big,
  'u' || i AS unique_text,
  DATE '2024-01-01' + (i % 400)::INTEGER AS day,
  CASE WHEN i % 11 = 0 THEN NULL ELSE TIMESTAMP '2024-03-01 10:00:00.25' + i * INTERVAL 37 SECOND END AS at
FROM range(70000) t(i)`;

async function columnsOf(relation: string): Promise<CodeColumn[]> {
  const rows = (await conn.runAndReadAll(`DESCRIBE ${relation}`)).getRowObjectsJson();
  return rows.map((r) => ({ name: r.column_name as string, type: r.column_type as string }));
}

const copyCode = async ({
  inputs,
  output,
}: {
  inputs: Record<string, { batches(): AsyncIterable<unknown> }>;
  output: { writeBatch(b: unknown): Promise<void> };
}) => {
  for await (const batch of inputs.raw.batches()) await output.writeBatch(batch);
};

describe('the Parquet handover of the TypeScript harness', () => {
  it('gives the code the values the CSV path gave (dates and timestamps as their text)', async () => {
    const columns = await columnsOf(`(${FIXTURE})`);
    const parquet = path.join(dir, 'in.parquet');
    const csv = path.join(dir, 'in.csv');
    const copy = parquetInputCopy(`(${FIXTURE})`, columns, '', parquet, { unsigned: false });
    expect(copy).not.toBeNull();
    await conn.run(copy!);
    await conn.run(`COPY (${FIXTURE}) TO '${csv}' (FORMAT csv, HEADER, NULLSTR '\\N')`);
    const kinds = columns.map((c) => fieldKind(c.type));
    const fromParquet = columns.map(() => [] as unknown[]);
    for (const [, arrays] of parquetRowGroups(parquet, kinds)) arrays.forEach((a, j) => fromParquet[j].push(...a));
    const fromCsv = columns.map(() => [] as unknown[]);
    for await (const [, arrays] of csvColumnBatches(csv, kinds, 65_536))
      arrays.forEach((a, j) => fromCsv[j].push(...a));
    columns.forEach((c, j) => expect(fromParquet[j], c.name).toEqual(fromCsv[j]));
    expect(fromParquet[0].length).toBe(70_000);
  });

  it('writes Parquet DuckDB reads back exactly, through batches and rows', async () => {
    const parquet = path.join(dir, 'in2.parquet');
    await conn.run(`COPY (${FIXTURE}) TO '${parquet}' (FORMAT parquet, COMPRESSION uncompressed)`);
    // Types the writer carries: every column but the date and timestamp (those go back as text).
    const columns = (await columnsOf(`'${parquet}'`)).filter((c) => !['day', 'at'].includes(c.name));
    const select = columns.map((c) => `"${c.name}"`).join(', ');
    await conn.run(
      `COPY (SELECT ${select} FROM '${parquet}') TO '${parquet}.flat' (FORMAT parquet, COMPRESSION uncompressed)`,
    );
    const rowCopy = async ({
      inputs,
      output,
    }: {
      inputs: Record<string, AsyncIterable<Record<string, unknown>>>;
      output: { write(r: unknown): Promise<void> };
    }) => {
      for await (const row of inputs.raw) await output.write(row);
    };
    for (const [label, code] of [
      ['batches', copyCode],
      ['rows', rowCopy],
    ] as const) {
      const out = path.join(dir, `out-${label}`);
      const result: HarnessResult = await runRecipeWith(code, {
        inputs: { raw: { path: `${parquet}.flat`, columns, format: 'parquet' } },
        output: { path: out, columns: null },
        variables: {},
        batchRows: 65_536,
      });
      expect(result.format, label).toBe('parquet');
      expect(result.columns, label).toEqual(columns);
      // One part file per row group, in order, none left half written.
      const parts = (result.files ?? []).map((f) => f.path);
      expect(parts.length, label).toBeGreaterThan(1);
      expect(parts, label).toEqual(parts.map((_, k) => `${out}.part${k}`));
      expect(
        readdirSync(dir).filter((f) => f.endsWith('.partial')),
        label,
      ).toEqual([]);
      const list = `[${parts.map((p) => `'${p}'`).join(', ')}]`;
      // The big BIGINT (beyond 2^53) reaches the code as a Number, as with CSV: compare the others exactly.
      const diff = await conn.runAndReadAll(
        `SELECT count(*) FROM (SELECT * EXCLUDE (big) FROM read_parquet(${list}) EXCEPT ALL SELECT * EXCLUDE (big) FROM read_parquet('${parquet}.flat'))`,
      );
      expect(diff.getRowsJson(), label).toEqual([['0']]);
      const count = await conn.runAndReadAll(`SELECT count(*), count(band), count(hot) FROM read_parquet(${list})`);
      expect(count.getRowsJson(), label).toEqual([['70000', '62222', '52500']]);
    }
  });

  it('turns the output into CSV, rows in order, when a value does not fit its Parquet column', async () => {
    const out = path.join(dir, 'out-mixed');
    const result = await runRecipeWith(
      async ({ output }: { output: { writeBatch(b: unknown): Promise<void>; write(r: unknown): Promise<void> } }) => {
        await output.writeBatch({
          // 2^60 is exact in a double: Parquet keeps it (the CSV text of the Number says …847000).
          n: Array.from({ length: 20_000 }, (_, i) => (i === 0 ? 2 ** 60 : i)),
          s: Array.from({ length: 20_000 }, () => '\\N'),
        });
        await output.write({ n: '12', s: null });
        await output.write({ n: -1, s: 'x' });
      },
      {
        inputs: {},
        output: {
          path: out,
          columns: [
            { name: 'n', type: 'BIGINT' },
            { name: 's', type: 'VARCHAR' },
          ],
        },
        variables: {},
        batchRows: 65_536,
      },
    );
    expect(result.format).toBe('csv');
    // The Parquet part written before the value that did not fit went into the CSV file, and is gone.
    expect(result.files).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.startsWith('out-mixed.'))).toEqual([]);
    const rows = await conn.runAndReadAll(
      `SELECT n, s, row_number() OVER () AS k FROM read_csv('${out}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '\\N', allow_quoted_nulls = false, columns = {'n': 'BIGINT', 's': 'VARCHAR'}) LIMIT 1 OFFSET 19999`,
    );
    expect(rows.getRowsJson()).toEqual([['19999', '\\N', '20000']]);
    const tail = await conn.runAndReadAll(
      `SELECT list(n ORDER BY n DESC)[1:2], min(n), count(*), count(s) FROM read_csv('${out}', header = true, auto_detect = false, nullstr = '\\N', allow_quoted_nulls = false, columns = {'n': 'BIGINT', 's': 'VARCHAR'})`,
    );
    expect(tail.getRowsJson()).toEqual([[['1152921504606846976', '19999'], '-1', '20002', '20001']]);
  });
});

describe('parquetRowGroups', () => {
  it('reads BIGINT values either side of 32 bits, negative ones, and beyond 2^53 (rounded, or exact as BigInts)', async () => {
    const file = path.join(dir, 'bigints.parquet');
    const values = [
      '-1',
      '-2147483648',
      '2147483647',
      '2147483648',
      '-2147483649',
      '-1099511627776',
      '9007199254740993',
    ];
    await conn.run(
      `COPY (SELECT unnest([${values.join(', ')}, NULL]::BIGINT[]) AS n) TO '${file}' (FORMAT parquet, COMPRESSION uncompressed)`,
    );
    const read = (exact: boolean) => [...parquetRowGroups(file, ['number'], exact)].flatMap(([, [n]]) => n);
    expect(read(false)).toEqual([...values.map(Number), null]);
    expect(read(true)).toEqual([...values.slice(0, -1).map(Number), 9007199254740993n, null]);
  });
});

describe('text columns the code hands back (the writer reuses the dictionary codes the reader gave them)', () => {
  // band: few values; wide: more than 256 (16-bit codes); unique: more distinct values than the writer's dictionary holds.
  const TEXTS = `SELECT CASE WHEN i % 9 = 0 THEN NULL ELSE 'B' || (i % 5) END AS band,
    CASE WHEN i % 13 = 0 THEN NULL ELSE 'w' || (i % 300) END AS wide, 'u' || i AS "unique"
    FROM range(70000) t(i)`;
  const columns = ['band', 'wide', 'unique'].map((name) => ({ name, type: 'VARCHAR' }));

  /** What the code does to each batch's arrays, in place: new texts, NULLs, other entries, numbers, undefined. */
  const mutate = (values: unknown[], k: number) => {
    for (let i = 0; i < values.length; i++)
      if (i % 10 === 1) values[i] = `changed ${k}`;
      else if (i % 10 === 2) values[i] = null;
      else if (i % 10 === 3) values[i] = values[(i + 1) % values.length];
      else if (i % 10 === 4) values[i] = 42;
      else if (i % 10 === 5) values[i] = undefined;
  };

  async function copyThrough(label: string, size: number, change: boolean): Promise<void> {
    const input = path.join(dir, `texts-${label}.parquet`);
    await conn.run(`COPY (${TEXTS}) TO '${input}' (FORMAT parquet, COMPRESSION uncompressed)`);
    const expected = (await conn.runAndReadAll(TEXTS)).getRows().map((r) => r.map((v) => v as string | null));
    const out = path.join(dir, `texts-out-${label}`);
    const result = await runRecipeWith(
      async ({
        inputs,
        output,
      }: {
        inputs: Record<string, { batches(size: number): AsyncIterable<{ columns: Record<string, unknown[]> }> }>;
        output: { writeBatch(b: unknown): Promise<void> };
      }) => {
        let k = 0;
        for await (const batch of inputs.raw.batches(size)) {
          if (change) for (const values of Object.values(batch.columns)) mutate(values, k);
          k++;
          await output.writeBatch(batch);
          await output.writeBatch({ columns: { band: [], wide: [], unique: [] } });
        }
      },
      {
        inputs: { raw: { path: input, columns, format: 'parquet' } },
        output: { path: out, columns },
        variables: {},
        batchRows: 122_880,
      },
    );
    expect(result.format).toBe('parquet');
    if (change)
      for (let from = 0, k = 0; from < expected.length; from += size, k++)
        for (let j = 0; j < columns.length; j++) {
          const values: unknown[] = expected.slice(from, from + size).map((r) => r[j]);
          mutate(values, k);
          // NULL and undefined read back as NULL, the number as its text.
          values.forEach(
            (v, i) => (expected[from + i][j] = typeof v === 'number' ? `${v}` : ((v ?? null) as string | null)),
          );
        }
    const list = `[${(result.files ?? []).map((f) => `'${f.path}'`).join(', ')}]`;
    const got = (
      await conn.runAndReadAll(`SELECT band, wide, "unique" FROM read_parquet(${list}, file_row_number = true)`)
    ).getRows();
    expect(got.length, label).toBe(70_000);
    expect(got, label).toEqual(expected);
  }

  it('writes them unchanged', () => copyThrough('same', 70_000, false));
  it('writes the values the code put in their place (texts, NULLs, other entries, numbers)', () =>
    copyThrough('changed', 70_000, true));
  it('does so for batches smaller than a row group', () => copyThrough('sliced', 20_000, true));
});

describe('ParquetWriter', () => {
  it('writes nothing of a row group given back (a value its column cannot hold), and goes on after it', async () => {
    const file = path.join(dir, 'given-back.parquet');
    const writer = new ParquetWriter(
      file,
      [
        { name: 's', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      (v) => JSON.stringify(v),
    );
    expect(
      writer.writeRowGroup(
        [
          ['a', null, 'b'],
          [1, 2, -(2 ** 40)],
        ],
        3,
      ),
    ).toBe(true);
    // The text column is written before the BIGINT column meets 'x'.
    expect(
      writer.writeRowGroup(
        [
          ['c', 'd'],
          [3, 'x'],
        ],
        2,
      ),
    ).toBe(false);
    expect(writer.writeRowGroup([[], []], 0)).toBe(true);
    expect(writer.writeRowGroup([['e'], [2 ** 53]], 1)).toBe(true);
    writer.close();
    const rows = await conn.runAndReadAll(`SELECT s, n FROM '${file}'`);
    expect(rows.getRowsJson()).toEqual([
      ['a', '1'],
      [null, '2'],
      ['b', '-1099511627776'],
      ['e', '9007199254740992'],
    ]);
  });
});
