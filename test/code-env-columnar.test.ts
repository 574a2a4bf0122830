import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, buildOnly, type TestServer } from './support/llano-server.js';

/**
 * The columnar paths of code recipes against the row path and SQL, over one typed fixture with
 * NULLs in every column: TypeScript's Arrow path (`llano/arrow`: RecordBatches in, a Table,
 * batches or IPC bytes out) and what Python says when pyarrow or polars is missing.
 */
const P = '/api/projects/COLS';

/** Typed columns, NULLs in all but the first: small and 64-bit integers, doubles, booleans, text, dates, timestamps. */
const TYPED = `SELECT CAST(id AS INTEGER) AS n, CASE WHEN id % 9 = 0 THEN NULL ELSE CAST(id AS BIGINT) * 1099511627776 END AS big,
  CASE WHEN id % 4 = 0 THEN NULL ELSE id / 8.0 END::DOUBLE AS x,
  CASE WHEN id % 5 = 0 THEN NULL ELSE id % 2 = 0 END AS flag,
  CASE WHEN id % 6 = 0 THEN NULL ELSE 'Bandé ' || band || ' — λ' END AS label,
  CASE WHEN id % 7 = 0 THEN NULL ELSE DATE '2024-01-30' + CAST(id AS INTEGER) END AS day,
  CASE WHEN id % 3 = 0 THEN NULL ELSE TIMESTAMP '2024-02-28 23:59:58.250' + INTERVAL (id) SECOND END AS at
FROM raw`;

const ROWS = `export default async function run({ inputs, output }) {
  for await (const row of inputs.typed) await output.write(row);
}
`;

const CODE: Record<string, string> = {
  arrow_table: `import { readArrow, writeArrow } from 'llano/arrow';
export default async function run({ inputs, output }) {
  const table = await readArrow(inputs.typed);
  const types = table.schema.fields.map((f) => String(f.type)).join(' ');
  if (table.numRows !== 40 || types !== 'Int32 Int64 Float64 Bool Utf8 Date32<DAY> Utf8') throw new Error(types);
  await writeArrow(output, table);
}
`,
  arrow_batches: `import { arrowBatches, writeArrow } from 'llano/arrow';
export default async function run({ inputs, output }) {
  for await (const batch of arrowBatches(inputs.typed, 7)) await writeArrow(output, batch);
}
`,
  arrow_ipc: `import { tableToIPC } from 'apache-arrow';
import { readArrow, writeArrow } from 'llano/arrow';
export default async function run({ inputs, output }) {
  await writeArrow(output, tableToIPC(await readArrow(inputs.typed), 'stream'));
}
`,
};

const PANDAS = `def run(inputs, output, variables, log):
    output.write_frame(inputs["typed"].to_pandas())
`;

/** Whether the machine's Python has a package (pyarrow and polars are not in Debian 12). */
const installed = (module: string) =>
  spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

interface DatasetInfo {
  columns: { name: string; type: string }[];
}

describe('columnar paths of code recipes', () => {
  let s: TestServer;
  const token = () => s.adminToken;
  const save = async (recipe: Record<string, unknown>) => {
    const r = await s.call('POST', `${P}/recipes`, { token: token(), body: recipe });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  const build = async (output: string) => {
    const job = await buildOnly(s, 'COLS', [output]);
    expect(job.status, `${output}: ${job.activities?.[0]?.error ?? ''}`).toBe('succeeded');
  };
  const contents = async (dataset: string) => {
    const info = (await s.call<DatasetInfo>('GET', `${P}/datasets/${dataset}`, { token: token() })).body;
    const data = await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/${dataset}/data?limit=100&sort=n`, {
      token: token(),
    });
    return { types: info.columns.map((c) => [c.name, c.type]), rows: data.body.rows };
  };

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: 'COLS' } })).status).toBe(201);
    const csv = ['id,band', ...Array.from({ length: 40 }, (_, i) => `${i + 1},${3 + (i % 4)}`)].join('\n') + '\n';
    expect((await s.upload(`${P}/datasets/raw/upload`, csv, 'raw.csv')).status).toBe(201);
    await save({ name: 'typed', type: 'sql', inputs: ['raw'], output: 'typed', sql: TYPED });
    await build('typed');
  }, 120_000);
  afterAll(async () => s?.stop());

  it('gives TypeScript recipes Arrow RecordBatches and writes Arrow Tables, batches and IPC bytes: the same dataset as the row path and SQL', async () => {
    const expected = await contents('typed');
    expect(expected.types).toEqual([
      ['n', 'INTEGER'],
      ['big', 'BIGINT'],
      ['x', 'DOUBLE'],
      ['flag', 'BOOLEAN'],
      ['label', 'VARCHAR'],
      ['day', 'DATE'],
      ['at', 'TIMESTAMP'],
    ]);
    // Every column but n has NULLs, and the 64-bit integers are past 32 bits.
    for (let col = 1; col < 7; col++) expect(expected.rows.some((r) => r[col] === null)).toBe(true);
    expect(Number(expected.rows[39][1])).toBeGreaterThan(2 ** 40);

    await save({ name: 'rows', type: 'typescript', inputs: ['typed'], output: 'rows_out', code: ROWS });
    await build('rows_out');
    expect(await contents('rows_out')).toEqual(expected);
    for (const [name, code] of Object.entries(CODE)) {
      await save({ name, type: 'typescript', inputs: ['typed'], output: `${name}_out`, code });
      await build(`${name}_out`);
      expect(await contents(`${name}_out`), name).toEqual(expected);
    }
  }, 240_000);

  it('keeps the NULLs of an Arrow Table given to output.writeBatch as it is', async () => {
    const code = `import { Float64, Int32, Table, vectorFromArray } from 'apache-arrow';
export default async function run({ output }) {
  await output.writeBatch(new Table({
    n: vectorFromArray([1, 2, 3], new Int32()),
    x: vectorFromArray([1.5, null, 3], new Float64()),
  }));
}
`;
    await save({ name: 'nulls', type: 'typescript', inputs: ['typed'], output: 'nulls_out', code });
    await build('nulls_out');
    expect((await contents('nulls_out')).rows).toEqual([
      [1, 1.5],
      [2, null],
      [3, 3],
    ]);
  }, 120_000);

  it('gives Python inputs as pyarrow Tables and polars frames where installed, and says what is missing where not', async () => {
    await save({ name: 'py_pandas', type: 'python', inputs: ['typed'], output: 'py_pandas_out', code: PANDAS });
    await build('py_pandas_out');
    const pandas = await contents('py_pandas_out');
    // The same values and types: the INTEGER column, int64 in pandas, is INTEGER again as its values fit.
    const typed = await contents('typed');
    expect(pandas.rows).toEqual(typed.rows);
    expect(pandas.types).toEqual(typed.types);
    // Row by row too: integers under an INTEGER input column's name stay INTEGER when they fit it,
    // others are BIGINT (an int past INTEGER's range, or under a name of no input column).
    const rowCode = (n: string) =>
      `def run(inputs, output, variables, log):\n    for r in inputs["typed"]:\n        output.write({"n": ${n}, "wide": r["n"]})\n`;
    for (const [output, n, type] of [
      ['py_rows_fit', 'r["n"]', 'INTEGER'],
      ['py_rows_past', 'r["n"] * 4294967296', 'BIGINT'],
    ]) {
      await save({ name: output, type: 'python', inputs: ['typed'], output, code: rowCode(n) });
      await build(output);
      expect((await contents(output)).types, output).toEqual([
        ['n', type],
        ['wide', 'BIGINT'],
      ]);
    }
    for (const [name, module] of [
      ['arrow', 'pyarrow'],
      ['polars', 'polars'],
    ]) {
      const code = `def run(inputs, output, variables, log):\n    output.write_frame(inputs["typed"].to_${name}())\n`;
      await save({ name: `py_${name}`, type: 'python', inputs: ['typed'], output: `py_${name}_out`, code });
      const job = await buildOnly(s, 'COLS', [`py_${name}_out`]);
      if (installed(module)) {
        expect(job.status, job.activities?.[0]?.error ?? '').toBe('succeeded');
        expect(await contents(`py_${name}_out`), name).toEqual(pandas);
      } else {
        expect(job.status).toBe('failed');
        expect(job.activities?.[0]?.error).toContain(
          `to_${name}() needs the package ${module}, which /usr/bin/python3 does not have`,
        );
      }
    }
  }, 240_000);

  it('gives R inputs as data.frames and writes them back: the same dataset', async () => {
    const code = 'run <- function(inputs, output, variables, log) output$write(inputs$typed)\n';
    await save({ name: 'r_frame', type: 'r', inputs: ['typed'], output: 'r_frame_out', code });
    await build('r_frame_out');
    expect(await contents('r_frame_out')).toEqual(await contents('typed'));
  }, 120_000);

  it('refuses an unknown llano/ module by name', async () => {
    const code = `import { nothing } from 'llano/parquet';\nexport default async function run() { nothing(); }\n`;
    await save({ name: 'unknown', type: 'typescript', inputs: ['typed'], output: 'unknown_out', code });
    const job = await buildOnly(s, 'COLS', ['unknown_out']);
    expect(job.status).toBe('failed');
    expect(job.activities?.[0]?.error).toContain('No Llano module llano/parquet (there are: llano/arrow)');
  }, 120_000);
});
