import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from './duckdb.js';
import {
  orderByClause,
  parseFilter,
  parseFilters,
  parseSort,
  parseTableQuery,
  whereClause,
  type ColumnInfo,
} from './table-query.js';

describe('parseSort', () => {
  it('reads descending and ascending keys', () => {
    expect(parseSort('-a,b')).toEqual([
      { column: 'a', desc: true },
      { column: 'b', desc: false },
    ]);
    expect(parseSort(undefined)).toEqual([]);
    expect(parseSort('')).toEqual([]);
  });
  it('reads a :desc or :asc suffix, which a command line cannot mistake for an option', () => {
    expect(parseSort('price:desc,"a:b":asc,c')).toEqual([
      { column: 'price', desc: true },
      { column: 'a:b', desc: false },
      { column: 'c', desc: false },
    ]);
    expect(parseSort('-price:desc')).toEqual([{ column: 'price', desc: true }]);
    expect(() => parseSort('price:down')).toThrow(
      /Unknown sort direction "down" after column "price": write price:desc/,
    );
    expect(() => parseSort('-price:asc')).toThrow(/both descending \(-\) and :asc/);
  });
  it('reads quoted names containing commas, dashes and quotes', () => {
    expect(parseSort('-"x,y","-z","say ""hi"""')).toEqual([
      { column: 'x,y', desc: true },
      { column: '-z', desc: false },
      { column: 'say "hi"', desc: false },
    ]);
  });
  it('rejects empty names and text after a quoted name', () => {
    expect(() => parseSort('a,')).toThrow(/Empty column name/);
    expect(() => parseSort('"a"b')).toThrow(/Unexpected text/);
    expect(() => parseSort('"a')).toThrow(/Unterminated/);
  });
});

describe('parseFilter', () => {
  it('reads every operator', () => {
    expect(parseFilter('band:eq:3')).toEqual({ column: 'band', op: 'eq', value: '3' });
    expect(parseFilter('band:in:3|6|7')).toEqual({ column: 'band', op: 'in', values: ['3', '6', '7'] });
    expect(parseFilter('flag:isnull')).toEqual({ column: 'flag', op: 'isnull' });
    expect(parseFilter('flag:notnull:')).toEqual({ column: 'flag', op: 'notnull' });
    expect(parseFilter('t:ge:2024-01-01 10:00:00')).toEqual({ column: 't', op: 'ge', value: '2024-01-01 10:00:00' });
    expect(parseFilter('name:contains:')).toEqual({ column: 'name', op: 'contains', value: '' });
    expect(parseFilter('"a:b":startswith:x')).toEqual({ column: 'a:b', op: 'startswith', value: 'x' });
  });
  it('names an unknown operator and a missing value', () => {
    expect(() => parseFilter('band:like:3')).toThrow(/Unknown filter operator "like"/);
    expect(() => parseFilter('band')).toThrow(/no operator/);
    expect(() => parseFilter('band:eq')).toThrow(/needs a value/);
    expect(() => parseFilter('band:isnull:1')).toThrow(/takes no value/);
    expect(() => parseFilter(':eq:1')).toThrow(expect.objectContaining({ status: 400 }));
  });
  it('accepts one or many filter params', () => {
    expect(parseFilters('a:eq:1')).toHaveLength(1);
    expect(parseFilters(['a:eq:1', 'b:isnull'])).toHaveLength(2);
    expect(parseFilters(undefined)).toEqual([]);
  });
});

describe('parseTableQuery', () => {
  it('applies defaults and caps the page size', () => {
    expect(parseTableQuery({})).toEqual({ offset: 0, limit: 100, sort: [], filters: [] });
    expect(parseTableQuery({ offset: '20', limit: '5', sort: '-a', filter: 'a:gt:1' })).toEqual({
      offset: 20,
      limit: 5,
      sort: [{ column: 'a', desc: true }],
      filters: [{ column: 'a', op: 'gt', value: '1' }],
    });
    expect(() => parseTableQuery({ limit: '10001' })).toThrow(/limit/);
    expect(() => parseTableQuery({ offset: '-1' })).toThrow(/offset/);
  });
});

describe('SQL building, run in DuckDB', () => {
  let db: DuckDb;
  const hostile = 'x"; DROP TABLE t; --';
  const columns: ColumnInfo[] = [
    { name: 'id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: hostile, type: 'DOUBLE' },
  ];
  beforeAll(async () => {
    db = await DuckDb.open();
    await db.run(
      `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'DA41', 1.5), (2, 'DV02', NULL), (3, 'PM01', 3.5), (4, 'it''s', 4.5)) v(id, name, "x""; DROP TABLE t; --")`,
    );
  });
  afterAll(() => db.close());

  async function ids(filters: string[], sort = 'id'): Promise<unknown[]> {
    const where = whereClause(parseFilters(filters), columns, 'duckdb');
    const sql = `SELECT id FROM t ${where.sql} ${orderByClause(parseSort(sort), columns)}`;
    return (await db.query(sql, where.params)).rows.map((r) => r[0]);
  }

  it('filters with every operator, values passed as parameters', async () => {
    expect(await ids(['id:eq:2'])).toEqual([2]);
    expect(await ids(['id:ne:2'])).toEqual([1, 3, 4]);
    expect(await ids(['id:lt:2'])).toEqual([1]);
    expect(await ids(['id:le:2'])).toEqual([1, 2]);
    expect(await ids(['id:gt:2'])).toEqual([3, 4]);
    expect(await ids(['id:ge:2', 'id:le:3'])).toEqual([2, 3]);
    expect(await ids(['name:contains:0'])).toEqual([2, 3]);
    expect(await ids(['name:startswith:D'])).toEqual([1, 2]);
    expect(await ids(["name:eq:it's"])).toEqual([4]);
    expect(await ids(['id:in:1|3|9'])).toEqual([1, 3]);
    expect(await ids([`"${hostile.replace(/"/g, '""')}":isnull`])).toEqual([2]);
    expect(await ids([`"${hostile.replace(/"/g, '""')}":gt:2`])).toEqual([3, 4]);
    expect(await ids(["name:eq:' OR 1=1 --"])).toEqual([]);
  });

  it('sorts descending with nulls last, by a hostile column', async () => {
    expect(await ids([], `-"${hostile.replace(/"/g, '""')}"`)).toEqual([4, 3, 1, 2]);
    expect(await ids([], '-id')).toEqual([4, 3, 2, 1]);
    expect((await db.query('SELECT count(*) FROM t')).rows[0][0]).toBe(4);
  });

  it('names unknown columns in filters and sorts', () => {
    expect(() => whereClause(parseFilters(['nope:eq:1']), columns, 'duckdb')).toThrow(
      /Unknown column "nope" in filter/,
    );
    expect(() => orderByClause(parseSort('-nope'), columns)).toThrow(/Unknown column "nope" in sort/);
  });

  it('reports a value of the wrong type as a conversion error', async () => {
    await expect(ids(['id:eq:abc'])).rejects.toThrow(/Conversion/);
  });

  it('numbers PostgreSQL placeholders from the given start', () => {
    const where = whereClause(parseFilters(['id:in:1|2', 'name:contains:D']), columns, 'postgres', 3);
    expect(where.sql).toBe('WHERE "id" IN ($3, $4) AND strpos(CAST("name" AS text), $5) > 0');
    expect(where.params).toEqual(['1', '2', 'D']);
  });
});
