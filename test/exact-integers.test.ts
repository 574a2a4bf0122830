import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactInteger, stringifyExact } from '../src/common/exact-json.js';
import type { InsightData } from '../src/insights/insight-types.js';
import { readTile, writeTile } from '../src/insights/tile-cache.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * BIGINT values past 2^53 in JSON answers: written as exact JSON numbers (as PostgREST does),
 * never rounded (9223372036854775807 read as 9223372036854776000) and never turned into strings
 * in a column of numbers; a parameter of that size reaches SQL exactly.
 */
const P = '/api/projects/BIG';
const MAX = '9223372036854775807';
const CSV = `id,x\n${MAX},1\n9007199254740993,2\n1,3\n`;

describe('integers past 2^53 in JSON', () => {
  let s: TestServer;
  let key: string;
  /** The raw text of an answer: JSON.parse would round the numbers this test is about. */
  const raw = async (url: string, init: RequestInit = {}, token = s.adminToken) => {
    const r = await fetch(s.url + url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    return { status: r.status, text: await r.text() };
  };
  const call = (endpoint: string, body: string) => raw(`/services/BIG/big/${endpoint}`, { method: 'POST', body }, key);

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'BIG' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/big/upload`, CSV, 'big.csv')).status).toBe(201);
    const service = {
      id: 'big',
      name: 'Big',
      endpoints: [
        {
          id: 'at-least',
          type: 'sql-query',
          sql: 'SELECT id, :v AS v FROM big WHERE id >= :v ORDER BY id',
          parameters: [{ name: 'v', type: 'integer' }],
        },
        { id: 'echo', type: 'sql-query', sql: 'SELECT :v AS v', parameters: [{ name: 'v', type: 'number' }] },
      ],
    };
    expect((await s.call('POST', `${P}/api-services`, { token: s.adminToken, body: service })).status).toBe(201);
    expect((await s.call('POST', `${P}/api-services/big/deploy`, { token: s.adminToken, body: {} })).status).toBe(201);
    key = (
      await s.call<{ key: string }>('POST', `${P}/api-services/big/keys`, { token: s.adminToken, body: { name: 'k' } })
    ).body.key;
  });
  afterAll(async () => s?.stop());

  it('an API service answers them as exact numbers, and binds a parameter of that size exactly', async () => {
    const all = await call('at-least', '{"v": 1}');
    expect(all.status, all.text).toBe(200);
    expect(all.text).toBe(
      `{"columns":["id","v"],"rows":[{"id":1,"v":1},{"id":9007199254740993,"v":1},{"id":${MAX},"v":1}],"truncated":false}`,
    );
    const max = await call('at-least', `{"v": ${MAX}}`);
    expect(max.status, max.text).toBe(200);
    expect(max.text).toBe(`{"columns":["id","v"],"rows":[{"id":${MAX},"v":${MAX}}],"truncated":false}`);
    // 2^53 + 1 is not 2^53: the comparison in SQL sees the exact value.
    const odd = await call('at-least', '{"v": 9007199254740993}');
    expect(odd.text).toContain(`"rows":[{"id":9007199254740993,"v":9007199254740993},{"id":${MAX}`);
    const over = await call('at-least', '{"v": 9223372036854775808}');
    expect(over.status).toBe(400);
    expect((JSON.parse(over.text) as { error: { message: string } }).error.message).toMatch(
      /^parameter v: 9223372036854775808 is out of the 64-bit integer range/,
    );
    // A number parameter stays a double, as declared; a string that looks like digits stays a string.
    expect((await call('echo', `{"v": ${MAX}}`)).text).toContain('"rows":[{"v":9223372036854776000}]');
    expect((await call('at-least', `{"v": "${MAX}"}`)).status).toBe(400);
  });

  it('the rows API and insight data (fresh and from the tile cache) write them as exact numbers too', async () => {
    const page = await raw(`${P}/datasets/big/data?limit=5`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`"rows":[[${MAX},1],[9007199254740993,2],[1,3]]`);
    const jsonl = await raw(`${P}/datasets/big/data?format=jsonl`);
    expect(jsonl.text.split('\n')[0]).toBe(`{"id":${MAX},"x":1}`);
    const csv = await raw(`${P}/datasets/big/data?format=csv`);
    expect(csv.text.split('\r\n')[1]).toBe(`${MAX},1`);
    const insight = { id: 't', name: 'T', type: 'table', dataset: 'big', table: { columns: ['id'] } };
    expect((await s.call('POST', `${P}/insights`, { token: s.adminToken, body: insight })).status).toBe(201);
    const fresh = await raw(`${P}/insights/t/data`);
    expect(fresh.text).toContain(`"rows":[[${MAX}],[9007199254740993],[1]]`);
    // After a restart the tile comes from disk: read back, it is written the same.
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-tile-'));
    try {
      const data = JSON.parse(fresh.text.replaceAll(MAX, '0')) as InsightData;
      data.rows = [[exactInteger(MAX)], [exactInteger('1')]];
      await writeTile(dir, 'k', data);
      expect(stringifyExact(await readTile(dir, 'k'))).toBe(stringifyExact(data));
      expect(stringifyExact((await readTile(dir, 'k'))!.rows)).toBe(`[[${MAX}],[1]]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
