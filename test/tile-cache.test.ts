import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { deleteInsight, saveInsight } from '../src/insights/insights-service.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/**
 * Tiles kept on disk beside their dataset version: computed in the background when an insight
 * is saved or a version committed, read by a server started later over the same home, and gone
 * with the version they came from.
 */

const P = '/api/projects/TILES';
let s: TestServer | undefined;
const homes: string[] = [];
afterAll(async () => {
  await s?.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

type Data = { rows: unknown[][]; version: string | null };

/** The tile files of dataset `obs` of a project (not the partial ones being written), by version folder. */
function stored(home: string, project = 'TILES'): Record<string, string[]> {
  const root = path.join(home, 'data', project, 'obs', 'tile-cache');
  if (!existsSync(root)) return {};
  return Object.fromEntries(
    readdirSync(root).map((v) => [v, readdirSync(path.join(root, v)).filter((f) => f.endsWith('.json'))]),
  );
}

async function until<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tile cache on disk', () => {
  it('is filled when an insight is saved, read after a restart, and replaced with a new version', async () => {
    const first = await startTestServer();
    s = first;
    homes.push(first.home);
    const token = first.adminToken;
    expect((await first.call('POST', '/api/projects', { token, body: { key: 'TILES' } })).status).toBe(201);
    expect((await first.upload(`${P}/datasets/obs/upload`, 'band,trec\n1,10\n1,20\n2,5\n', 'obs.csv')).status).toBe(
      201,
    );
    const body = {
      id: 'avg',
      name: 'avg',
      type: 'chart',
      dataset: 'obs',
      chart: { kind: 'bar', x: { column: 'band' }, y: [{ column: 'trec', agg: 'avg' }] },
    };
    expect((await first.call('POST', `${P}/insights`, { token, body })).status).toBe(201);

    // Saved → computed in the background, without anyone asking.
    const [version, files] = await until('the tile on disk', () => {
      const entries = Object.entries(stored(first.home));
      return entries.length === 1 && entries[0][1].length === 1 && entries[0];
    });
    const file = path.join(first.home, 'data', 'TILES', 'obs', 'tile-cache', version, files[0]);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { data: Data };
    expect(onDisk.data.rows).toEqual([
      [1, 15],
      [2, 5],
    ]);
    const read = await first.call<Data>('GET', `${P}/insights/avg/data`, { token });
    expect(read.body.rows).toEqual(onDisk.data.rows);
    expect(read.body.version).toBe(version);

    // A new server over the same home answers from the file (marked here to tell it from a recomputation).
    onDisk.data.rows = [[1, 99]];
    writeFileSync(file, JSON.stringify(onDisk));
    await first.app.close();
    await first.ws.close();
    // startTestServer's own `home` is a new empty folder; the workspace is the first one's.
    const home = first.home;
    const second = await startTestServer({ home });
    s = second;
    const token2 = second.adminToken;
    expect((await second.call<Data>('GET', `${P}/insights/avg/data`, { token: token2 })).body.rows).toEqual([[1, 99]]);
    // Filters are answered by the engine (and kept in memory only).
    const filtered = await second.call<Data>('GET', `${P}/insights/avg/data?filters=band:eq:1`, { token: token2 });
    expect(filtered.body.rows).toEqual([[1, 15]]);
    expect(Object.values(stored(home)).flat()).toHaveLength(1);

    // A new version: its tiles are computed, the old version's folder removed.
    expect((await second.upload(`${P}/datasets/obs/upload`, 'band,trec\n1,1\n', 'obs.csv', token2)).status).toBe(201);
    const after = await until('the new version’s tile', () => {
      const entries = Object.entries(stored(home));
      return entries.length === 1 && entries[0][0] !== version && entries[0][1].length === 1 && entries[0];
    });
    const fresh = await second.call<Data>('GET', `${P}/insights/avg/data`, { token: token2 });
    expect(fresh.body.rows).toEqual([[1, 1]]);
    expect(fresh.body.version).toBe(after[0]);
  }, 120_000);

  it('warms a dataset charted since the warmer last looked, and drops the tiles of one no longer charted', async () => {
    const server = s ?? (s = await startTestServer());
    homes.push(server.home);
    const { ws, adminToken: token } = server;
    const built = async () => {
      const job = await (await startBuild(ws, LOCAL_ADMIN, 'TILES2', { targets: ['obs'], mode: 'recursive' })).done;
      expect(job.status).toBe('succeeded');
    };
    expect((await server.call('POST', '/api/projects', { token, body: { key: 'TILES2' } })).status).toBe(201);
    // A version of a dataset nobody charts: the warmer learns that no insight of the project reads a dataset.
    const csv = 'band,trec\n1,10\n2,20\n';
    expect((await server.upload('/api/projects/TILES2/datasets/src/upload', csv, 'src.csv', token)).status).toBe(201);
    await saveRecipe(ws, LOCAL_ADMIN, 'TILES2', {
      name: 'copy',
      type: 'sql',
      inputs: ['src'],
      output: 'obs',
      sql: 'SELECT * FROM src',
    });
    await new Promise((r) => setTimeout(r, 300));
    // An insight on a dataset without data yet: nothing to compute now, but its first version is warmed.
    await saveInsight(ws, LOCAL_ADMIN, 'TILES2', {
      id: 'avg',
      name: 'avg',
      type: 'chart',
      dataset: 'obs',
      chart: { kind: 'bar', x: { column: 'band' }, y: [{ column: 'trec', agg: 'avg' }] },
    });
    await built();
    const [first] = await until('the first version’s tile', () => {
      const entries = Object.entries(stored(ws.config.home, 'TILES2'));
      return entries.length === 1 && entries[0][1].length === 1 && entries[0];
    });
    // Deleted: the next version is not warmed, and the tiles of the older one are dropped.
    await deleteInsight(ws, LOCAL_ADMIN, 'TILES2', 'avg');
    await built();
    await until('the old version’s tiles dropped', () => !(first in stored(ws.config.home, 'TILES2')));
    await new Promise((r) => setTimeout(r, 300));
    expect(stored(ws.config.home, 'TILES2')).toEqual({});
  }, 120_000);
});
