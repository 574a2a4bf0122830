import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractZip } from '../src/common/zip/zip-reader.js';
import { ZipWriter } from '../src/common/zip/zip-writer.js';
import { filesUnder } from '../src/common/zip/zip-folder.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const CSV =
  'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n2024-01-01 00:20:00,DA41,34.9\n';
const tmp = () => mkdtempSync(path.join(tmpdir(), 'llano-transfer-'));

describe('project export and import', () => {
  let s: TestServer;
  const call = <T>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, url, { token: s.adminToken, body });
  const download = async (url: string) => {
    const res = await fetch(s.url + url, { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    const file = path.join(tmp(), 'p.zip');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return file;
  };
  const unpacked = async (zip: string) => {
    const dir = tmp();
    await extractZip(zip, dir, { maxBytes: 1e9, maxEntries: 1000 });
    return dir;
  };
  const importZip = (zip: string | Buffer, query = '') =>
    s.upload<{
      key: string;
      objects: number;
      datasetsWithData: number;
      notCarried: unknown[];
      error?: { message: string };
    }>(`/api/projects/import${query}`, typeof zip === 'string' ? readFileSync(zip) : zip, 'p.zip');
  const checksum = async (key: string, dataset: string) =>
    (
      await call<{ rows: unknown[][] }>(
        'GET',
        `/api/projects/${key}/recipes/preview`.replace(
          '/recipes/preview',
          `/datasets/${dataset}/data?limit=1000&sort=ts`,
        ),
      )
    ).body.rows;

  beforeAll(async () => {
    // An import unpacks to at most LLANO_MAX_UPLOAD_MB: small here, so a small bomb passes it.
    s = await startTestServer({ maxUploadMb: 5 });
    expect((await call('POST', '/api/projects', { key: 'SRC', name: 'Source', tags: ['ops'] })).status).toBe(201);
    expect((await s.upload('/api/projects/SRC/datasets/trec/upload', CSV, 'trec.csv')).status).toBe(201);
    const recipe = {
      name: 'compute_medians',
      type: 'sql',
      inputs: ['trec'],
      output: 'medians',
      sql: 'SELECT antenna, median(trec) AS m FROM trec GROUP BY antenna',
    };
    expect((await call('POST', '/api/projects/SRC/recipes', recipe)).status).toBe(201);
    const build = await call<{ jobId: string }>('POST', '/api/projects/SRC/builds', { targets: ['medians'] });
    for (let i = 0; i < 200; i++) {
      const job = await call<{ status: string }>('GET', `/api/projects/SRC/jobs/${build.body.jobId}`);
      if (job.body.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const scenario = {
      id: 'daily_refresh',
      triggers: [{ type: 'webhook' }],
      steps: [{ type: 'build', targets: ['medians'] }],
    };
    expect((await call('POST', '/api/projects/SRC/scenarios', scenario)).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('exports readable files: pretty JSON with sorted keys, SQL beside its recipe, no secrets', async () => {
    const dir = await unpacked(await download('/api/projects/SRC/export'));
    expect(filesUnder(dir)).toEqual([
      'datasets/medians.json',
      'datasets/trec.json',
      'project.json',
      'recipes/compute_medians.json',
      'recipes/compute_medians.sql',
      'scenarios/daily_refresh.json',
    ]);
    expect(readFileSync(path.join(dir, 'recipes/compute_medians.sql'), 'utf8')).toBe(
      'SELECT antenna, median(trec) AS m FROM trec GROUP BY antenna\n',
    );
    const project = readFileSync(path.join(dir, 'project.json'), 'utf8');
    expect(project.endsWith('}\n')).toBe(true);
    expect(JSON.parse(project)).toMatchObject({ key: 'SRC', name: 'Source', tags: ['ops'] });
    expect(readFileSync(path.join(dir, 'scenarios/daily_refresh.json'), 'utf8')).not.toMatch(/whk_|"token": "[^*]/);
    // Same project, same bytes.
    expect(readFileSync(await download('/api/projects/SRC/export'))).toEqual(
      readFileSync(await download('/api/projects/SRC/export')),
    );
  });

  it('round-trips a project with data and revisions under a new key: the same files but the key', async () => {
    const first = await download('/api/projects/SRC/export?data=true&revisions=true');
    const imported = await importZip(first, '?key=COPY');
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ key: 'COPY', objects: 4, datasetsWithData: 2 });
    const a = await unpacked(first);
    const b = await unpacked(await download('/api/projects/COPY/export?data=true&revisions=true'));
    expect(filesUnder(b)).toEqual(filesUnder(a));
    expect(filesUnder(a)).toContain('data/trec.parquet');
    expect(filesUnder(a)).toContain('revisions/recipes/compute_medians.json');
    for (const file of filesUnder(a)) {
      const left = readFileSync(path.join(a, file), 'utf8');
      const right = readFileSync(path.join(b, file), 'utf8');
      if (file === 'project.json') {
        // The copy has no build history of its own: only what it lists as not carried differs.
        const source = JSON.parse(left) as { notCarried: { what: string }[] };
        const copy = JSON.parse(right) as { notCarried: unknown };
        const leftOut = source.notCarried;
        expect({ ...copy, notCarried: leftOut }).toEqual({ ...source, key: 'COPY' });
        expect(leftOut.map((n) => n.what)).toEqual(['secrets', 'job-history']);
        expect(imported.body.notCarried).toEqual(leftOut);
      } else expect(right, file).toBe(left);
    }
    for (const dataset of ['trec', 'medians']) {
      const [src, copy] = await Promise.all(
        ['SRC', 'COPY'].map((k) =>
          call<{ rowCount: number; contentHash: string }[]>('GET', `/api/projects/${k}/datasets/${dataset}/versions`),
        ),
      );
      expect(copy.body[0].rowCount).toBe(src.body[0].rowCount);
      expect(copy.body[0].contentHash).toBe(src.body[0].contentHash);
    }
    expect(await checksum('COPY', 'trec')).toEqual(await checksum('SRC', 'trec'));
    const history = await call<{ revision: number; author: string }[]>(
      'GET',
      '/api/projects/COPY/history/recipe/compute_medians',
    );
    expect(history.body.map((r) => [r.revision, r.author])).toEqual([[1, 'admin']]);
  });

  it('refuses an existing key unless renamed, and hostile archives with a 400', async () => {
    const zip = await download('/api/projects/SRC/export');
    const again = await importZip(zip);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain('?key=NEW');
    const renamed = await importZip(zip, '?as=SRC_AS');
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(201);
    expect(renamed.body.key).toBe('SRC_AS');
    expect((await importZip(zip, '?as=SRC_AS')).status).toBe(409);
    expect((await importZip(zip, '?key=ONE&as=TWO')).status).toBe(400);
    const hostile = async (name: string, data: Buffer) => {
      const file = path.join(tmp(), 'h.zip');
      const w = await ZipWriter.create(file);
      await w.addBuffer(
        'project.json',
        Buffer.from(JSON.stringify({ format: 'llano-project', key: 'HOST', kinds: {} })),
      );
      await w.addBuffer(name, data);
      await w.close();
      return importZip(file);
    };
    for (const name of ['../escape.json', '/abs.json', 'datasets/../../x.json'])
      expect((await hostile(name, Buffer.from('{}'))).status, name).toBe(400);
    const bomb = await hostile('datasets/bomb.json', Buffer.alloc(20 * 1024 * 1024));
    expect(bomb.status).toBe(400);
    expect(bomb.body.error?.message).toMatch(/unpacks to more than/);
    expect((await importZip(Buffer.from('not a zip'))).status).toBe(400);
    expect((await call('GET', '/api/projects/HOST')).status).toBe(404);
  });
});
