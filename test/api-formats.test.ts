import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/FMT';

/** Every JSON-inferable type, nested ones included: what a JSON export must give back. */
const MIXED = `SELECT i AS id, 'station ' || i AS name, (i * 1.25 + 0.5)::DOUBLE AS reading, i % 2 = 0 AS ok,
  TIMESTAMP '2024-01-01 00:00:00' + to_minutes(i::BIGINT) AS ts, DATE '2024-03-01' + i::INTEGER AS day,
  {'x': i, 'label': 'p' || i, 'inner': {'deep': (i * 0.5 + 0.25)::DOUBLE}} AS pos, [i, i + 1] AS bands, ['a', NULL] AS tags
  FROM range(5) t(i)`;

describe('formats over HTTP: compressed uploads, JSON round trips, exact distinct counts', () => {
  let s: TestServer;
  let dir: string;
  const get = async (url: string) => fetch(s.url + url, { headers: { authorization: `Bearer ${s.adminToken}` } });
  const rowsOf = async (name: string) =>
    (await s.call('GET', `${P}/datasets/${name}/data?sort=id`, { token: s.adminToken })).body as {
      columns: string[];
      types: string[];
      rows: unknown[][];
    };

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-formats-'));
    expect(
      (await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'FMT', name: 'Formats' } })).status,
    ).toBe(201);
    const source = path.join(dir, 'mixed.parquet');
    await s.ws.duck.run(`COPY (${MIXED}) TO '${source}' (FORMAT parquet)`);
    expect((await s.upload(`${P}/datasets/mixed/upload`, readFileSync(source), 'mixed.parquet')).status).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a gzip CSV upload (it used to fail as "not latin-1") and a zstd JSON-lines upload', async () => {
    const csv = 'antenna,band,trec_x\nDA41,3,35.5\nDA42,3,36.25\nDV01,6,55\n';
    const gz = await s.upload(`${P}/datasets/trec/upload`, gzipSync(csv), 'trec.csv.gz');
    expect(gz.status, JSON.stringify(gz.body)).toBe(201);
    expect(gz.body).toMatchObject({
      rowCount: 3,
      columns: [
        { name: 'antenna', type: 'VARCHAR' },
        { name: 'band', type: 'BIGINT' },
        { name: 'trec_x', type: 'DOUBLE' },
      ],
    });
    const zst = path.join(dir, 'lines.jsonl.zst');
    await s.ws.duck.run(
      `COPY (SELECT i AS id, {'k': i} AS s FROM range(4) t(i)) TO '${zst}' (FORMAT json, COMPRESSION zstd)`,
    );
    const up = await s.upload(`${P}/datasets/zlines/upload`, readFileSync(zst), 'lines.jsonl.zst');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect((await rowsOf('zlines')).rows).toEqual([
      [0, { k: 0 }],
      [1, { k: 1 }],
      [2, { k: 2 }],
      [3, { k: 3 }],
    ]);
  });

  it('a JSON export (array) and a JSON-lines export import back as the same rows and types', async () => {
    const original = await rowsOf('mixed');
    expect(original.types).toEqual([
      'BIGINT',
      'VARCHAR',
      'DOUBLE',
      'BOOLEAN',
      'TIMESTAMP',
      'DATE',
      'STRUCT(x BIGINT, "label" VARCHAR, "inner" STRUCT(deep DOUBLE))',
      'BIGINT[]',
      'VARCHAR[]',
    ]);
    const json = await get(`${P}/datasets/mixed/data?format=json&download=true`);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    const jsonText = await json.text();
    expect(jsonText.startsWith('[\n{')).toBe(true);
    const lines = await get(`${P}/datasets/mixed/data?format=jsonl`);
    expect(lines.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(lines.headers.get('content-disposition')).toMatch(/mixed\.jsonl/);
    const linesText = await lines.text();
    expect(linesText.trim().split('\n')).toHaveLength(5);
    for (const [name, body, file] of [
      ['from_json', jsonText, 'mixed.json'],
      ['from_one_line', JSON.stringify(JSON.parse(jsonText)), 'one-line.json'],
      ['from_jsonl', linesText, 'mixed.jsonl'],
    ]) {
      const up = await s.upload(`${P}/datasets/${name}/upload`, body, file);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      const back = await rowsOf(name);
      expect(back.columns, name).toEqual(original.columns);
      expect(
        back.types.map((t) => t.replace(/"/g, '')),
        name,
      ).toEqual(original.types.map((t) => t.replace(/"/g, '')));
      expect(back.rows, name).toEqual(original.rows);
    }
  });

  it('says whether distinct counts are exact', async () => {
    const stats = (await s.call('GET', `${P}/datasets/mixed/stats`, { token: s.adminToken })).body as {
      name: string;
      distinct: number;
      distinctIsApproximate: boolean;
    }[];
    expect(stats.find((c) => c.name === 'ok')).toMatchObject({ distinct: 2, distinctIsApproximate: false });
  });

  it('a refused file uses no version number: the next good file is the next version', async () => {
    const url = `${P}/datasets/numbered/upload`;
    expect((await s.upload(url, 'a,b\n1,2\n', 'one.csv')).status).toBe(201);
    const bad = await s.upload<{ error: { message: string } }>(
      url,
      Buffer.from('PAR1 not a parquet file'),
      'bad.parquet',
    );
    expect(bad.status).toBe(400);
    const good = await s.upload<{ currentVersion: { seq: number } }>(url, 'a,b\n3,4\n', 'two.csv');
    expect(good.status).toBe(201);
    expect(good.body.currentVersion.seq).toBe(2);
    const versions = await s.call<{ seq: number; status: string }[]>('GET', `${P}/datasets/numbered/versions`, {
      token: s.adminToken,
    });
    expect(versions.body.map((v) => [v.seq, v.status]).sort()).toEqual([
      [1, 'ready'],
      [2, 'ready'],
    ]);
  });
});
