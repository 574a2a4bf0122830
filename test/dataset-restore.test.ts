import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListedVersion } from '../src/datasets/dataset-types.js';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

type Page = { columns: string[]; rows: unknown[][]; total: number };
type FlowNode = { kind: string; name: string; stale?: string | null };
const OLD = 'antenna,trec\nDA41,35.5\nDA42,36.5\n';
const NEW = 'antenna,trec,band\nDV01,55,6\nDV02,56,6\nDV03,57,7\n';

describe('restoring an old version of a dataset (API)', () => {
  let s: TestServer;
  const P = '/api/projects/RS';
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.stop());
  /** As the admin unless another token is given. */
  const call = <T = unknown>(method: string, url: string, options: { token?: string; body?: unknown } = {}) =>
    s.call<T>(method, url, { token: s.adminToken, ...options });

  const versions = async () => (await call<ListedVersion[]>('GET', `${P}/datasets/trec/versions`)).body;
  const staleness = async () => {
    const flow = await call<{ nodes: FlowNode[] }>('GET', `${P}/flow`);
    return flow.body.nodes.find((n) => n.kind === 'recipe' && n.name === 'r')?.stale;
  };

  it('previews an old version and restores it as a new version; readers of the dataset become stale', async () => {
    expect((await call('POST', '/api/projects', { body: { key: 'RS', name: 'Restore' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/trec/upload`, OLD, 'old.csv')).status).toBe(201);
    const recipe = { name: 'r', type: 'sql', inputs: ['trec'], output: 'out', sql: 'SELECT * FROM trec' };
    expect((await call('POST', `${P}/recipes`, { body: recipe })).status).toBe(201);
    const build = async () => {
      const b = await call<{ jobId: string }>('POST', `${P}/builds`, { body: { targets: ['out'] } });
      expect((await waitForJobEnd(s, 'RS', b.body.jobId)).status).toBe('succeeded');
    };
    await build();
    expect((await s.upload(`${P}/datasets/trec/upload`, NEW, 'new.csv')).status).toBe(201);
    await build();
    expect(await staleness()).toBeNull();

    const [second, first] = await versions();
    expect([second.seq, first.seq, second.current]).toEqual([2, 1, true]);
    const preview = await call<Page>('GET', `${P}/datasets/trec/versions/${first.id}/data?limit=1`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ columns: ['antenna', 'trec'], rows: [['DA41', 35.5]], total: 2 });

    const restored = await call<{ rowCount: number; currentVersion: { seq: number } }>(
      'POST',
      `${P}/datasets/trec/versions/${first.id}/restore`,
    );
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ rowCount: 2, currentVersion: { seq: 3 } });
    const after = await versions();
    expect(after.map((v) => [v.seq, v.current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(after[0].lineage).toMatchObject({ source: 'restore', restoredFrom: 1 });
    const data = await call<Page>('GET', `${P}/datasets/trec/data`);
    expect(data.body.rows).toEqual([
      ['DA41', 35.5],
      ['DA42', 36.5],
    ]);
    // The recipe read version 2's data: it is stale now, as after an import, and builds again.
    expect(await staleness()).toBe('input changed');
    await build();
    expect(await staleness()).toBeNull();
  });

  it('refuses readers, unknown versions, the current version and versions whose data is gone', async () => {
    await call('POST', '/api/users', { body: { username: 'reader2', password: 'reader-password-2' } });
    await call('PUT', `${P}/members/reader2`, { body: { role: 'reader' } });
    const reader = await s.login('reader2', 'reader-password-2');
    const [current, previous, expired] = await versions();
    expect(expired.status).toBe('expired');

    const restore = (id: string, token?: string) =>
      call<{ error: { message: string } }>('POST', `${P}/datasets/trec/versions/${id}/restore`, {
        token: token ?? s.adminToken,
      });
    expect((await restore(previous.id, reader)).status).toBe(403);
    // A reader may preview.
    expect((await call('GET', `${P}/datasets/trec/versions/${previous.id}/data`, { token: reader })).status).toBe(200);
    expect((await restore('no-such-version')).status).toBe(404);
    expect((await call('GET', `${P}/datasets/trec/versions/no-such-version/data`)).status).toBe(404);
    expect((await call('POST', `${P}/datasets/nope/versions/${previous.id}/restore`)).status).toBe(404);
    const same = await restore(current.id);
    expect(same.status).toBe(409);
    expect(JSON.stringify(same.body)).toMatch(/already the current one/);
    const gone = await restore(expired.id);
    expect(gone.status).toBe(409);
    expect(JSON.stringify(gone.body)).toMatch(/Version 1 of trec is expired: its data is not kept/);
    expect((await call('GET', `${P}/datasets/trec/versions/${expired.id}/data`)).status).toBe(409);
  });
});

describe('llano dataset versions / version-head / restore', () => {
  let dir: string;
  let home: string[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-restore-'));
    home = ['--home', path.join(dir, 'ws'), '-p', 'QA'];
    writeFileSync(path.join(dir, 'old.csv'), OLD);
    writeFileSync(path.join(dir, 'new.csv'), NEW);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists versions, shows an old one and restores it by number', async () => {
    expect((await llano(['--home', path.join(dir, 'ws'), 'project', 'create', 'QA'])).code).toBe(0);
    for (const f of ['old.csv', 'new.csv'])
      expect((await llano([...home, 'dataset', 'import', 'trec', path.join(dir, f)])).code).toBe(0);

    const list = await llano([...home, 'dataset', 'versions', 'trec']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/2 \*\s+ready\s+3\s+upload of new\.csv/);
    expect(list.out).toMatch(/1\s+ready\s+2\s+upload of old\.csv/);

    const head = await llano([...home, 'dataset', 'version-head', 'trec', '1']);
    expect(head.code, head.err).toBe(0);
    expect(head.out).toMatch(/DA41/);
    expect(head.out).toMatch(/\(2 of 2 rows of version 1\)/);

    const restore = await llano([...home, 'dataset', 'restore', 'trec', '1']);
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toMatch(/Restored version 1 of trec as version 3 \(2 rows\)/);
    const again = await llano([...home, '--json', 'dataset', 'versions', 'trec']);
    const listed = parseJson<ListedVersion[]>(again.out);
    expect(listed[0]).toMatchObject({ seq: 3, current: true, lineage: { source: 'restore', restoredFrom: 1 } });

    const missing = await llano([...home, 'dataset', 'restore', 'trec', '9']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/no version 9/);
  });
});
