import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputFilesRelation, parquetInputCopy } from '../src/recipes/code/parquet-transfer.js';

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/sandbox/harness');
const PYTHON = process.env.LLANO_PYTHON ?? '/usr/bin/python3';

/**
 * Reads `input` with llano_parquet (as a frame and as rows), writes the frame back to `output`
 * with it, and answers the first rows and the dtypes it saw.
 */
const SCRIPT = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import llano_parquet as lp
src, out, kinds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
frame = lp.to_frame(lp.read_columns(src), kinds)
writer = lp.Writer(out)
half = len(frame) // 2
writer.write_group(lp.frame_columns(frame.iloc[:half], kinds), half)
writer.write_group(lp.frame_columns(frame.iloc[half:], kinds), len(frame) - half)
writer.close()
rows = []
for r in lp.iter_rows(src, kinds):
    rows.append(r)
    if len(rows) == 6:
        break
print(json.dumps({'rows': rows, 'dtypes': {n: str(t) for n, t in frame.dtypes.items()}, 'count': len(frame)}))
`;

function python(input: string, output: string, kinds: Record<string, string>) {
  const text = execFileSync(PYTHON, ['-c', SCRIPT, input, output, JSON.stringify(kinds)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(text) as { rows: Record<string, unknown>[]; dtypes: Record<string, string>; count: number };
}

// 60,000 rows, dictionaries of 7 to 2,300 values (bit widths 3 to 12),
// text with too many distinct values for a dictionary (PLAIN byte arrays), NULLs in every column but id.
const SOURCE = `SELECT i::BIGINT AS id,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN '\\N' WHEN 3 THEN 'é€😀 "q", x' ELSE 'B' || (3 + i % 7) END AS band,
  CASE WHEN i % 20 = 0 THEN NULL ELSE 30 + (i * 37 % 2300) / 100.0 END::DOUBLE AS trec,
  CASE WHEN i % 33 = 0 THEN NULL ELSE 'obs-' || i END AS unique_text,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
  CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000)::INTEGER END AS small,
  DATE '2024-01-01' + (i % 400)::INTEGER AS day,
  CASE WHEN i % 4 = 0 THEN NULL ELSE TIMESTAMP '2024-03-01 10:00:00' + INTERVAL (i * 1001) MILLISECOND END AS at
FROM range(60000) t(i)`;
const COLUMNS = [
  ['id', 'BIGINT', 'int'],
  ['band', 'VARCHAR', 'str'],
  ['trec', 'DOUBLE', 'float'],
  ['unique_text', 'VARCHAR', 'str'],
  ['flag', 'BOOLEAN', 'bool'],
  ['small', 'INTEGER', 'int'],
  ['day', 'DATE', 'str'],
  ['at', 'TIMESTAMP', 'str'],
].map(([name, type, kind]) => ({ name, type, kind }));
const KINDS = Object.fromEntries(COLUMNS.map((c) => [c.name, c.kind]));

describe('llano_parquet.py: the Parquet reader and writer of Python code', () => {
  let dir: string;
  let conn: DuckDBConnection;
  const scalar = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJson()[0][0];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-parquet-'));
    conn = await (await DuckDBInstance.create(':memory:')).connect();
    await conn.run(`CREATE TABLE source AS ${SOURCE}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Rows of `relation` that differ from the source's, compared row by row in order. */
  const differences = (relation: string) =>
    scalar(`SELECT count(*) FROM (SELECT *, row_number() OVER () AS n FROM source) a
      FULL JOIN (SELECT *, row_number() OVER () AS n FROM ${relation}) b USING (n)
      WHERE ${COLUMNS.map((c) => `a.${c.name} IS DISTINCT FROM b.${c.name}`).join(' OR ')}`);

  for (const [label, options] of [
    ['the server’s COPY', null],
    ['row groups of 20,000 rows (a dictionary each)', 'FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 20000'],
  ] as const)
    it(`reads what DuckDB writes with ${label}, and DuckDB reads back what it writes`, async () => {
      const input = path.join(dir, `in-${options ? 'default' : 'server'}.parquet`);
      const output = path.join(dir, `out-${options ? 'default' : 'server'}.parquet`);
      const copy = parquetInputCopy('source', COLUMNS, '', input);
      expect(copy).not.toBeNull();
      await conn.run(options ? copy!.replace(/\(FORMAT parquet[^)]*\)$/, `(${options})`) : copy!);
      const encodings = await conn.runAndReadAll(
        `SELECT DISTINCT path_in_schema, encodings FROM parquet_metadata('${input}') ORDER BY ALL`,
      );
      // Dictionaries (bit-packed codes) and PLAIN text both occur.
      expect(encodings.getRowsJson()).toEqual(
        expect.arrayContaining([
          ['band', 'PLAIN_DICTIONARY'],
          ['unique_text', 'PLAIN'],
        ]),
      );
      const seen = python(input, output, KINDS);
      expect(seen.count).toBe(60000);
      expect(seen.dtypes).toEqual({
        id: 'int64',
        band: 'object',
        trec: 'float64',
        unique_text: 'object',
        flag: 'boolean',
        small: 'Int64',
        day: 'object',
        at: 'object',
      });
      expect(seen.rows.slice(0, 4)).toEqual([
        { id: 0, band: null, trec: null, unique_text: null, flag: null, small: null, day: '2024-01-01', at: null },
        {
          id: 1,
          band: '',
          trec: 30.37,
          unique_text: 'obs-1',
          flag: false,
          small: 1,
          day: '2024-01-02',
          at: '2024-03-01 10:00:01.001',
        },
        {
          id: 2,
          band: '\\N',
          trec: 30.74,
          unique_text: 'obs-2',
          flag: false,
          small: 2,
          day: '2024-01-03',
          at: '2024-03-01 10:00:02.002',
        },
        {
          id: 3,
          band: 'é€😀 "q", x',
          trec: 31.11,
          unique_text: 'obs-3',
          flag: true,
          small: 3,
          day: '2024-01-04',
          at: '2024-03-01 10:00:03.003',
        },
      ]);
      const back = outputFilesRelation([{ path: output, format: 'parquet' }], COLUMNS, () => '');
      expect(Number(await differences(back))).toBe(0);
    });

  it("encodes text columns as pandas' factorize does, whether rows share string objects or not", () => {
    // The writer numbers string objects by address first (rows read from Parquet share a few):
    // its codes and dictionary must be factorize's over the values, for every way a column is held.
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import numpy as np, pandas as pd
import llano_parquet as lp
n = 30000
i = np.arange(n)
shared = np.array(['B3', 'B6', '', 'é€😀', None], object)[i % 5]
columns = {
    'shared': pd.Series(shared),
    'shared, string dtype': pd.Series(shared, dtype='string'),
    'shared, every other row': pd.Series(shared)[::2],
    'shared, rows of a consolidated frame': pd.DataFrame({'a': shared, 'b': shared[::-1]}).iloc[7:]['b'],
    'one object per row': pd.Series(['obs-%d' % (k % 900) for k in range(n)]),
    'same text, other objects': pd.Series(np.where(i % 2 == 0, 'x', np.array(['x' + ''] * n, object)), dtype=object),
    'NaN, NA and None': pd.Series(np.array([None, float('nan'), pd.NA, 'x', 'y', 'x'], object)[i % 6]),
    # Objects first met late (past the first rows searched, then 4 times more), the last in the last row.
    'shared, some first met late': pd.Series(np.array(['early', 'late', 'last'], object)[np.where(i < 20000, 0, np.where(i < n - 1, 1, 2))]),
    'all NULL': pd.Series([None] * n, dtype=object),
    'no rows': pd.Series([], dtype=object),
}
out = {}
for name, series in columns.items():
    expected_codes, expected_uniques = pd.factorize(series, sort=False)
    c = lp.text_column(name, series)
    codes = np.full(len(series), -1, np.int64)
    if c.mask is None:
        codes[:] = c.values
    else:
        codes[c.mask] = c.values
    out[name] = [list(c.uniques) == list(expected_uniques) and codes.tolist() == expected_codes.tolist(), len(c.uniques)]
try:
    lp.text_column('mixed', pd.Series(np.array(['a', 1, 'b'] * 10000, object)))
    out['mixed'] = 'accepted'
except lp.Unsupported as e:
    out['mixed'] = str(e)
print(json.dumps(out))
`;
    const out = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      shared: [true, 4],
      'shared, string dtype': [true, 4],
      'shared, every other row': [true, 4],
      'shared, rows of a consolidated frame': [true, 4],
      'one object per row': [true, 900],
      'same text, other objects': [true, 1],
      'NaN, NA and None': [true, 2],
      'shared, some first met late': [true, 3],
      'all NULL': [true, 0],
      'no rows': [true, 0],
      mixed: 'column mixed holds values that are not text',
    });
  });

  it("shares one string object per text across a column's dictionaries while its texts are few", async () => {
    // Row groups of 2,048 rows, a dictionary each: 7 texts in one column; in the other 400 a group,
    // 2,500 in all (more than are shared), most met again in later groups.
    const input = path.join(dir, 'dictionaries.parquet');
    await conn.run(
      `COPY (SELECT 'B' || (i % 7) AS band, 'obs-' || ((i // 2048) * 250 + i % 400) % 2500 AS obs FROM range(24576) t(i)) TO '${input}' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 2048)`,
    );
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import llano_parquet as lp
columns = lp.read_columns(sys.argv[1])
print(json.dumps({name: [len(set(values)), len(set(map(id, values)))] for name, (values, _) in columns.items()}))
`;
    const objects = JSON.parse(execFileSync(PYTHON, ['-c', script, input], { encoding: 'utf8' })) as Record<
      string,
      [number, number]
    >;
    const dictionaries = await scalar(
      `SELECT count(*) FROM parquet_metadata('${input}') WHERE dictionary_page_offset IS NOT NULL`,
    );
    expect(dictionaries).toBe('24');
    expect(objects.band).toEqual([7, 7]);
    // Past SHARED_TEXTS a dictionary's strings are its own (no set of every text of the column is kept).
    expect(objects.obs[0]).toBe(2500);
    expect(objects.obs[1]).toBeGreaterThan(2500);
  });

  it('decodes RLE and bit-packed runs in any mix, at any bit width, as definition levels and as codes', () => {
    // Streams built value by value in Python (long and short runs, multi-byte run headers, a
    // count ending inside a run), decoded by the whole-array decoder and compared with the values.
    const script = `
import json, random, sys
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import numpy as np
import llano_parquet as lp
def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)
rng = random.Random(7)
failures = []
for trial in range(400):
    width = rng.choice([0, 1, 1, 2, 3, 7, 8, 12, 16, 20, 31])
    data, values = bytearray(b'..'), []
    packed_share = rng.random()
    for _ in range(rng.randint(1, 30)):
        if width and rng.random() < packed_share:
            groups = rng.choice([1, 2, 17, 300])
            run = [rng.randrange(1 << width) for _ in range(groups * 8)]
            bits = sum(v << (k * width) for k, v in enumerate(run))
            data += varint(groups << 1 | 1) + bits.to_bytes(groups * width, 'little')
        else:
            n = rng.choice([1, 8, 63, 64, 5000])
            v = rng.randrange(1 << width) if width else 0
            run = [v] * n
            data += varint(n << 1) + v.to_bytes((width + 7) // 8, 'little')
        values += run
    count = rng.randint(1, len(values))
    codes = lp._hybrid(bytes(data), 2, len(data), width, count)
    ok = codes.dtype == np.int32 and codes.tolist() == values[:count]
    if width == 1:
        levels = lp._defined(bytes(data), 2, len(data), count)
        ok = ok and levels.dtype == bool and levels.tolist() == [v == 1 for v in values[:count]]
    if not ok:
        failures.append([trial, width])
print(json.dumps(failures))
`;
    expect(JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }))).toEqual([]);
  });

  it('writes frames as part files of a row group each; a frame it cannot carry keeps none of its parts, and no name comes twice', async () => {
    const out = path.join(dir, 'parts', 'output');
    const script = `
import json, os, sys
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import pandas as pd
import llano_parquet as lp
lp.PART_ROWS = 1000
out = sys.argv[1]
os.makedirs(os.path.dirname(out))
parts = lp.Parts(out)
kinds = {'id': 'int', 'band': 'str'}
parts.write_frame(pd.DataFrame({'id': range(2500), 'band': ['B%d' % (i % 3) for i in range(2500)]}), kinds)
first = list(parts.files)
# Its second row group holds numbers in the text column: written after the first one's part.
bad = pd.DataFrame({'id': range(2500, 5000), 'band': ['x'] * 1500 + [3] * 1000}, dtype=object).astype({'id': 'int64'})
try:
    parts.write_frame(bad, kinds)
    refused = False
except lp.Unsupported:
    refused = True
parts.write_frame(pd.DataFrame({'id': [5000], 'band': [None]}), kinds)
parts.close()
print(json.dumps({'first': first, 'files': parts.files, 'refused': refused, 'left': sorted(os.listdir(os.path.dirname(out)))}))
`;
    const answer = JSON.parse(execFileSync(PYTHON, ['-c', script, out], { encoding: 'utf8' })) as {
      first: string[];
      files: string[];
      refused: boolean;
      left: string[];
    };
    expect(answer.first).toEqual([0, 1, 2].map((k) => `${out}.part${k}`));
    expect(answer.refused).toBe(true);
    // Part 3 (the refused frame's first row group) was removed; the next frame's part is part 4.
    expect(answer.files).toEqual([0, 1, 2, 4].map((k) => `${out}.part${k}`));
    expect(answer.left).toEqual(['output.part0', 'output.part1', 'output.part2', 'output.part4']);
    const list = `[${answer.files.map((f) => `'${f}'`).join(', ')}]`;
    const read = await conn.runAndReadAll(
      `SELECT count(*), count(band), bool_and(id = CASE WHEN n <= 2500 THEN n - 1 ELSE 5000 END) FROM (SELECT *, row_number() OVER () AS n FROM read_parquet(${list}))`,
    );
    // Rows in the parts' order: the first frame's, then the last one's.
    expect(read.getRowsJson()).toEqual([['2501', '2500', true]]);
  });

  it('refuses what it does not carry, so that the caller falls back to CSV', async () => {
    const input = path.join(dir, 'zstd.parquet');
    await conn.run(`COPY (SELECT * FROM source LIMIT 10) TO '${input}' (FORMAT parquet, COMPRESSION zstd)`);
    expect(() => python(input, path.join(dir, 'never.parquet'), KINDS)).toThrow(/Unsupported: compressed/);
    expect(parquetInputCopy('source', [{ name: 'd', type: 'DECIMAL(9,3)' }], '', input)).toBeNull();
  });
});
