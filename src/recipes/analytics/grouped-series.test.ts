import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import { orderCodec, readGroupedSeries, rowOrder, sortGroups, type GroupedRead } from './grouped-series.js';

/**
 * The grouped read against SQL's own ORDER BY of the same rows: every group's values and order
 * values in that order, whatever order the rows come in (in order, interleaved, shuffled), with
 * NULL keys, values and order values, by the hash of the keys and by the join alike.
 */
describe('readGroupedSeries', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open();
    // Site 'a' in time order; 'b' as three interleaved time-ordered streams (as parallel scans give
    // them); 'c' shuffled; a NULL site; NULL values and times here and there; ties in time.
    await db.run(`CREATE TABLE obs AS
      SELECT * FROM (
        SELECT 'a' AS site, 1 AS band, i AS t, (i * 7919 % 1000) / 10.0 AS v FROM range(3000) r(i)
        UNION ALL SELECT 'b', 1, (i % 3) * 1000 + i // 3, (i * 104729 % 997) / 10.0 FROM range(3000) r(i)
        UNION ALL SELECT 'c', 2, (i * 7411) % 2503, CASE WHEN i % 97 = 0 THEN NULL ELSE i % 13 END FROM range(2503) r(i)
        UNION ALL SELECT NULL, 2, CASE WHEN i % 5 = 0 THEN NULL ELSE i // 2 END, i FROM range(400) r(i)
        UNION ALL SELECT 'a', NULL, i // 4, -i FROM range(50) r(i)
      )`);
  });
  afterAll(() => db.close());

  const read = (rows: 'valid' | 'all'): GroupedRead => ({
    relation: 'obs',
    groupBy: ['site', 'band'],
    orderBy: { column: 't', codec: orderCodec('t', 'BIGINT') },
    column: 'v',
    rows,
  });

  async function expected(rows: 'valid' | 'all') {
    const where = rows === 'valid' ? 'WHERE t IS NOT NULL AND v IS NOT NULL' : '';
    const sorted = (
      await db.query(
        `SELECT CAST(v AS DOUBLE), CAST(t AS DOUBLE) FROM obs ${where} ORDER BY site NULLS LAST, band NULLS LAST, ${rowOrder({ groupBy: [], orderBy: 't', column: 'v' })}`,
      )
    ).rows;
    const sizes = (
      await db.query(`SELECT count(*) FROM obs ${where} GROUP BY site, band ORDER BY site NULLS LAST, band NULLS LAST`)
    ).rows.map((r) => Number(r[0]));
    return {
      values: sorted.map((r) => (r[0] === null ? NaN : Number(r[0]))),
      order: sorted.map((r) => (r[1] === null ? NaN : Number(r[1]))),
      sizes,
    };
  }

  for (const rows of ['valid', 'all'] as const)
    for (const joinGroups of [false, true])
      it(`gives each group in SQL's order (${rows} rows, groups found by ${joinGroups ? 'a join' : 'hash'})`, async () => {
        const want = await expected(rows);
        const got = await db.withConnection((conn) => readGroupedSeries(conn, read(rows), { joinGroups }));
        expect(got.groupCount).toBe(want.sizes.length);
        expect(Array.from(got.starts.slice(1), (end, g) => end - got.starts[g])).toEqual(want.sizes);
        expect(Array.from(got.values)).toEqual(want.values);
        expect(Array.from(got.order!)).toEqual(want.order);
      });

  it('unordered: each group holds the same rows, left as the scan gives them, in a groups table of its own', async () => {
    const want = await expected('all');
    const got = await db.withConnection(async (conn) => {
      const series = await readGroupedSeries(conn, {
        ...read('all'),
        orderBy: undefined,
        unordered: true,
        groupsTable: 'other_groups',
      });
      const tables = await conn.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE table_name IN ('other_groups', 'llano_groups')`,
      );
      return { series, tables: tables.getRows().map((r) => r[0]) };
    });
    expect(got.tables).toEqual(['other_groups']);
    const { starts, values } = got.series;
    expect(Array.from(starts.slice(1), (end, g) => end - starts[g])).toEqual(want.sizes);
    expect(got.series.order).toBeNull();
    // A Float64Array sorts NaN (a NULL value) last.
    const sortedGroups = (xs: ArrayLike<number>) =>
      want.sizes.map((_, g) =>
        Array.from(
          Float64Array.from(xs)
            .subarray(starts[g], starts[g + 1])
            .sort(),
        ),
      );
    expect(sortedGroups(values)).toEqual(sortedGroups(want.values));
    // Not sorted: site 'c' is stored shuffled and stays so (it would be sorted by value otherwise).
    const c = Array.from(values.subarray(starts[2], starts[3]));
    expect(c).not.toEqual(Array.from(Float64Array.from(c).sort()));
  });

  it('deferSort: the groups as read, put in SQL’s order by sortGroups', async () => {
    const want = await expected('all');
    const got = await db.withConnection((conn) => readGroupedSeries(conn, { ...read('all'), deferSort: true }));
    expect(got.pendingSort).toBe(true);
    expect(Array.from(got.values)).not.toEqual(want.values);
    sortGroups(got, 0, got.groupCount);
    expect(Array.from(got.values)).toEqual(want.values);
    expect(Array.from(got.order!)).toEqual(want.order);
  });

  it('carries each row’s place along with its value', async () => {
    const got = await db.withConnection((conn) =>
      readGroupedSeries(conn, { ...read('all'), relation: '(SELECT *, rowid AS place FROM obs)', rowId: 'place' }),
    );
    const byPlace = new Map(
      (await db.query('SELECT rowid, v FROM obs')).rows.map((r) => [Number(r[0]), r[1] === null ? NaN : Number(r[1])]),
    );
    for (let i = 0; i < got.values.length; i++) expect(got.values[i]).toBe(byPlace.get(got.rowIds![i]));
  });
});
