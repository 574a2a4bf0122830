import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import type { ApiError, BuildStarted, DataPage, DatasetShown, Job } from './support/api-types.js';
import { parseJson } from './support/http.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';
import { OVER_LIMIT_DRAIN } from '../src/server/raw-upload.js';

const P = '/api/projects/EXT';

describe('external datasets, pushdown, limits and progress', () => {
  let s: TestServer;
  let db: RunningPostgres;
  let files: string;

  beforeAll(async () => {
    [s, db] = await Promise.all([startTestServer({ maxUploadMb: 1, buildParallelism: 2 }), startPostgres()]);
    files = mkdtempSync(path.join(tmpdir(), 'llano-files-'));
    writeFileSync(path.join(files, 'pads.csv'), 'pad,arm\nA001,central\nW201,west\nS301,south\n');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `CREATE TABLE eb (uid text, band int, minutes double precision); INSERT INTO eb VALUES ('uid://A002/X1/X1', 3, 50), ('uid://A002/X1/X2', 6, 70), ('uid://A002/X1/X3', 6, 30)`,
    );
    await client.end();
    await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'EXT' } });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('reads a file in place under a filesystem connection, never outside it', async () => {
    expect(
      (
        await s.call('POST', `${P}/connections`, {
          token: s.adminToken,
          body: { name: 'files', type: 'filesystem', root: files },
        })
      ).status,
    ).toBe(201);
    const d = await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'pads', storage: { type: 'file', connection: 'files', path: 'pads.csv', format: 'csv' } },
    });
    expect(d.status).toBe(201);
    const rows = await s.call<DataPage>('GET', `${P}/datasets/pads/data?sort=pad`, { token: s.adminToken });
    expect(rows.body.rows).toEqual([
      ['A001', 'central'],
      ['S301', 'south'],
      ['W201', 'west'],
    ]);
    const escape = await s.call<ApiError>('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'passwd', storage: { type: 'file', connection: 'files', path: '../../etc/passwd', format: 'csv' } },
    });
    expect(escape.status).toBe(400);
    expect(escape.body.error.message).toMatch(/outside the connection's folder/);
  });

  it('reads a PostgreSQL table in place and never returns the password', async () => {
    const c = await s.call('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { name: 'ops_db', type: 'postgres', url: db.url },
    });
    expect(c.status).toBe(201);
    expect(JSON.stringify(c.body)).not.toContain('llano-test');
    expect(JSON.stringify((await s.call('GET', `${P}/connections`, { token: s.adminToken })).body)).not.toContain(
      'llano-test',
    );
    await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'eb', storage: { type: 'postgres', connection: 'ops_db', table: { name: 'eb' } } },
    });
    const rows = await s.call<DataPage>('GET', `${P}/datasets/eb/data?sort=-minutes&filter=band:eq:6`, {
      token: s.adminToken,
    });
    expect(rows.body).toMatchObject({ columns: ['uid', 'band', 'minutes'], total: 2 });
    expect(rows.body.rows.map((r) => r[2])).toEqual([70, 30]);
  });

  it('pushes a SQL recipe down into PostgreSQL when input and output share the connection', async () => {
    await s.call('POST', `${P}/datasets`, {
      token: s.adminToken,
      body: { name: 'eb_by_band', storage: { type: 'postgres', connection: 'ops_db', table: { name: 'eb_by_band' } } },
    });
    const r = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'r_pg',
        type: 'sql',
        inputs: ['eb'],
        output: 'eb_by_band',
        sql: 'SELECT band, sum(minutes) AS minutes FROM eb GROUP BY band ORDER BY band',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job = await waitForJobEnd(
      s,
      'EXT',
      (await s.call<BuildStarted>('POST', `${P}/builds`, { token: s.adminToken, body: { targets: ['eb_by_band'] } }))
        .body.jobId,
    );
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const log = await s.call('GET', `${P}/jobs/${job.id}/log`, { token: s.adminToken });
    expect(log.body).toMatch(/pushdown/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ band: number; minutes: number }>(
      'SELECT band, minutes FROM eb_by_band ORDER BY band',
    );
    await client.end();
    expect(rows).toEqual([
      { band: 3, minutes: 50 },
      { band: 6, minutes: 100 },
    ]);
  });

  it('draws charts of a PostgreSQL table with the aggregation done in PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `CREATE TABLE trec_pg (day date, band int, trec double precision);
       INSERT INTO trec_pg SELECT DATE '2025-01-01' + (i % 40), 3 + (i % 3) * 3, CASE WHEN i % 17 = 0 THEN NULL ELSE 30 + (i * 7919) % 50 END
       FROM generate_series(1, 900) AS i`,
    );
    const expected = async (sql: string) => (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
    try {
      await s.call('POST', `${P}/datasets`, {
        token: s.adminToken,
        body: { name: 'trec_pg', storage: { type: 'postgres', connection: 'ops_db', table: { name: 'trec_pg' } } },
      });
      const save = (id: string, chart: unknown) =>
        s.call('POST', `${P}/insights`, {
          token: s.adminToken,
          body: { id, name: id, type: 'chart', dataset: 'trec_pg', chart },
        });
      const data = async (id: string, query = '') =>
        (
          await s.call<{ rows: unknown[][]; sql: string }>('GET', `${P}/insights/${id}/data${query}`, {
            token: s.adminToken,
          })
        ).body;

      expect(
        (await save('avg_by_band', { kind: 'bar', x: { column: 'band' }, y: [{ column: 'trec', agg: 'avg' }] })).status,
      ).toBe(201);
      const byBand = await data('avg_by_band');
      const pgByBand = await expected('SELECT band, avg(trec) FROM trec_pg GROUP BY band ORDER BY band');
      expect(byBand.rows.map((r) => [r[0], Number(Number(r[1]).toFixed(9))])).toEqual(
        pgByBand.map((r) => [r[0], Number(Number(r[1]).toFixed(9))]),
      );
      // The query ran in PostgreSQL: its text reads the table by name, not a DuckDB file.
      expect(byBand.sql).toMatch(/trec_pg/);
      expect(byBand.sql).not.toMatch(/read_parquet/);

      await save('weekly_count', {
        kind: 'line',
        x: { column: 'day', bin: { method: 'auto', unit: 'week' } },
        y: [{ agg: 'count' }, { column: 'trec', agg: 'max' }],
      });
      const weekly = await data('weekly_count', '?filters=band:eq:6');
      const pgWeekly = await expected(
        `SELECT date_trunc('week', day)::date, count(*), max(trec) FROM trec_pg WHERE band = 6 GROUP BY 1 ORDER BY 1`,
      );
      const day = (v: unknown) => new Date(String(v)).toISOString().slice(0, 10);
      expect(weekly.rows.map((r) => [day(r[0]), Number(r[1]), Number(r[2])])).toEqual(
        pgWeekly.map((r) => [day(r[0]), Number(r[1]), Number(r[2])]),
      );

      // Small multiples in PostgreSQL: the two days with the largest max(trec) kept (ties by day), all 40 counted.
      await save('facet_days', {
        kind: 'bar',
        x: { column: 'band' },
        facet: { column: 'day', max: 2 },
        y: [{ column: 'trec', agg: 'max' }],
        sort: { by: 'y', desc: true },
      });
      const faceted = (await data('facet_days')) as { rows: unknown[][]; facets?: unknown };
      expect(faceted.facets).toEqual({ shown: 2, total: 40 });
      const pgTopDays = await expected(
        'SELECT day FROM trec_pg GROUP BY day ORDER BY max(trec) DESC NULLS LAST, day LIMIT 2',
      );
      expect([...new Set(faceted.rows.map((r) => day(r[1])))]).toEqual(pgTopDays.map((r) => day(r[0])));

      // KPI: this week's count against last week's, computed in PostgreSQL, checked against its own aggregation.
      await save('weekly_kpi', { kind: 'kpi', y: [{ agg: 'count' }], kpi: { time: 'day', period: 'week', points: 3 } });
      const kpi = await data('weekly_kpi');
      const pgKpi = await expected(
        `SELECT date_trunc('week', day)::date, count(*) FROM trec_pg GROUP BY 1 ORDER BY 1 DESC LIMIT 3`,
      );
      pgKpi.reverse();
      expect(kpi.rows.map((r) => [day(r[0]), Number(r[1])])).toEqual(pgKpi.map((r) => [day(r[0]), Number(r[1])]));
      const [current, previous] = [Number(pgKpi[2][1]), Number(pgKpi[1][1])];
      expect([Number(kpi.rows[0][2]), Number(kpi.rows[0][3])]).toEqual([current, previous]);
      expect(Number(kpi.rows[0][4])).toBeCloseTo((current - previous) / previous, 9);
    } finally {
      await client.end();
    }
  });

  it('joins a PostgreSQL table with a file in DuckDB', async () => {
    const r = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'r_mix',
        type: 'sql',
        inputs: ['eb', 'pads'],
        output: 'mixed',
        sql: 'SELECT count(*) AS n FROM eb CROSS JOIN pads',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job = await waitForJobEnd(
      s,
      'EXT',
      (await s.call<BuildStarted>('POST', `${P}/builds`, { token: s.adminToken, body: { targets: ['mixed'] } })).body
        .jobId,
    );
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect((await s.call<DataPage>('GET', `${P}/datasets/mixed/data`, { token: s.adminToken })).body.rows).toEqual([
      [9],
    ]);
  });

  it('answers 413 for an upload over LLANO_MAX_UPLOAD_MB and creates nothing', async () => {
    const big = 'x\n' + '1234567890\n'.repeat(120_000);
    const r = await s.upload<ApiError>(`${P}/datasets/big/upload`, big, 'big.csv');
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
    expect((await s.call('GET', `${P}/datasets/big`, { token: s.adminToken })).status).toBe(404);
  });

  it('takes the file itself as the body (text/csv, gzip), refuses one over the limit (413) and an unknown type (415)', async () => {
    const raw = (name: string, body: string | Blob, type: string, query = '') =>
      fetch(`${s.url}${P}/datasets/${name}/upload${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': type },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as DatasetShown & ApiError }));
    const csv = await raw(
      'raw_pads',
      'pad;arm\nA001;central\nW201;west\n',
      'text/csv',
      '?filename=pads.csv&delimiter=;',
    );
    expect(csv.status, JSON.stringify(csv.body)).toBe(201);
    expect(csv.body.rowCount).toBe(2);
    expect(csv.body.columns?.map((c) => c.name)).toEqual(['pad', 'arm']);
    // No file name: the content decides (gzip by its magic bytes, then CSV).
    const gz = await raw(
      'raw_gz',
      new Blob([new Uint8Array(gzipSync('x,y\n1,2\n3,4\n5,6\n'))]),
      'application/octet-stream',
    );
    expect(gz.status, JSON.stringify(gz.body)).toBe(201);
    expect(gz.body.rowCount).toBe(3);
    const big = await raw('raw_big', 'x\n' + '1234567890\n'.repeat(120_000), 'text/csv', '?filename=big.csv');
    expect(big.status).toBe(413);
    expect(big.body.error.message).toBe('Upload exceeds the limit of 1 MB');
    // Sent chunked (no Content-Length): read to its end and then refused, so the client gets the 413.
    const chunked = await fetch(`${s.url}${P}/datasets/raw_big/upload?filename=big.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
      body: new Blob(['x\n' + '1234567890\n'.repeat(120_000)]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // An endless body, raw or as a multipart form: the server reads at most OVER_LIMIT_DRAIN past
    // the limit, answers 413 or closes the connection, and keeps serving.
    const endlessUpload = async (contentType: string, head: string) => {
      let sent = 0;
      const megabyte = new Uint8Array(1 << 20).fill(0x31);
      const endless = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(head));
        },
        pull(controller) {
          sent += megabyte.length;
          controller.enqueue(megabyte);
        },
      });
      const refused = await fetch(`${s.url}${P}/datasets/raw_big/upload?filename=big.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': contentType },
        body: endless,
        duplex: 'half',
      } as RequestInit).then(
        (r) => r.status,
        () => 'closed',
      );
      expect([413, 'closed'], contentType).toContain(refused);
      // What the client managed to send: the limit, the drain and what socket buffers hold.
      expect(sent, contentType).toBeLessThan((1 << 20) + OVER_LIMIT_DRAIN + (32 << 20));
      expect((await s.call('GET', '/api/health')).status).toBe(200);
    };
    await endlessUpload('text/csv', 'x\n');
    await endlessUpload(
      'multipart/form-data; boundary=llano-endless',
      '--llano-endless\r\ncontent-disposition: form-data; name="file"; filename="big.csv"\r\ncontent-type: text/csv\r\n\r\nx\n',
    );
    expect((await s.call('GET', `${P}/datasets/raw_big`, { token: s.adminToken })).status).toBe(404);
    const malformed = await raw('raw_bad', 'a,b\n1,2\n3,4,5\n6,7\n', 'text/csv', '?filename=bad.csv');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/line 3/);
    const elsewhere = await fetch(`${s.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
      body: 'key\nX\n',
    });
    expect(elsewhere.status).toBe(415);
    const refusal = (await elsewhere.json()) as ApiError;
    expect(refusal.error).toMatchObject({
      code: 'unsupported_media_type',
      details: { accepted: ['application/json'] },
    });
    expect(refusal.error.message).toMatch(/text\/csv is not accepted here: send application\/json/);
    const untyped = await fetch(`${s.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}` },
      body: new TextEncoder().encode('{"key":"X"}'),
    });
    expect(untyped.status).toBe(415);
    expect(((await untyped.json()) as ApiError).error.message).toMatch(
      /^A body without a content type is not accepted here: send application\/json$/,
    );
    const plain = await fetch(`${s.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/plain' },
      body: '{"key":"X"}',
    });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as ApiError).error.message).toMatch(/text\/plain is not accepted here/);
    // A JSON file sent as is is the file to import (an array of records, as Llano exports them).
    const json = await raw('raw_json', '[{"pad":"A001","n":1},{"pad":"W201","n":2}]', 'application/json');
    expect(json.status, JSON.stringify(json.body)).toBe(201);
    expect(json.body.rowCount).toBe(2);
    expect(json.body.columns?.map((c) => c.name)).toEqual(['pad', 'n']);
    // A body that names no type of its own (`curl -T`, `curl --data-binary`) is the file: its name or content decides.
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
      const untypedFile = await fetch(`${s.url}${P}/datasets/raw_untyped/upload?filename=pads.csv.gz`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.adminToken}`, ...(type ? { 'content-type': type } : {}) },
        body: new Uint8Array(gzipSync('pad,arm\nA001,central\nW201,west\nJ502,south\n')),
      });
      const shown = (await untypedFile.json()) as DatasetShown;
      expect(untypedFile.status, `${type}: ${JSON.stringify(shown)}`).toBe(201);
      expect(shown.rowCount).toBe(3);
    }
    const xml = await raw('raw_xml', '<rows/>', 'application/xml', '?filename=rows.xml');
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('unsupported_media_type');
    expect(xml.body.error.message).toMatch(
      /application\/xml is not accepted here: send multipart\/form-data, application\/octet-stream, text\/csv, .*, application\/json$/,
    );
  });

  it('runs independent branches in parallel and streams progress over SSE', async () => {
    await s.upload(`${P}/datasets/seed/upload`, 'x\n1\n', 'seed.csv');
    // Two independent heavy-ish recipes: with parallelism 2 both run at once.
    const heavy = 'SELECT count(DISTINCT hash(i)) AS n FROM range(3000000) t(i), (SELECT max(x) FROM seed) s';
    await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_a', type: 'sql', inputs: ['seed'], output: 'a', sql: heavy },
    });
    await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_b', type: 'sql', inputs: ['seed'], output: 'b', sql: heavy },
    });
    await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_ab', type: 'sql', inputs: ['a', 'b'], output: 'ab', sql: 'SELECT a.n + b.n AS n FROM a, b' },
    });
    const { jobId } = (
      await s.call<BuildStarted>('POST', `${P}/builds`, {
        token: s.adminToken,
        body: { targets: ['ab'], mode: 'required' },
      })
    ).body;
    const res = await fetch(`${s.url}${P}/jobs/${jobId}/events`, {
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text(); // the stream ends when the job ends
    const events = [...text.matchAll(/event: (\S+)\ndata: (.*)\n/g)].map((m) => ({
      type: m[1],
      data: parseJson<{ recipe?: string; status?: string }>(m[2]),
    }));
    expect(events[0].type).toBe('snapshot');
    expect(events.at(-1)).toMatchObject({ type: 'job-status', data: { status: 'succeeded' } });
    expect(events.filter((e) => e.type === 'activity').map((e) => `${e.data.recipe}:${e.data.status}`)).toEqual(
      expect.arrayContaining(['r_ab:running', 'r_ab:succeeded']),
    );
    // Both branches overlapped in time; the join started after both ended.
    const job = (await s.call<Job>('GET', `${P}/jobs/${jobId}`, { token: s.adminToken })).body;
    const act: Record<string, { startedAt: string; endedAt: string }> = {};
    for (const a of job.activities ?? []) {
      expect(a.startedAt !== null && a.endedAt !== null, a.recipe).toBe(true);
      act[a.recipe] = { startedAt: a.startedAt ?? '', endedAt: a.endedAt ?? '' };
    }
    expect(act.r_a.startedAt < act.r_b.endedAt && act.r_b.startedAt < act.r_a.endedAt).toBe(true);
    expect(act.r_ab.startedAt >= act.r_a.endedAt && act.r_ab.startedAt >= act.r_b.endedAt).toBe(true);
  });

  it('aborts a running build: the running query is interrupted and keeps no output, later activities are aborted', async () => {
    // Endless: before, an abort waited for the running query to end (it never would) and then committed its output.
    const slow =
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) AS n FROM t, (SELECT max(x) FROM seed) s';
    const saved = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_slow', type: 'sql', inputs: ['seed'], output: 'slow', sql: slow },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: { name: 'r_after', type: 'sql', inputs: ['slow'], output: 'after', sql: 'SELECT n FROM slow' },
    });
    const { jobId } = (
      await s.call<BuildStarted>('POST', `${P}/builds`, {
        token: s.adminToken,
        body: { targets: ['after'], mode: 'recursive' },
      })
    ).body;
    const activity = async (recipe: string) =>
      (await s.call<Job>('GET', `${P}/jobs/${jobId}`, { token: s.adminToken })).body.activities?.find(
        (a) => a.recipe === recipe,
      )?.status;
    await expect.poll(() => activity('r_slow'), { timeout: 30_000 }).toBe('running');
    const aborted = await s.call<Job>('POST', `${P}/jobs/${jobId}/abort`, { token: s.adminToken });
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('aborted');
    expect(aborted.body.activities?.find((a) => a.recipe === 'r_slow')?.status).toBe('aborted');
    expect(aborted.body.activities?.find((a) => a.recipe === 'r_after')?.status).toBe('aborted');
    expect(
      (await s.call<DatasetShown>('GET', `${P}/datasets/slow`, { token: s.adminToken })).body.currentVersion,
    ).toBeNull();
    expect((await s.call('POST', `${P}/jobs/${jobId}/abort`, { token: s.adminToken })).status).toBe(409);
    expect(
      (await s.call<DatasetShown>('GET', `${P}/datasets/after`, { token: s.adminToken })).body.currentVersion,
    ).toBeNull();
  });
});
