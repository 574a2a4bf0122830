import { ExactInteger, stringifyExact } from '../common/exact-json.js';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDb } from './duckdb.js';

describe('DuckDb', () => {
  let db: DuckDb;
  afterAll(() => db?.close());

  it('returns JSON-friendly values: safe big integers and decimals as numbers, others exact', async () => {
    db = await DuckDb.open();
    const r = await db.query(
      "SELECT 42::BIGINT AS a, 'x' AS b, 1.5::DECIMAL(5,2) AS d, 9007199254740993::BIGINT AS huge, NULL AS n",
    );
    expect(r.columns).toEqual(['a', 'b', 'd', 'huge', 'n']);
    expect(r.rows).toEqual([[42, 'x', 1.5, new ExactInteger('9007199254740993'), null]]);
    expect(stringifyExact(r.rows)).toBe('[[42,"x",1.5,9007199254740993,null]]');
  });

  it('passes parameters and reports SQL errors with the engine message', async () => {
    const r = await db.query('SELECT $1::INTEGER + 1 AS v', [41]);
    expect(r.rows[0][0]).toBe(42);
    await expect(db.query('SELEC 1')).rejects.toThrow(/syntax error/i);
  });
});
