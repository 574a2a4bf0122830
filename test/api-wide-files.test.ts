import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/WIDE';
interface ApiError {
  error: { code: string; message: string };
}
interface Stat {
  name: string;
  distinct: number;
  topValues: { value: unknown; count: number }[];
}

/** A CSV with a header and `rows` rows of `columns` columns: c0 = "a" or "b" by row, cK = K + row otherwise. */
function wideCsv(columns: number, rows: number): string {
  const head = Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
  const row = (r: number) =>
    Array.from({ length: columns }, (_, i) => (i === 0 ? (r % 2 ? 'a' : 'b') : String(i + r))).join(',');
  return [head, ...Array.from({ length: rows }, (_, r) => row(r))].join('\n') + '\n';
}

describe('pathological small files: nesting and width are bounded, wide files stay fast', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'WIDE' } })).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('refuses an 8 KB JSON-lines file nested 2,000 deep at once, naming the limit (it never answered)', async () => {
    const deep = '['.repeat(2000) + '1' + ']'.repeat(2000);
    const r = await s.upload<ApiError>(
      `${P}/datasets/deep/upload`,
      `{"id":1,"x":${deep}}\n{"id":2,"x":${deep}}\n`,
      'deep.jsonl',
    );
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('The file is nested more than 64 levels deep (the limit, LLANO_MAX_JSON_DEPTH)');
    expect((await s.call('GET', `${P}/datasets/deep`, { token: s.adminToken })).status).toBe(404);
  });

  it('imports lists nested 30 deep (under the limit) and reads them back: past 12 levels they stay JSON text', async () => {
    const deep = '['.repeat(30) + '1' + ']'.repeat(30);
    const r = await s.upload<{ columns: { name: string; type: string }[] }>(
      `${P}/datasets/deepish/upload`,
      `{"id":1,"x":${deep}}\n`,
      'deepish.jsonl',
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.columns[1].type).toMatch(/^JSON(\[\]){11}$/);
    const page = await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/deepish/data`, { token: s.adminToken });
    expect(page.status).toBe(200);
    expect(page.body.rows).toHaveLength(1);
  });

  it('refuses a CSV with 20,000 columns at once, naming LLANO_MAX_COLUMNS', async () => {
    const r = await s.upload<ApiError>(`${P}/datasets/w20k/upload`, wideCsv(20_000, 2), 'w20k.csv');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(
      /^The file has [\d,]+ columns, more than the limit of 2,000 \(LLANO_MAX_COLUMNS\)$/,
    );
  });

  it('imports 2,000 columns and computes their statistics (quadratic before: minutes)', async () => {
    const up = await s.upload(`${P}/datasets/w2k/upload`, wideCsv(2000, 3), 'w2k.csv');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const page = await s.call<{ columns: string[] }>('GET', `${P}/datasets/w2k/data?limit=2`, { token: s.adminToken });
    expect(page.body.columns).toHaveLength(2000);
    const stats = await s.call<Stat[]>('GET', `${P}/datasets/w2k/stats`, { token: s.adminToken });
    expect(stats.status).toBe(200);
    expect(stats.body).toHaveLength(2000);
    expect(stats.body[0]).toMatchObject({
      name: 'c0',
      distinct: 2,
      topValues: [
        { value: 'b', count: 2 },
        { value: 'a', count: 1 },
      ],
    });
    expect(stats.body[1999]).toMatchObject({
      name: 'c1999',
      distinct: 3,
      topValues: [
        { value: 1999, count: 1 },
        { value: 2000, count: 1 },
        { value: 2001, count: 1 },
      ],
    });
  }, 300_000);

  it('cuts an 8 MB text cell to 10,000 characters in a page of rows, says so, and exports it whole', async () => {
    const big = 'x'.repeat(8_000_000);
    const up = await s.upload(`${P}/datasets/bigcell/upload`, `id,note\n1,short\n2,${big}\n`, 'bigcell.csv');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const page = await s.call<{ rows: unknown[][]; cut?: number[][] }>('GET', `${P}/datasets/bigcell/data`, {
      token: s.adminToken,
    });
    expect(page.status).toBe(200);
    expect(page.body.rows[0]).toEqual([1, 'short']);
    expect(page.body.rows[1][1]).toBe('x'.repeat(10_000));
    expect(page.body.cut).toEqual([[1, 1, 8_000_000]]);
    const csv = await s.call<string>('GET', `${P}/datasets/bigcell/data?format=csv`, { token: s.adminToken });
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(big);
    const small = await s.call<{ cut?: unknown }>('GET', `${P}/datasets/bigcell/data?limit=1`, {
      token: s.adminToken,
    });
    expect(small.body).not.toHaveProperty('cut');
  });
});
