import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { extractZip } from '../src/common/zip/zip-reader.js';
import { filesUnder, zipFolder } from '../src/common/zip/zip-folder.js';
import type { BuildStarted } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/**
 * A project moved from one server to another (real DuckDB, real files) keeps what a trial found
 * lost: partitionings and partitioned data, wiki attachments, discussions, object tags; what it cannot carry
 * is listed in project.json and answered by the import. A missing or corrupt file in the archive
 * is refused and leaves nothing behind.
 */

const P = '/api/projects/FULL';
const OBS = 'day,band,v\n2024-10-01,b3,13\n2024-10-01,b6,16\n2024-10-02,b3,23\n2024-10-02,b6,26\n2024-10-02,b6,1\n';
const byDayBand = {
  dimensions: [
    { name: 'day', type: 'time', period: 'day', column: 'day' },
    { name: 'band', type: 'discrete', column: 'band' },
  ],
};
/** Every byte value, so a text conversion anywhere would show. */
const PLOT = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
const ROSTER = 'shift,who\nnight,alice\n';
const tmp = () => mkdtempSync(path.join(tmpdir(), 'llano-transfer-all-'));

type Partition = { id: string; rows: number | null; state: string };
type Thread = {
  id: string;
  projectKey: string;
  object: string;
  title: string;
  status: string;
  createdBy: string;
  createdAt: string;
  messages: { author: string; message: string; createdAt: string }[];
};
type Imported = {
  key: string;
  partitionedDatasets: number;
  datasetsWithData: number;
  attachments: number;
  discussions: number;
  authorsWithoutAccount: string[];
  skippedMembers: string[];
  notCarried: { what: string; count: number; items?: string[] }[];
  error?: { message: string };
};

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

describe('project export and import carry partitions, attachments and discussions', () => {
  let source: TestServer;
  let target: TestServer;
  let zip: string;
  let folder: string;

  const download = async (s: TestServer, url: string) => {
    const res = await fetch(s.url + url, { headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    const file = path.join(tmp(), 'p.zip');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return file;
  };
  const unpacked = async (file: string) => {
    const dir = tmp();
    await extractZip(file, dir, { maxBytes: 1e9, maxEntries: 10_000 });
    return dir;
  };
  const importInto = (s: TestServer, file: string, key: string) =>
    s.upload<Imported>(`/api/projects/import?key=${key}`, readFileSync(file), 'p.zip');
  const bytes = async (s: TestServer, key: string, fileName: string) => {
    const res = await fetch(
      `${s.url}/api/projects/${key}/wiki/${encodeURIComponent('ops/shifts')}/attachments/${fileName}`,
      {
        headers: { authorization: `Bearer ${s.adminToken}` },
      },
    );
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };
  const threads = async (s: TestServer, key: string) => {
    const list = await ok(s.call<{ id: string }[]>('GET', `/api/projects/${key}/discussions`, { token: s.adminToken }));
    const whole = [];
    for (const t of list)
      whole.push(await ok(s.call<Thread>('GET', `/api/projects/${key}/discussions/${t.id}`, { token: s.adminToken })));
    // Ids and the project key differ from server to server; the rest must not.
    return whole.map((t) => ({
      object: t.object,
      title: t.title,
      status: t.status,
      createdBy: t.createdBy,
      createdAt: t.createdAt,
      messages: t.messages.map((m) => ({ author: m.author, message: m.message, createdAt: m.createdAt })),
    }));
  };
  const partitionsOf = (s: TestServer, key: string, dataset: string) =>
    ok(s.call<Partition[]>('GET', `/api/projects/${key}/datasets/${dataset}/partitions`, { token: s.adminToken }));
  /** A corrupted copy of the exported archive: `change` edits its unpacked folder. */
  const corrupted = async (change: (dir: string) => void) => {
    const dir = await unpacked(zip);
    change(dir);
    const file = path.join(tmp(), 'bad.zip');
    await zipFolder(dir, file);
    return file;
  };
  /** Nothing of project `key` on the target: not in the catalog, no files. */
  const leftNothing = async (key: string) => {
    expect((await target.call('GET', `/api/projects/${key}`, { token: target.adminToken })).status).toBe(404);
    expect(existsSync(path.join(target.home, 'data', key))).toBe(false);
  };

  beforeAll(async () => {
    source = await startTestServer();
    // The target has bob but not alice; its attachments may be at most ~10 KB.
    target = await startTestServer({ maxAttachmentMb: 0.01 });
    const admin = source.adminToken;
    for (const [s, users] of [
      [source, ['alice', 'bob']],
      [target, ['bob']],
    ] as const)
      for (const u of users)
        await ok(
          s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: `password-${u}` } }),
          201,
        );
    const call = <T>(method: string, url: string, body?: unknown, token = admin) =>
      ok(source.call<T>(method, `${P}${url}`, { token, body }), method === 'POST' ? 201 : 200);
    await ok(source.call('POST', '/api/projects', { token: admin, body: { key: 'FULL' } }), 201);
    for (const u of ['alice', 'bob']) await call('PUT', `/members/${u}`, { role: 'writer' });
    await ok(source.upload(`${P}/datasets/obs/upload`, OBS, 'obs.csv'), 201);
    await call('PUT', '/datasets/obs/partitioning', byDayBand);
    await call('POST', '/recipes', {
      type: 'sql',
      name: 'r_daily',
      inputs: ['obs'],
      output: 'daily',
      sql: "SELECT day, band, sum(v) AS total, count(*) AS n FROM obs WHERE CAST(day AS VARCHAR) = '{{partition.day}}' AND band = '{{partition.band}}' GROUP BY ALL",
    });
    await call('PUT', '/datasets/daily/partitioning', byDayBand);
    const build = await ok(
      source.call<BuildStarted>('POST', `${P}/builds`, {
        token: admin,
        body: { targets: [{ dataset: 'daily', partitions: 'missing' }] },
      }),
      202,
    );
    expect((await waitForJobEnd(source, 'FULL', build.jobId)).status).toBe('succeeded');
    await call('PUT', `/wiki/${encodeURIComponent('ops/shifts')}`, { content: '# Shifts' });
    await ok(source.upload(`${P}/wiki/${encodeURIComponent('ops/shifts')}/attachments`, ROSTER, 'roster.csv'), 201);
    await ok(source.upload(`${P}/wiki/${encodeURIComponent('ops/shifts')}/attachments`, PLOT, 'plot.png'), 201);
    const alice = await source.login('alice', 'password-alice');
    const bob = await source.login('bob', 'password-bob');
    const thread = await call<{ id: string }>(
      'POST',
      '/discussions',
      { object: 'dataset:daily', title: 'Band 6 doubled?', message: '@bob day 2 has two rows' },
      alice,
    );
    await call('POST', `/discussions/${thread.id}/replies`, { message: 'Yes, a re-observation.' }, bob);
    await call('PATCH', `/discussions/${thread.id}`, { status: 'closed' }, alice);
    await call('POST', '/discussions', { object: 'wiki:ops/shifts', title: 'Night roster', message: 'Who?' }, bob);
    await call('PUT', `/tags/wiki/${encodeURIComponent('ops/shifts')}`, {
      tags: ['runbook', 'night'],
      description: 'Who is on shift',
    });
    await call('POST', '/api-keys', { name: 'dashboard-robot', role: 'reader' });
    zip = await download(source, `${P}/export?data=true`);
    folder = await unpacked(zip);
  }, 240_000);
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  it('round-trips them to another server: same partitions, attachment bytes and threads', async () => {
    expect(filesUnder(folder)).toEqual(
      expect.arrayContaining([
        'partitioning/obs.json',
        'partitioning/daily.json',
        'data/daily.partitions/2024-10-01%7Cb3.parquet',
        'data/daily.partitions/2024-10-02%7Cb6.parquet',
        'wiki-attachments.json',
        'wiki-attachments/ops%2Fshifts/plot.png',
        'discussions.json',
        'object-tags.json',
      ]),
    );
    const imported = await ok(importInto(target, zip, 'COPY'), 201);
    expect(imported).toMatchObject({
      partitionedDatasets: 2,
      datasetsWithData: 2,
      attachments: 2,
      discussions: 2,
      taggedObjects: 1,
    });
    const tags = (s: TestServer, key: string) =>
      ok(s.call('GET', `/api/projects/${key}/tags/wiki/${encodeURIComponent('ops/shifts')}`, { token: s.adminToken }));
    expect(await tags(target, 'COPY')).toEqual(await tags(source, 'FULL'));
    expect(await tags(target, 'COPY')).toMatchObject({ tags: ['runbook', 'night'], description: 'Who is on shift' });
    expect(imported.authorsWithoutAccount).toEqual(['alice']);
    expect(imported.skippedMembers).toEqual(['alice']);

    for (const dataset of ['obs', 'daily']) {
      const [before, after] = await Promise.all([
        partitionsOf(source, 'FULL', dataset),
        partitionsOf(target, 'COPY', dataset),
      ]);
      expect(after, dataset).toEqual(before);
      expect(after.length, dataset).toBe(4);
    }
    expect((await partitionsOf(target, 'COPY', 'daily')).map((p) => [p.id, p.rows, p.state])).toEqual([
      ['2024-10-01|b3', 1, 'ready'],
      ['2024-10-01|b6', 1, 'ready'],
      ['2024-10-02|b3', 1, 'ready'],
      ['2024-10-02|b6', 1, 'ready'],
    ]);
    const rows = (s: TestServer, key: string) =>
      ok(
        s.call<{ rows: unknown[][] }>('GET', `/api/projects/${key}/datasets/daily/data?limit=100&sort=day,band`, {
          token: s.adminToken,
        }),
      );
    const copied = await rows(target, 'COPY');
    expect(copied.rows).toEqual((await rows(source, 'FULL')).rows);
    expect(copied.rows.at(-1)).toEqual(['2024-10-02', 'b6', 27, 2]);

    // The catalog search knows the imported objects.
    const found = await ok(
      target.call<{ items: { kind: string; name: string }[] }>('GET', '/api/catalog/search?q=daily&project=COPY', {
        token: target.adminToken,
      }),
    );
    expect(found.items.map((h) => `${h.kind}:${h.name}`)).toContain('dataset:daily');

    expect(await bytes(target, 'COPY', 'plot.png')).toEqual(PLOT);
    expect((await bytes(target, 'COPY', 'roster.csv')).toString()).toBe(ROSTER);
    const attachments = (s: TestServer, key: string) =>
      ok(
        s.call(`GET`, `/api/projects/${key}/wiki/${encodeURIComponent('ops/shifts')}/attachments`, {
          token: s.adminToken,
        }),
      );
    expect(await attachments(target, 'COPY')).toEqual(await attachments(source, 'FULL'));

    const moved = await threads(target, 'COPY');
    expect(moved).toEqual(await threads(source, 'FULL'));
    expect(moved.map((t) => [t.object, t.status, t.messages.map((m) => m.author)])).toEqual(
      expect.arrayContaining([
        ['dataset:daily', 'closed', ['alice', 'bob']],
        ['wiki-page:ops/shifts', 'open', ['bob']],
      ]),
    );
    // Exported again from the target: the same files, but for what project.json lists as left out.
    const again = await unpacked(await download(target, '/api/projects/COPY/export?data=true'));
    expect(filesUnder(again)).toEqual(filesUnder(folder));
    for (const file of filesUnder(folder).filter((f) => f !== 'project.json'))
      expect(readFileSync(path.join(again, file)), file).toEqual(readFileSync(path.join(folder, file)));
    // bob has an account on the target: the thread he opened is his (he may close it).
    const bobThere = await target.login('bob', 'password-bob');
    await ok(
      target.call('PUT', '/api/projects/COPY/members/bob', { token: target.adminToken, body: { role: 'reader' } }),
    );
    const his = (
      await ok(
        target.call<{ id: string; title: string }[]>('GET', '/api/projects/COPY/discussions', { token: bobThere }),
      )
    ).find((t) => t.title === 'Night roster');
    await ok(
      target.call('PATCH', `/api/projects/COPY/discussions/${his!.id}`, {
        token: bobThere,
        body: { status: 'closed' },
      }),
    );
  });

  it('lists what it cannot carry in project.json and answers it at import', async () => {
    const project = JSON.parse(readFileSync(path.join(folder, 'project.json'), 'utf8')) as Imported;
    const what = Object.fromEntries(project.notCarried.map((n) => [n.what, n]));
    expect(Object.keys(what)).toEqual(expect.arrayContaining(['api-keys', 'job-history', 'older-versions']));
    expect(what['api-keys'].count).toBe(1);
    expect(project.notCarried.every((n) => n.count > 0)).toBe(true);
    const imported = await ok(importInto(target, zip, 'LISTED'), 201);
    expect(imported.notCarried).toEqual(project.notCarried);
  });

  it('refuses an archive whose attachment or partition file is missing or corrupt, importing nothing', async () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['NO_ATTACHMENT', (d) => rmSync(path.join(d, 'wiki-attachments/ops%2Fshifts/plot.png')), /plot\.png is missing/],
      [
        'BAD_ATTACHMENT',
        (d) =>
          writeFileSync(path.join(d, 'wiki-attachments/ops%2Fshifts/roster.csv'), ROSTER.replace('alice', 'mallo')),
        /roster\.csv does not match/,
      ],
      [
        'NO_PARTITION',
        (d) => rmSync(path.join(d, 'data/daily.partitions/2024-10-02%7Cb6.parquet')),
        /2024-10-02%7Cb6\.parquet is missing/,
      ],
      [
        'BAD_PARTITION',
        (d) => {
          const file = path.join(d, 'data/daily.partitions/2024-10-01%7Cb3.parquet');
          writeFileSync(file, readFileSync(file).subarray(0, 100));
        },
        /2024-10-01%7Cb3\.parquet does not match the SHA-256/,
      ],
      [
        'BAD_HANDMADE',
        (d) => {
          rmSync(path.join(d, 'data/obs.json'));
          writeFileSync(path.join(d, 'data/obs.parquet'), 'not parquet at all');
        },
        /obs\.parquet is not a readable Parquet file/,
      ],
    ];
    cases.push([
      'NEWER',
      (d) => {
        const file = path.join(d, 'project.json');
        writeFileSync(file, readFileSync(file, 'utf8').replace('"formatVersion": 2', '"formatVersion": 3'));
      },
      /format version 3 is newer than this Llano reads \(2\)/,
    ]);
    for (const [key, change, message] of cases) {
      const r = await importInto(target, await corrupted(change), key);
      expect(r.status, key).toBe(400);
      expect(r.body.error?.message, key).toMatch(message);
      await leftNothing(key);
    }
  });

  it('deletes the new project when writing fails after it was created', async () => {
    // Intact and as listed, but over the target's attachment limit: refused while being stored.
    const big = Buffer.alloc(20_000, 7);
    const file = await corrupted((d) => {
      writeFileSync(path.join(d, 'wiki-attachments/ops%2Fshifts/plot.png'), big);
      const index = JSON.parse(readFileSync(path.join(d, 'wiki-attachments.json'), 'utf8')) as {
        fileName: string;
        size: number;
        sha256: string;
      }[];
      const plot = index.find((a) => a.fileName === 'plot.png')!;
      plot.size = big.length;
      plot.sha256 = createHash('sha256').update(big).digest('hex');
      writeFileSync(path.join(d, 'wiki-attachments.json'), JSON.stringify(index));
    });
    const r = await importInto(target, file, 'TOO_BIG');
    expect(r.status).toBe(413);
    expect(r.body.error?.message).toContain('LLANO_MAX_ATTACHMENT_MB');
    await leftNothing('TOO_BIG');
  });
});
