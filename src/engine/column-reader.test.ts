import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlanoError } from '../common/errors.js';
import { changePointReport } from './column-analyses.js';
import { describeFile, readColumnsAsJson, readNumericColumns } from './column-reader.js';
import { DuckDb } from './duckdb.js';

describe('column reader', () => {
  let db: DuckDb;
  let dir: string;
  beforeAll(async () => {
    db = await DuckDb.open();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-columns-'));
    writeFileSync(path.join(dir, 'a.csv'), 'antenna,trec,n\nDA41,40.5,1\nDA42,,2\nDV02,38.25,3\n');
    await db.run(
      `COPY (SELECT range AS i, range * 0.5 AS x FROM range(5000)) TO '${path.join(dir, 'b.parquet')}' (FORMAT parquet)`,
    );
  });
  afterAll(() => db?.close());

  it('reads numeric CSV columns as Float64Arrays with NULL as NaN', async () => {
    const r = await readNumericColumns(db, path.join(dir, 'a.csv'), ['trec', 'n']);
    expect(r.rows).toBe(3);
    expect(r.values.trec).toBeInstanceOf(Float64Array);
    expect(Array.from(r.values.trec)).toEqual([40.5, NaN, 38.25]);
    expect(Array.from(r.values.n)).toEqual([1, 2, 3]);
  });

  it('reads Parquet across several chunks', async () => {
    const r = await readNumericColumns(db, path.join(dir, 'b.parquet'), ['x']);
    expect(r.rows).toBe(5000);
    expect(r.values.x[4999]).toBe(2499.5);
    expect(r.values.x.reduce((a, b) => a + b, 0)).toBe((0.5 * (4999 * 5000)) / 2);
    expect((await describeFile(db, path.join(dir, 'b.parquet'))).map((c) => c.name)).toEqual(['i', 'x']);
  });

  it('sorts by a column and reads timestamps as epoch seconds when asked', async () => {
    writeFileSync(path.join(dir, 't.csv'), 't,v\n2024-01-02 00:00:00,2\n2024-01-01 00:00:00,1\n');
    const r = await readNumericColumns(db, path.join(dir, 't.csv'), ['v', 't'], {
      orderBy: 't',
      temporalAsEpochSeconds: true,
    });
    expect(Array.from(r.values.v)).toEqual([1, 2]);
    expect(r.values.t[1] - r.values.t[0]).toBe(86400);
    await expect(readNumericColumns(db, path.join(dir, 't.csv'), ['t'])).rejects.toThrow(/TIMESTAMP, not numeric/);
  });

  it('reads text columns as values', async () => {
    expect(await readColumnsAsJson(db, path.join(dir, 'a.csv'), ['antenna'])).toEqual({
      antenna: ['DA41', 'DA42', 'DV02'],
    });
  });

  it('rejects a missing file, a missing column and a non-numeric column with a LlanoError', async () => {
    await expect(readNumericColumns(db, path.join(dir, 'nope.csv'), ['x'])).rejects.toThrow(/file not found/);
    await expect(readNumericColumns(db, path.join(dir, 'a.csv'), ['tsys'])).rejects.toThrow(
      /column "tsys" not found .* antenna, trec, n/,
    );
    await expect(readNumericColumns(db, path.join(dir, 'a.csv'), ['antenna'])).rejects.toThrow(
      /"antenna" is VARCHAR, not numeric/,
    );
    await expect(readNumericColumns(db, path.join(dir, 'a.csv'), ['antenna'])).rejects.toBeInstanceOf(LlanoError);
  });

  // A relation that never ends (the server's analytics routes read datasets with these limits).
  const endless = {
    relation: '(WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n::DOUBLE AS v FROM t)',
    label: 'dataset endless',
  };

  it('stops a read at its time limit with an error naming the setting', async () => {
    const limits = { timeoutMs: 200, setting: 'LLANO_QUERY_TIMEOUT_SECONDS' };
    await expect(readNumericColumns(db, endless, ['v'], { limits })).rejects.toMatchObject({
      code: 'query_timeout',
      message: expect.stringMatching(/LLANO_QUERY_TIMEOUT_SECONDS/) as unknown,
    });
    await expect(readColumnsAsJson(db, endless, ['v'], { limits })).rejects.toMatchObject({ code: 'query_timeout' });
  });

  it('stops an analysis whose client went away during its read', async () => {
    const leaving = new AbortController();
    setTimeout(() => leaving.abort(), 200);
    const request = { column: 'v', method: 'auto', cost: 'mean', penalty: 'mbic', noiseModel: 'long-run' } as const;
    await expect(
      changePointReport(() => Promise.resolve(db), endless, request, undefined, { signal: leaving.signal }),
    ).rejects.toMatchObject({ code: 'query_cancelled' });
  });
});
