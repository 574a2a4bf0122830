import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParquetFileWriter } from '../../engine/parquet/parquet-file-writer.js';
import { readBackWithDuckDB } from '../../engine/parquet/test-support.js';
import { fieldKind } from './ts-recipe-csv.js';
import type { CodeColumn } from './ts-recipe-entry.js';
import { parquetRowGroups } from './ts-recipe-parquet.js';
import { ThriftReader, type ThriftStruct } from './ts-recipe-thrift.js';
import { uncompressedParquetCopy, uncompressedParquetParts } from './parquet-uncompressed-copy.js';

const { path: file, json } = readBackWithDuckDB('llano-uncompressed-');

// Every type handed over as is, NULLs in all but id, dictionaries (band, trec, small) and PLAIN
// pages (unique text, id), NaN, ±Infinity and -0 among the doubles; row groups of 20,000 rows.
const SOURCE = `SELECT i::BIGINT AS id,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN '\\N' WHEN 3 THEN 'é€😀 "q", x' ELSE 'B' || (3 + i % 7) END AS band,
  CASE WHEN i % 20 = 0 THEN NULL WHEN i % 97 = 1 THEN 'NaN' WHEN i % 97 = 2 THEN '-Infinity' WHEN i % 97 = 3 THEN '-0' ELSE 30 + (i * 37 % 2300) / 100.0 END::DOUBLE AS trec,
  CASE WHEN i % 33 = 0 THEN NULL ELSE 'obs-' || i END AS unique_text,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
  CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000)::INTEGER END AS small,
  (i % 200 - 100)::TINYINT AS tiny, (i * 7 % 60000 - 30000)::SMALLINT AS short,
  CASE WHEN i = 5 THEN 1152921504606846977 ELSE i * 1000003 END::BIGINT AS big
FROM range(70000) t(i)`;

async function columnsOf(relation: string): Promise<CodeColumn[]> {
  const rows = await json(`DESCRIBE SELECT * FROM ${relation}`);
  return rows.map((r) => ({ name: r.column_name as string, type: r.column_type as string }));
}

/** Rows of `a` and `b` (Parquet files) that differ, row by row in file order. */
async function differences(a: string, b: string, columns: CodeColumn[]): Promise<number> {
  const same = columns.map((c) => `x."${c.name}" IS NOT DISTINCT FROM y."${c.name}"`).join(' AND ');
  const sql = `SELECT count(*) AS n FROM read_parquet('${a}', file_row_number = true) x
    FULL JOIN read_parquet('${b}', file_row_number = true) y USING (file_row_number) WHERE NOT (${same})`;
  return Number((await json(sql))[0].n);
}

/** The codecs and page counts of a file's column chunks, read from its footer and page headers. */
function layout(parquet: string): { codecs: Set<number>; pagesPerChunk: number[] } {
  const buf = readFileSync(parquet);
  const meta = new ThriftReader(buf, buf.length - 8 - buf.readUInt32LE(buf.length - 8)).struct();
  const codecs = new Set<number>();
  const pagesPerChunk: number[] = [];
  for (const group of meta[4] as ThriftStruct[])
    for (const chunk of group[1] as ThriftStruct[]) {
      const m = chunk[3] as ThriftStruct;
      codecs.add(m[4] as number);
      const start = (m[11] as number) > 0 ? (m[11] as number) : (m[9] as number);
      let pages = 0;
      for (let pos = start; pos < start + (m[7] as number); pages++) {
        const reader = new ThriftReader(buf, pos);
        const header = reader.struct();
        pos = reader.pos + (header[3] as number);
      }
      pagesPerChunk.push(pages);
    }
  return { codecs, pagesPerChunk };
}

/** What the TypeScript harness reads from a file: every row group's column arrays. */
function harnessRows(parquet: string, columns: CodeColumn[]): unknown[][] {
  let out: unknown[][] = columns.map(() => []);
  for (const [, arrays] of parquetRowGroups(
    parquet,
    columns.map((c) => fieldKind(c.type)),
  ))
    out = out.map((values, j) => values.concat(arrays[j]));
  return out;
}

const HARNESS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../sandbox/harness');
const PYTHON = process.env.LLANO_PYTHON ?? '/usr/bin/python3';

/** Whether Python's llano_parquet reads the same columns (values and NULLs) from both files. */
function pythonReadsTheSame(a: string, b: string): string {
  const script = `
import sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(HARNESS)})
import llano_parquet as lp
import json
# An argument starting with [ is a list of part files and their rows in all.
read = lambda a: lp.read_columns(*json.loads(a)) if a.startswith('[') else lp.read_columns(a)
x, y = read(sys.argv[1]), read(sys.argv[2])
bad = [n for n in x if not (
    (x[n][1] is None) == (y[n][1] is None) and (x[n][1] is None or np.array_equal(x[n][1], y[n][1]))
    and (np.array_equal(x[n][0], y[n][0], equal_nan=True) if x[n][0].dtype.kind == 'f' else x[n][0].tolist() == y[n][0].tolist()))]
print('same %d rows' % len(next(iter(x.values()))[0]) if not bad and list(x) == list(y) else 'differ: ' + ', '.join(bad))
`;
  return execFileSync(PYTHON, ['-c', script, a, b], { encoding: 'utf8' }).trim();
}

describe('uncompressedParquetCopy', () => {
  it('hands over a DuckDB-written file (snappy, row groups, dictionary and PLAIN pages, NULLs) value for value', async () => {
    const source = file('source.parquet');
    await json(`COPY (${SOURCE}) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
    const columns = await columnsOf(`read_parquet('${source}')`);
    const copy = file('copy.parquet');
    expect(await uncompressedParquetCopy([source], columns, copy)).toBe(true);

    expect(layout(source).codecs).toEqual(new Set([1]));
    expect(layout(copy).codecs).toEqual(new Set([0]));
    expect(layout(copy).pagesPerChunk.length / columns.length >= 4).toBe(true);
    expect(await columnsOf(`read_parquet('${copy}')`)).toEqual(columns);
    expect(await differences(source, copy, columns)).toBe(0);

    // The harness reads the copy as it reads DuckDB's own uncompressed export of the same rows.
    const exported = file('exported.parquet');
    await json(
      `COPY (SELECT * FROM read_parquet('${source}')) TO '${exported}' (FORMAT parquet, COMPRESSION uncompressed)`,
    );
    const fromCopy = harnessRows(copy, columns);
    expect(fromCopy[0]).toHaveLength(70000);
    expect(fromCopy).toEqual(harnessRows(exported, columns));
    expect(pythonReadsTheSame(copy, exported)).toBe('same 70000 rows');
  });

  it('decompresses chunks of several pages, and joins the row groups of several files in order', async () => {
    // The engine's writer starts a data page every 131,072 numbers.
    const rows = 300_000;
    const write = (name: string, count: number, at: (i: number) => number) => {
      const writer = ParquetFileWriter.create(file(name), [
        { name: 'x', type: 'double' },
        { name: 'n', type: 'int64', nullable: true },
      ]);
      const x = Float64Array.from({ length: count }, (_, i) => Math.sin(at(i)) * 1e6);
      const n = Float64Array.from({ length: count }, (_, i) => at(i) * 3);
      const present = Uint8Array.from({ length: count }, (_, i) => (at(i) % 13 === 0 ? 0 : 1));
      writer.write([x, { values: n, present }], count);
      writer.close();
      return file(name);
    };
    const paged = write('paged.parquet', rows, (i) => i);
    const second = write('second.parquet', 1000, (i) => -i);
    expect(Math.max(...layout(paged).pagesPerChunk)).toBeGreaterThanOrEqual(3);
    const columns = await columnsOf(`read_parquet('${paged}')`);
    const copy = file('joined.parquet');
    expect(await uncompressedParquetCopy([paged, second], columns, copy)).toBe(true);
    const both = `(SELECT * FROM read_parquet('${paged}') UNION ALL SELECT * FROM read_parquet('${second}'))`;
    const joined = file('joined-by-duckdb.parquet');
    await json(`COPY ${both} TO '${joined}' (FORMAT parquet)`);
    expect(await differences(joined, copy, columns)).toBe(0);
    expect(harnessRows(copy, columns)[0]).toHaveLength(rows + 1000);
  });

  it('leaves to the export what the harnesses do not read, and writes nothing then', async () => {
    const zstd = file('zstd.parquet');
    await json(`COPY (SELECT i::BIGINT AS id FROM range(10) t(i)) TO '${zstd}' (FORMAT parquet, COMPRESSION zstd)`);
    const dated = file('dated.parquet');
    await json(`COPY (SELECT DATE '2024-01-01' AS day) TO '${dated}' (FORMAT parquet)`);
    const target = file('not-carried.parquet');
    expect(await uncompressedParquetCopy([zstd], [{ name: 'id', type: 'BIGINT' }], target)).toBe(false);
    expect(await uncompressedParquetCopy([dated], [{ name: 'day', type: 'DATE' }], target)).toBe(false);
    // Files whose columns differ from the relation's (or from each other).
    expect(await uncompressedParquetCopy([zstd], [{ name: 'other', type: 'BIGINT' }], target)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a damaged file with its name and why, leaving no copy', async () => {
    const good = file('good.parquet');
    await json(
      `COPY (SELECT i::BIGINT AS id, 'v' || (i % 3) AS v FROM range(5000) t(i)) TO '${good}' (FORMAT parquet)`,
    );
    const columns = await columnsOf(`read_parquet('${good}')`);
    const bytes = readFileSync(good);
    const target = file('damaged-copy.parquet');

    // The first page's body starts with snappy's length of the decompressed data: make it absurd.
    const badPage = Buffer.from(bytes);
    const header = new ThriftReader(badPage, 4);
    header.struct();
    badPage.fill(0xff, header.pos, header.pos + 6);
    writeFileSync(file('bad-page.parquet'), badPage);
    const badPageError = await uncompressedParquetCopy([file('bad-page.parquet')], columns, target).catch(
      (e: unknown) => e as Error,
    );
    expect(badPageError).toBeInstanceOf(Error);
    expect((badPageError as Error).message).toMatch(/bad-page\.parquet is damaged: a page (does not decompress|holds)/);
    // Named by the file alone: no server folder in what users read.
    expect((badPageError as Error).message).not.toContain(path.dirname(file('bad-page.parquet')));

    writeFileSync(file('cut.parquet'), bytes.subarray(0, bytes.length - 100));
    await expect(uncompressedParquetCopy([file('cut.parquet')], columns, target)).rejects.toThrow(
      /cut\.parquet is damaged: it does not end as a Parquet file/,
    );

    // A footer cut short inside: its length still says where it begins.
    const badFooter = Buffer.from(bytes);
    const footerLength = badFooter.readUInt32LE(badFooter.length - 8);
    badFooter.fill(0xff, badFooter.length - 8 - footerLength, badFooter.length - 8);
    writeFileSync(file('bad-footer.parquet'), badFooter);
    await expect(uncompressedParquetCopy([file('bad-footer.parquet')], columns, target)).rejects.toThrow(
      /bad-footer\.parquet is damaged/,
    );
    expect(existsSync(target)).toBe(false);
  });
});

describe('uncompressedParquetParts', () => {
  it('writes one part per row group, each renamed into place once complete, which both readers read as the whole copy', async () => {
    const source = file('parts-source.parquet');
    await json(`COPY (${SOURCE}) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
    const columns = await columnsOf(`read_parquet('${source}')`);
    const target = file('parts/input.parquet');
    mkdirSync(path.dirname(target), { recursive: true });
    const handed = uncompressedParquetParts([source], columns, target);
    expect(handed?.parts).toEqual([0, 1, 2, 3].map((k) => `${target}.part${k}`));
    expect(handed?.rows).toBe(70000);
    await handed?.done;
    expect(readdirSync(path.dirname(target)).sort()).toEqual([0, 1, 2, 3].map((k) => `input.parquet.part${k}`));

    const whole = file('parts-whole.parquet');
    expect(await uncompressedParquetCopy([source], columns, whole)).toBe(true);
    const fromParts = handed!.parts
      .map((part) => harnessRows(part, columns))
      .reduce((all, rows) => all.map((values, j) => values.concat(rows[j])));
    expect(fromParts).toEqual(harnessRows(whole, columns));
    expect(pythonReadsTheSame(JSON.stringify([handed!.parts, 70000]), whole)).toBe('same 70000 rows');
  });

  it('answers null before writing anything for a file the readers do not read, or one without row groups', async () => {
    const zstd = file('parts-zstd.parquet');
    await json(`COPY (SELECT i::BIGINT AS id FROM range(10) t(i)) TO '${zstd}' (FORMAT parquet, COMPRESSION zstd)`);
    const empty = file('parts-empty.parquet');
    await json(`COPY (SELECT i::BIGINT AS id FROM range(0) t(i)) TO '${empty}' (FORMAT parquet)`);
    const target = file('parts-none.parquet');
    expect(uncompressedParquetParts([zstd], [{ name: 'id', type: 'BIGINT' }], target)).toBeNull();
    expect(uncompressedParquetParts([empty], [{ name: 'id', type: 'BIGINT' }], target)).toBeNull();
    expect(existsSync(`${target}.part0`)).toBe(false);
  });

  it('rejects `done` on a damaged page of a later row group, keeping only the parts before it and no partial one', async () => {
    const source = file('parts-later.parquet');
    await json(
      `COPY (SELECT i::BIGINT AS id, 'v' || (i % 3) AS v FROM range(40000) t(i)) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`,
    );
    const columns = await columnsOf(`read_parquet('${source}')`);
    // The first page of the second row group's first column: its snappy length made absurd (the header stays valid).
    const bytes = readFileSync(source);
    const meta = new ThriftReader(bytes, bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8)).struct();
    const chunk = ((meta[4] as ThriftStruct[])[1][1] as ThriftStruct[])[0][3] as ThriftStruct;
    const at = (chunk[11] as number) > 0 ? (chunk[11] as number) : (chunk[9] as number);
    const header = new ThriftReader(bytes, at);
    header.struct();
    bytes.fill(0xff, header.pos, header.pos + 6);
    const damagedFile = file('parts-damaged.parquet');
    writeFileSync(damagedFile, bytes);

    const target = file('parts-damaged-copy.parquet');
    const handed = uncompressedParquetParts([damagedFile], columns, target);
    expect(handed?.parts).toHaveLength(2);
    await expect(handed?.done).rejects.toThrow(/parts-damaged\.parquet is damaged: a page (does not decompress|holds)/);
    expect(existsSync(handed!.parts[0])).toBe(true);
    expect(existsSync(handed!.parts[1])).toBe(false);
    expect(existsSync(`${handed!.parts[1]}.partial`)).toBe(false);
  });

  it('stops between parts when its signal is aborted', async () => {
    const source = file('parts-abort.parquet');
    await json(`COPY (${SOURCE}) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
    const columns = await columnsOf(`read_parquet('${source}')`);
    const stop = new AbortController();
    stop.abort();
    const handed = uncompressedParquetParts([source], columns, file('parts-aborted.parquet'), stop.signal);
    await expect(handed?.done).rejects.toThrow();
    expect(handed!.parts.some((p) => existsSync(p) || existsSync(`${p}.partial`))).toBe(false);
  });
});
