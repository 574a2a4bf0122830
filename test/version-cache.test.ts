import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { datasetPage, datasetStats } from '../src/datasets/explore.js';
import { cachedForVersion } from '../src/datasets/version-cache.js';
import { queryCancelled } from '../src/engine/query-limits.js';
import { currentVersion } from '../src/datasets/versions.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/VC';

describe('answers cached per dataset version (grid totals, column statistics)', () => {
  let s: TestServer;
  const upload = async (csv: string) => {
    const r = await s.upload(`${P}/datasets/obs/upload`, Buffer.from(csv), 'obs.csv');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  const filtered = { offset: 0, limit: 10, sort: [], filters: [{ column: 'band', op: 'eq' as const, value: '3' }] };

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'VC' } })).status).toBe(201);
    await upload('antenna,band\nDA41,3\nDA42,3\nDV01,6\n');
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('computes column statistics once per version and again for a new version', async () => {
    const first = await datasetStats(s.ws, LOCAL_ADMIN, 'VC', 'obs');
    expect(await datasetStats(s.ws, LOCAL_ADMIN, 'VC', 'obs')).toBe(first);
    expect(first.find((c) => c.name === 'band')?.count).toBe(3);
    await upload('antenna,band\nDA41,3\nDA42,3\nDV01,6\nDV02,3\n');
    const next = await datasetStats(s.ws, LOCAL_ADMIN, 'VC', 'obs');
    expect(next).not.toBe(first);
    expect(next.find((c) => c.name === 'band')?.count).toBe(4);
  });

  it('gives the total of a page from the version (unfiltered) or from a count kept per version and filter', async () => {
    const version = (await currentVersion(s.ws, 'VC', 'obs'))!;
    expect(
      (await datasetPage(s.ws, LOCAL_ADMIN, 'VC', 'obs', { offset: 0, limit: 2, sort: [], filters: [] })).total,
    ).toBe(version.rowCount);
    expect((await datasetPage(s.ws, LOCAL_ADMIN, 'VC', 'obs', filtered)).total).toBe(3);
    // Another filter is another count.
    const other = { ...filtered, filters: [{ column: 'band', op: 'eq' as const, value: '6' }] };
    expect((await datasetPage(s.ws, LOCAL_ADMIN, 'VC', 'obs', other)).total).toBe(1);
    await upload('antenna,band\nDA41,3\n');
    expect((await datasetPage(s.ws, LOCAL_ADMIN, 'VC', 'obs', filtered)).total).toBe(1);
    expect((await s.call('GET', `${P}/datasets/obs/data?limit=1`, { token: s.adminToken })).body).toMatchObject({
      total: 1,
    });
  });

  it('shares one computation between concurrent callers and does not keep failures', async () => {
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return runs;
    };
    const [a, b] = await Promise.all([
      cachedForVersion(s.ws, 'v-test', 'x', compute),
      cachedForVersion(s.ws, 'v-test', 'x', compute),
    ]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    await expect(cachedForVersion(s.ws, 'v-test', 'y', () => Promise.reject(new Error('interrupted')))).rejects.toThrow(
      'interrupted',
    );
    expect(await cachedForVersion(s.ws, 'v-test', 'y', () => Promise.resolve(7))).toBe(7);
  });

  it('a reader whose shared computation was cancelled by the reader that started it computes it for itself', async () => {
    const leaving = new AbortController();
    const first = cachedForVersion(
      s.ws,
      'v-test',
      'z',
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw queryCancelled();
      },
      leaving.signal,
    );
    const second = cachedForVersion(s.ws, 'v-test', 'z', () => Promise.resolve('mine'));
    leaving.abort();
    await expect(first).rejects.toMatchObject({ code: 'query_cancelled' });
    expect(await second).toBe('mine');
  });
});
