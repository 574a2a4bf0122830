import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterColumnsOf, SortedCopies } from '../src/api-services/sorted-copies.js';
import { runSqlEndpoint } from '../src/api-services/sql-endpoint.js';
import type { SqlEndpoint } from '../src/api-services/types.js';
import { quoteLiteral } from '../src/common/names.js';
import { resolveSource } from '../src/datasets/datasets.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const rowsOf = (n: number, offset = 0) =>
  ['antenna,band,trec', ...Array.from({ length: n }, (_, i) => `DA${(i * 7) % 13},${i % 4},${offset + i}`)].join('\n');

describe('sorted copies of SQL endpoint inputs', () => {
  let s: TestServer;
  const endpoint = {
    id: 'by-antenna',
    type: 'sql-query',
    sql: 'SELECT band, count(*) AS n, sum(trec) AS t FROM obs WHERE antenna = :antenna GROUP BY band ORDER BY band',
    parameters: [{ name: 'antenna', type: 'string' }],
  } as SqlEndpoint;

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'SRT' } })).status).toBe(201);
    expect((await s.upload('/api/projects/SRT/datasets/obs/upload', rowsOf(5_000), 'obs.csv')).status).toBe(201);
  });
  afterAll(async () => s?.stop());

  it('finds the columns a query compares with its parameters, equality first', () => {
    expect(filterColumnsOf('SELECT * FROM t WHERE ts >= :since AND "my ""col""" = :x AND band = :band')).toEqual([
      'my "col"',
      'band',
      'ts',
    ]);
    expect(filterColumnsOf("SELECT * FROM t WHERE note = ':not' AND n > 3")).toEqual([]);
  });

  it('answers from a copy sorted by those columns, the same as from the dataset, and follows new versions', async () => {
    const copies = new SortedCopies(s.ws, { minBytes: 0 });
    const columns = filterColumnsOf(endpoint.sql);
    const { source } = await resolveSource(s.ws, 'SRT', 'obs');
    // The first call reads the dataset while the copy is made.
    expect(copies.source('SRT', 'obs', source, columns)).toBe(source);
    await copies.settle();
    const sorted = copies.source('SRT', 'obs', source, columns);
    expect(sorted).not.toBe(source);
    const file = sorted.kind === 'parquet' ? sorted.paths[0] : '';
    expect(file).toContain('.api-sorted');
    const read = await s.ws.duck.query(`SELECT antenna FROM read_parquet(${quoteLiteral(file)})`);
    const antennas = read.rows.map((r) => String(r[0]));
    expect(antennas).toHaveLength(5_000);
    expect(antennas).toEqual([...antennas].sort());
    for (const antenna of ['DA0', 'DA7', 'DA12', 'nobody'])
      expect(await runSqlEndpoint(s.ws, 'SRT', endpoint, { obs: sorted }, { antenna })).toEqual(
        await runSqlEndpoint(s.ws, 'SRT', endpoint, { obs: source }, { antenna }),
      );

    // A new version is new files: a new copy, never the old data.
    expect((await s.upload('/api/projects/SRT/datasets/obs/upload', rowsOf(300, 1000), 'obs.csv')).status).toBe(201);
    const next = (await resolveSource(s.ws, 'SRT', 'obs')).source;
    expect(copies.source('SRT', 'obs', next, columns)).toBe(next);
    await copies.settle();
    const nextSorted = copies.source('SRT', 'obs', next, columns);
    expect(nextSorted).not.toEqual(sorted);
    expect(await runSqlEndpoint(s.ws, 'SRT', endpoint, { obs: nextSorted }, { antenna: 'DA0' })).toEqual(
      await runSqlEndpoint(s.ws, 'SRT', endpoint, { obs: next }, { antenna: 'DA0' }),
    );
  });

  it('leaves small datasets and columns the data does not have alone', async () => {
    const copies = new SortedCopies(s.ws);
    const { source } = await resolveSource(s.ws, 'SRT', 'obs');
    copies.source('SRT', 'obs', source, ['antenna']);
    await copies.settle();
    expect(copies.source('SRT', 'obs', source, ['antenna'])).toBe(source);
    const anyColumns = new SortedCopies(s.ws, { minBytes: 0 });
    anyColumns.source('SRT', 'obs', source, ['no_such_column']);
    await anyColumns.settle();
    expect(anyColumns.source('SRT', 'obs', source, ['no_such_column'])).toBe(source);
  });
});
