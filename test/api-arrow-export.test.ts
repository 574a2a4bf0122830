import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/ARW';
const ROWS = 3000; // more than one DuckDB chunk (2048 rows): several record batches

/** Every kind of column an export meets, with nulls in each (every seventh row). */
const TYPED = `SELECT i::INTEGER AS id,
  CASE WHEN i % 7 = 1 THEN NULL ELSE i * 1000000000000 END AS big,
  (i % 300)::SMALLINT AS small,
  CASE WHEN i % 7 = 2 THEN NULL ELSE (i * 3)::UBIGINT END AS ubig,
  (i * 0.5)::FLOAT AS f,
  CASE WHEN i % 7 = 3 THEN NULL ELSE i * 0.25 END AS x,
  (i * 0.125)::DECIMAL(9, 3) AS d,
  CASE WHEN i % 7 = 4 THEN NULL WHEN i % 5 = 0 THEN '' ELSE 'café ' || i END AS name,
  CASE WHEN i % 7 = 5 THEN NULL ELSE i % 2 = 0 END AS ok,
  DATE '2024-03-01' + i::INTEGER AS day,
  TIMESTAMP '2024-01-01 00:00:00.123456' + to_seconds(i) AS ts,
  CASE WHEN i % 7 = 6 THEN NULL ELSE TIMESTAMPTZ '2024-01-01 00:00:00.5+00' + to_minutes(i) END AS tstz,
  TIME '12:34:56.789012' AS t,
  ('b' || i)::BLOB AS bl,
  CASE WHEN i % 7 = 0 THEN NULL ELSE [i::INTEGER, NULL, i::INTEGER + 1] END AS l,
  CASE WHEN i % 11 = 0 THEN NULL ELSE {'a': i::INTEGER, 'b': {'c': 'x' || i}} END AS s,
  NULL::VARCHAR AS always_null,
  ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS uid
  FROM range(${ROWS}) t(i)`;

/** The same rows as DuckDB gives them, each column in a form both sides can be compared in. */
const EXPECTED = `SELECT id, big::VARCHAR, small, ubig::VARCHAR, f::DOUBLE, x, d::DOUBLE, name, ok,
  (day - DATE '1970-01-01')::INTEGER, epoch_us(ts)::VARCHAR, epoch_us(tstz)::VARCHAR,
  datediff('microsecond', TIME '00:00:00', t)::VARCHAR, hex(bl), to_json(l)::VARCHAR, to_json(s)::VARCHAR, always_null, uid::VARCHAR
  FROM read_parquet($file) ORDER BY id`;

/** Arrow's value of each column in the form of EXPECTED. */
const fromArrow: Record<string, (v: unknown) => unknown> = {
  big: String,
  ubig: String,
  day: (ms) => (ms as number) / 86_400_000,
  ts: (ms) => String(Math.round((ms as number) * 1000)),
  tstz: (ms) => String(Math.round((ms as number) * 1000)),
  t: String,
  bl: (bytes) =>
    Buffer.from(bytes as Uint8Array)
      .toString('hex')
      .toUpperCase(),
  l: (list) => JSON.stringify(list),
  s: (struct) => JSON.stringify(struct),
};

function arrowRows(table: Table): unknown[][] {
  const names = table.schema.fields.map((f) => f.name);
  const rows: unknown[][] = [];
  for (let i = 0; i < table.numRows; i++)
    rows.push(
      names.map((name) => {
        const value: unknown = table.getChild(name)!.get(i);
        return value === null ? null : (fromArrow[name] ?? ((v: unknown) => v))(value);
      }),
    );
  return rows;
}

describe('Arrow IPC export: HTTP and CLI, read back by apache-arrow', () => {
  let s: TestServer;
  let dir: string;
  let expected: unknown[][];

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-arrow-'));
    expect(
      (await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'ARW', name: 'Arrow' } })).status,
    ).toBe(201);
    const source = path.join(dir, 'typed.parquet');
    await s.ws.duck.run(`COPY (${TYPED}) TO '${source}' (FORMAT parquet)`);
    expect((await s.upload(`${P}/datasets/typed/upload`, readFileSync(source), 'typed.parquet')).status).toBe(201);
    expected = (await s.ws.duck.query(EXPECTED, { file: source })).rows;
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams record batches whose types, values and nulls are DuckDB’s', async () => {
    const res = await fetch(`${s.url}${P}/datasets/typed/data?format=arrow&sort=id`, {
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    expect(res.headers.get('content-disposition')).toMatch(/typed\.arrow/);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.batches.length).toBeGreaterThan(1);
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      id: 'Int32',
      big: 'Int64',
      small: 'Int16',
      ubig: 'Uint64',
      f: 'Float32',
      x: 'Float64',
      d: 'Float64',
      name: 'Utf8',
      ok: 'Bool',
      day: 'Date32<DAY>',
      ts: 'Timestamp<MICROSECOND>',
      tstz: 'Timestamp<MICROSECOND, UTC>',
      t: 'Time64<MICROSECOND>',
      bl: 'Binary',
      l: 'List<Int32>',
      s: 'Struct<{a:Int32, b:Struct<{c:Utf8}>}>',
      always_null: 'Utf8',
      uid: 'Utf8',
    });
    expect(table.numRows).toBe(ROWS);
    expect(arrowRows(table)).toEqual(expected);
  });

  it('a filtered export with no matching row is a valid empty stream', async () => {
    const res = await fetch(`${s.url}${P}/datasets/typed/data?format=arrow&filter=id:lt:0`, {
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    expect(res.status).toBe(200);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toContain('tstz');
  });

  it('llano dataset download --format arrow writes the same stream to a file', async () => {
    const out = path.join(dir, 'typed.arrow');
    const env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken };
    const r = await llano(['-p', 'ARW', 'dataset', 'download', 'typed', '--format', 'arrow', '--out', out], env, dir);
    expect(r.code, r.err).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    const byId = arrowRows(table).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(byId).toEqual(expected);
  });
});
