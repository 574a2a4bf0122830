import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuckDb } from './duckdb.js';
import { importFile, type ImportFileOptions } from './import-file.js';
import type { WriteProgress } from './parquet-output.js';

let db: DuckDb;
let root: string;
let dir: string;
let outDir: string;
let n = 0;
// vitest types its asymmetric matchers as any; typed unknown it sits in an expected object safely.
const anyText: unknown = expect.any(String);

beforeAll(async () => {
  db = await DuckDb.open(':memory:', { threads: 2 });
  root = await mkdtemp(join(tmpdir(), 'llano-import-'));
});
afterAll(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  n++;
  dir = join(root, `case${n}`);
  outDir = join(dir, 'out');
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function run(sourcePath: string, options: Partial<ImportFileOptions> = {}) {
  const targetPath = join(outDir, 'data.parquet');
  const result = await importFile(db, { sourcePath, targetPath, ...options });
  const rows = (await db.query(`SELECT * FROM read_parquet('${targetPath}')`)).rows;
  return { result, rows, targetPath };
}

/** The import must fail with a 400 and leave nothing in the output folder. */
async function rejects(sourcePath: string, message: RegExp, options: Partial<ImportFileOptions> = {}) {
  const error = await importFile(db, { sourcePath, targetPath: join(outDir, 'data.parquet'), ...options }).catch(
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ status: 400 });
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain(dir);
  const left = await readdir(outDir).catch(() => []);
  expect(left).toEqual([]);
  return error as Error & { details?: unknown };
}

describe('importFile: CSV', () => {
  it('detects header, delimiter and types, computes nullability and the content hash', async () => {
    const path = await file(
      'obs.csv',
      'timestamp,antenna,band,amplitude,note\n2024-01-01 00:00:00,DA41,3,1.5,\n2024-01-01 00:00:01,DV02,6,2.25,windy\n',
    );
    const progress: WriteProgress[] = [];
    const { result, rows, targetPath } = await run(path, { onProgress: (p) => progress.push(p) });
    expect(result.rowCount).toBe(2);
    expect(result.columns).toEqual([
      { name: 'timestamp', type: 'TIMESTAMP', nullable: false },
      { name: 'antenna', type: 'VARCHAR', nullable: false },
      { name: 'band', type: 'BIGINT', nullable: false },
      { name: 'amplitude', type: 'DOUBLE', nullable: false },
      { name: 'note', type: 'VARCHAR', nullable: true },
    ]);
    expect(result.detected).toEqual({
      format: 'csv',
      delimiter: ',',
      quote: '"',
      escape: anyText,
      header: true,
      encoding: 'utf-8',
    });
    expect(rows[1]).toEqual(['2024-01-01 00:00:01', 'DV02', 6, 2.25, 'windy']);
    expect(result.contentHash).toBe(
      createHash('sha256')
        .update(await readFile(targetPath))
        .digest('hex'),
    );
    expect(await readdir(outDir)).toEqual(['data.parquet']);
    expect(progress[0].phase).toBe('start');
    const size = (await import('node:fs/promises').then((fs) => fs.stat(path))).size;
    expect(progress.at(-1)).toEqual({ phase: 'done', percent: 100, rows: 2, bytes: size, totalBytes: size });
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines inside', async () => {
    const path = await file('q.csv', 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n');
    const { rows } = await run(path);
    expect(rows).toEqual([
      [1, 'a, b'],
      [2, 'say "hi"'],
      [3, 'two\nlines'],
    ]);
  });

  it('rejects a ragged row (too few fields) naming the line', async () => {
    const path = await file('ragged.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n');
    const error = await rejects(path, /line 4: expected 3 columns, found 2/);
    expect(error.details).toMatchObject({ line: 4, kind: 'columns' });
  });

  it('rejects a row with too many fields naming the line', async () => {
    const path = await file('ragged2.csv', 'a,b,c\n1,2,3\n4,5,6,7\n9,10,11\n');
    await rejects(path, /line 3: expected 3 columns, found 4/);
  });

  it('rejects an extra field on the last line rather than skipping every row before it', async () => {
    // The sniffer alone took the first three lines for a preamble and imported one row.
    const path = await file('last-extra.csv', 'id,name\n1,alpha\n2,beta\n3,gamma,extra\n');
    await rejects(path, /line 4: expected 2 columns, found 3/);
  });

  it('still skips a real preamble above the header', async () => {
    const path = await file('preamble.csv', 'Antenna report\nexported 2026-12-01\nid,name\n1,alpha\n2,beta\n3,gamma\n');
    const { rows } = await run(path);
    expect(rows).toEqual([
      [1, 'alpha'],
      [2, 'beta'],
      [3, 'gamma'],
    ]);
  });

  it('rejects a ragged row far beyond the sniffer sample', async () => {
    const lines = ['a,b,c', ...Array.from({ length: 30_000 }, (_, i) => `${i},${i},x`), '1,2', '3,4,5'];
    const path = await file('late-ragged.csv', lines.join('\n') + '\n');
    await rejects(path, /line 30002: expected 3 columns, found 2/);
  });

  it('imports a 4 MB quoted text field', async () => {
    const long = 'x'.repeat(4 << 20);
    const { rows } = await run(await file('long.csv', `id,text\n1,"${long}"\n2,"short"\n`));
    expect(rows.map((r) => [r[0], String(r[1]).length])).toEqual([
      [1, 4 << 20],
      [2, 5],
    ]);
  });

  it('says a line is too long, naming the limit, rather than an engine setting', async () => {
    const path = await file('huge.csv', `id,text\n1,"${'y'.repeat(17 << 20)}"\n`);
    await rejects(path, /longer than 16 MB, the longest CSV line Llano reads/);
  });

  it('says a file mixes Windows and Unix line endings, naming the first line that differs', async () => {
    const path = await file('mixed.csv', 'id,name\r\n1,a\r\n2,b\n3,c\r\n');
    const error = await rejects(path, /mixes Windows \(\\r\\n\) and Unix \(\\n\) line endings: line 3 ends with \\n/);
    expect(error.details).toMatchObject({ line: 3, kind: 'line-endings' });
  });

  it('rejects an unterminated quote naming the line', async () => {
    const path = await file('quote.csv', 'a,b\n1,"hello"\n2,"unterminated\n3,x\n');
    await rejects(path, /line 3: a quoted value is not closed/);
  });

  it('rejects a misplaced quote naming the line', async () => {
    const path = await file('quote2.csv', 'a,b\n1,"hello"\n2,"bad"quote\n3,x\n');
    await rejects(path, /line 3: a quoted value is not closed/);
  });

  it('rejects invalid UTF-8 when utf-8 is forced, naming the line', async () => {
    const path = await file('latin.csv', Buffer.from('name,city\nAnna,Paris\nJos\xe9,S\xe3o Paulo\n', 'latin1'));
    const error = await rejects(path, /line 3: the bytes are not valid UTF-8/, { csv: { encoding: 'utf-8' } });
    expect(error.message).toMatch(/leave the encoding out/);
  });

  it('gives advice that fits the file and the encoding asked for, never CSV advice for a non-CSV file', async () => {
    const xlsx = await file(
      'book.xlsx',
      Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000'), Buffer.alloc(64, 7)]),
    );
    await rejects(xlsx, /^This file is not text but a ZIP archive \(an Excel \.xlsx workbook is one\)/, {
      csv: { encoding: 'latin-1' },
    });
    const pdf = await file('doc.pdf', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x80\x81\n', 'latin1'));
    await rejects(pdf, /^This file is not text but a PDF document/);
    // Windows-1252 text: what DuckDB's latin-1 (ISO 8859-1) refuses, whether asked for or detected.
    const cp1252 = Buffer.from('item,price\ncoffee,\x803\n\x93tea\x94,\x802\n', 'latin1');
    for (const encoding of ['latin-1' as const, undefined]) {
      const error = await rejects(await file('cp1252.csv', cp1252), /^The file is not latin-1 text: .*0x80–0x9F/, {
        csv: { encoding },
      });
      expect(error.message).not.toMatch(/set the delimiter/);
    }
    const json = await file('rows.json', '[{"a":1}]');
    await rejects(json, /^The encoding latin-1 applies to CSV and TSV files only; this file is read as JSON/, {
      csv: { encoding: 'latin-1' },
    });
    const parquetLike = await file('rows.jsonl', '{"a":1}\n');
    await rejects(parquetLike, /read as JSON lines/, { csv: { encoding: 'utf-16' } });
    // UTF-8 read as UTF-16 became one column of CJK and no rows, without a word.
    await rejects(await file('utf8.csv', 'a,b\n1,x\n'), /^The file is not UTF-16/, { csv: { encoding: 'utf-16' } });
  });

  it('detects latin-1 when the bytes are not UTF-8', async () => {
    const path = await file('latin.csv', Buffer.from('name,city\nJos\xe9,S\xe3o Paulo\nAnna,Z\xfcrich\n', 'latin1'));
    const { result, rows } = await run(path);
    expect(result.detected.encoding).toBe('latin-1');
    expect(rows).toEqual([
      ['José', 'São Paulo'],
      ['Anna', 'Zürich'],
    ]);
  });

  it('falls back to latin-1 when invalid UTF-8 appears after the probed first megabyte', async () => {
    const filler = Array.from({ length: 80_000 }, (_, i) => `${i},plain ascii text`).join('\n');
    const path = await file(
      'late-latin.csv',
      Buffer.concat([Buffer.from('id,text\n' + filler + '\n'), Buffer.from('80000,Z\xfcrich\n', 'latin1')]),
    );
    const { result, rows } = await run(path);
    expect(result.detected.encoding).toBe('latin-1');
    expect(result.rowCount).toBe(80_001);
    expect(rows.at(-1)).toEqual([80000, 'Zürich']);
  });

  it('reads UTF-16 with a byte-order mark', async () => {
    const path = await file(
      'u16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,été\n', 'utf16le')]),
    );
    const { result, rows } = await run(path);
    expect(result.detected.encoding).toBe('utf-16');
    expect(rows).toEqual([[1, 'été']]);
  });

  it('imports TSV, explicitly or detected', async () => {
    const path = await file('x.tsv', 'a\tb\n1\thello, world\n2\tx\n');
    const explicit = await run(path, { format: 'tsv' });
    expect(explicit.rows).toEqual([
      [1, 'hello, world'],
      [2, 'x'],
    ]);
    expect(explicit.result.detected.delimiter).toBe('\t');
    const detected = await run(await file('x.txt', 'a\tb\n1\thello, world\n2\tx\n'));
    expect(detected.result.detected.delimiter).toBe('\t');
  });

  it('detects a semicolon delimiter and honours an explicit one', async () => {
    const path = await file('semi.csv', 'a;b\n1;2,5\n3;4,5\n');
    expect((await run(path)).result.detected.delimiter).toBe(';');
    const forced = await run(path, { csv: { delimiter: '|' } });
    expect(forced.result.columns.map((c) => c.name)).toEqual(['a;b']);
  });

  it('detects a header-less file and accepts header overrides', async () => {
    const path = await file('noh.csv', '1,foo,2.5\n2,bar,3.5\n');
    const { result, rows } = await run(path);
    expect(result.detected.header).toBe(false);
    expect(result.columns.map((c) => c.name)).toEqual(['column0', 'column1', 'column2']);
    expect(rows).toHaveLength(2);
    const withHeader = await run(path, { csv: { header: true } });
    expect(withHeader.result.columns.map((c) => c.name)).toEqual(['1', 'foo', '2.5']);
    expect(withHeader.rows).toEqual([[2, 'bar', 3.5]]);
  });

  it('applies a type override', async () => {
    const path = await file('types.csv', 'id,band,value\n1,03,1.5\n2,07,2.5\n');
    const { result, rows } = await run(path, { schema: { band: 'VARCHAR', value: 'DECIMAL(10, 2)' } });
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'DECIMAL(10,2)']);
    expect(rows[0]).toEqual([1, '03', 1.5]);
  });

  it('rejects a type override the data does not fit, naming line and column', async () => {
    const path = await file('types.csv', 'id,name\n1,DA41\n2,DV02\n');
    const error = await rejects(path, /line 2: column "name": Could not convert string "DA41" to 'INTEGER'/, {
      schema: { name: 'INTEGER' },
    });
    expect(error.details).toMatchObject({ line: 2, kind: 'conversion', column: 'name' });
  });

  it('rejects overrides of unknown columns and invalid type names', async () => {
    const path = await file('types.csv', 'id,name\n1,DA41\n');
    await rejects(path, /Unknown column "nope"/, { schema: { nope: 'INTEGER' } });
    await rejects(path, /Invalid type/, { schema: { id: "INTEGER); SELECT '" } });
    await rejects(path, /does not exist/i, { schema: { id: 'NOSUCHTYPE' } });
  });

  it('widens a detected column to VARCHAR when a late value does not fit the sampled type', async () => {
    const lines = ['a,b', ...Array.from({ length: 30_000 }, (_, i) => `${i},${i}`), 'n/a,1'];
    const { result, rows } = await run(await file('late-type.csv', lines.join('\n') + '\n'));
    expect(result.columns.map((c) => c.type)).toEqual(['VARCHAR', 'BIGINT']);
    expect(rows.at(-1)).toEqual(['n/a', 1]);
  });

  it('rejects an empty file and a missing file', async () => {
    await rejects(await file('empty.csv', ''), /empty/);
    await rejects(join(root, 'missing.csv'), /does not exist/);
  });
});

describe('importFile: JSON lines and Parquet', () => {
  it('imports JSON lines (auto-detected by extension) with nested values', async () => {
    const path = await file('x.jsonl', '{"a":1,"b":"x","c":{"d":true}}\n{"a":2,"b":null,"c":{"d":false}}\n');
    const { result, rows } = await run(path);
    expect(result.detected).toEqual({ format: 'jsonl' });
    expect(result.columns.map((c) => [c.name, c.nullable])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
    expect(rows[0][0]).toBe(1);
    expect(rows[0][2]).toEqual({ d: true });
  });

  it('rejects malformed JSON lines with a 400', async () => {
    const path = await file('bad.jsonl', '{"a":1}\n{"a":2,,}\n');
    await rejects(path, /Malformed JSON/, { format: 'jsonl' });
  });

  it('names the line where a faulty JSON lines record starts, not the next one or a record count', async () => {
    const runsOn = await file('runs-on.jsonl', '{"a":1}\n{"a":2}\n{"a":3,\n"b":}\n{"a":4}\n');
    const error = await rejects(runsOn, /record starting at line 3 of "runs-on\.jsonl" does not end on its line/);
    expect(error.message).not.toMatch(/line 4/);
    // DuckDB skips blank lines when it counts: the record on line 4 is its third.
    const blanks = await file('blanks.jsonl', '{"a":1}\n\n\n{"a":2,,}\n');
    await rejects(blanks, /^Malformed JSON lines: the record starting at line 4 of "blanks\.jsonl" is not valid JSON$/);
    const gzipped = await file('runs-on.jsonl.gz', gzipSync('{"a":1}\r\n{"a":2,\r\n"b":}\r\n'));
    await rejects(gzipped, /record starting at line 2 of "runs-on\.jsonl\.gz" does not end on its line/);
  });

  it('refuses a JSON array cut short, named or not, even when cut right after a record', async () => {
    const records = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, name: `n${i}` }));
    const cut = '[' + records.slice(0, 20).join(',') + ',';
    const notClosed =
      /^Malformed JSON: the array is not closed: ".*" starts with "\[" but ends without its closing "\]"/;
    await rejects(await file('nameless-upload', cut), notClosed);
    await rejects(await file('named-upload', cut), notClosed, { fileName: 'rows.json' });
    await rejects(await file('as-lines-upload', '[\n' + records.slice(0, 20).join(',\n') + '\n'), notClosed, {
      format: 'jsonl',
    });
    await rejects(await file('bom-cut-upload', '\ufeff[{"a":1},'), notClosed);
    // Compressed whole, after the cut: the gzip stream is complete, its content is not.
    await rejects(await file('cut.json.gz', gzipSync(cut)), notClosed);
    await rejects(await file('cut-gzip-upload', gzipSync(cut)), notClosed);
    // zstd (Node 20 cannot decompress it; DuckDB can): whole frames, content cut after a record.
    const plain = await file('cut-plain.json', cut + '\n' + ' '.repeat(5000) + '\n');
    for (const name of ['cut.json.zst', 'cut-zstd-upload']) {
      const zst = join(dir, name);
      await db.run(
        `COPY (SELECT content FROM read_text('${plain}')) TO '${zst}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', COMPRESSION zstd)`,
      );
      await rejects(zst, notClosed);
    }
    // The same array closed imports (the check reads the end of the content, not its start).
    const closed = join(dir, 'closed.json.zst');
    const whole = await file('closed-plain.json', '[' + records.join(',\n') + ']\n\n');
    await db.run(
      `COPY (SELECT content FROM read_text('${whole}')) TO '${closed}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', COMPRESSION zstd)`,
    );
    const { result } = await run(closed);
    expect(result.detected).toEqual({ format: 'json', compression: 'zstd' });
    expect(result.rowCount).toBe(50);
  });

  it('reads an array behind a UTF-8 byte-order mark as JSON', async () => {
    const path = await file('bom-upload', '\ufeff [{"a":1},{"a":2}]\n');
    const { result, rows } = await run(path);
    expect(result.detected.format).toBe('json');
    expect(rows).toEqual([[1], [2]]);
  });

  it('names an upload by its own file name in errors, never by the temporary file it landed in', async () => {
    const path = await file('1796497659029-nubqaou0t1c-upload', '[{"a":1,"b":"x"},{"a":2,"b":');
    const error = await rejects(path, /^Malformed JSON: .*"observations\.json"/, { fileName: 'observations.json' });
    expect(error.message).not.toContain('upload');
  });

  it('round-trips a Parquet file (detected by its magic bytes) with a type override', async () => {
    const source = join(root, `source${n}.bin`);
    await db.run(`COPY (SELECT i AS id, 'r' || i AS name FROM range(5) t(i)) TO '${source}' (FORMAT parquet)`);
    const { result, rows } = await run(source, { schema: { id: 'INTEGER' } });
    expect(result.detected.format).toBe('parquet');
    expect(result.columns).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false },
      { name: 'name', type: 'VARCHAR', nullable: false },
    ]);
    expect(rows).toEqual([
      [0, 'r0'],
      [1, 'r1'],
      [2, 'r2'],
      [3, 'r3'],
      [4, 'r4'],
    ]);
  });

  it('rejects a file that is not Parquet', async () => {
    const path = await file('fake.parquet', 'hello, this is not parquet');
    await rejects(path, /not a readable Parquet file/);
  });
});

describe('importFile: JSON arrays, nested records and compressed files', () => {
  const records = [
    { id: 1, name: 'DA41', pos: { x: 1.5, y: -2.25 }, bands: [3, 6] },
    { id: 2, name: 'DV02', pos: { x: 0.5, y: 4.75 }, bands: [] },
  ];
  const expectedRows = [
    [1, 'DA41', { x: 1.5, y: -2.25 }, [3, 6]],
    [2, 'DV02', { x: 0.5, y: 4.75 }, []],
  ];
  const expectedTypes = [
    ['id', 'BIGINT'],
    ['name', 'VARCHAR'],
    ['pos', 'STRUCT(x DOUBLE, y DOUBLE)'],
    ['bands', 'BIGINT[]'],
  ];

  it('imports a pretty-printed JSON array as rows, nested records as STRUCT and LIST columns', async () => {
    const path = await file('export.json', JSON.stringify(records, null, 2));
    const { result, rows } = await run(path);
    expect(result.detected).toEqual({ format: 'json' });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual(expectedTypes);
    expect(rows).toEqual(expectedRows);
  });

  it('imports a one-line JSON array, also when the name says nothing or promises JSON lines', async () => {
    for (const name of ['data.bin', 'data.jsonl']) {
      const { result, rows } = await run(await file(name, JSON.stringify(records)));
      expect(result.detected.format).toBe('json');
      expect(rows).toEqual(expectedRows);
    }
  });

  it('imports JSON lines with nested records', async () => {
    const { result, rows } = await run(await file('lines.ndjson', records.map((r) => JSON.stringify(r)).join('\n')));
    expect(result.detected).toEqual({ format: 'jsonl' });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual(expectedTypes);
    expect(rows).toEqual(expectedRows);
  });

  it('imports gzip-compressed CSV, JSON lines and JSON arrays, whatever their name', async () => {
    const csv = 'station;value;note\nDA41;1,5;été\nDV02;2,25;\n';
    for (const name of ['obs.csv.gz', 'upload-tmp']) {
      const { result, rows } = await run(await file(name, gzipSync(Buffer.from(csv, 'latin1'))));
      expect(result.detected).toMatchObject({
        format: 'csv',
        delimiter: ';',
        encoding: 'latin-1',
        compression: 'gzip',
      });
      expect(rows).toEqual([
        ['DA41', '1,5', 'été'],
        ['DV02', '2,25', null],
      ]);
    }
    const lines = await run(await file('lines.jsonl.gz', gzipSync(records.map((r) => JSON.stringify(r)).join('\n'))));
    expect(lines.result.detected).toEqual({ format: 'jsonl', compression: 'gzip' });
    expect(lines.rows).toEqual(expectedRows);
    const array = await run(await file('array.json.gz', gzipSync(JSON.stringify(records, null, 1))));
    expect(array.result.detected).toEqual({ format: 'json', compression: 'gzip' });
    expect(array.rows).toEqual(expectedRows);
  });

  it('imports zstd-compressed CSV and JSON lines', async () => {
    await file('placeholder', 'x');
    const csvPath = join(dir, 'obs.csv.zst');
    await db.run(
      `COPY (SELECT i AS id, 'r' || i AS name, i / 4 AS ratio FROM range(3000) t(i)) TO '${csvPath}' (FORMAT csv, COMPRESSION zstd)`,
    );
    const { result, rows } = await run(csvPath);
    expect(result.detected).toMatchObject({ format: 'csv', delimiter: ',', header: true, compression: 'zstd' });
    expect(result.rowCount).toBe(3000);
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE']);
    expect(rows[2999]).toEqual([2999, 'r2999', 749.75]);
    const jsonPath = join(dir, 'lines.zst');
    await db.run(
      `COPY (SELECT i AS id, {'x': i} AS pos FROM range(10) t(i)) TO '${jsonPath}' (FORMAT json, COMPRESSION zstd)`,
    );
    const lines = await run(jsonPath);
    expect(lines.result.detected).toEqual({ format: 'jsonl', compression: 'zstd' });
    expect(lines.rows[9]).toEqual([9, { x: 9 }]);
  });

  it('rejects a cut-off gzip or zstd file instead of importing the rows before the cut', async () => {
    const { gzipSync } = await import('node:zlib');
    const csv = Array.from({ length: 20000 }, (_, i) => `${i},r${i}`).join('\n');
    const whole = gzipSync(`id,name\n${csv}\n`);
    await rejects(
      await file('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2))),
      /gzip file is truncated or corrupt/,
    );
    const zst = join(dir, 'whole.csv.zst');
    await db.run(
      `COPY (SELECT i AS id, 'r' || i AS name FROM range(200000) t(i)) TO '${zst}' (FORMAT csv, COMPRESSION zstd)`,
    );
    const bytes = await readFile(zst);
    expect((await run(zst)).result.rowCount).toBe(200000);
    await rejects(
      await file('cut.csv.zst', bytes.subarray(0, Math.floor(bytes.length / 2))),
      /zstd file is truncated or corrupt/,
    );
    await rejects(
      await file('cut.jsonl.zst', bytes.subarray(0, bytes.length - 1)),
      /zstd file is truncated or corrupt/,
    );
  });

  it('rejects a corrupt gzip file and a compressed Parquet file with a 400', async () => {
    const { gzipSync } = await import('node:zlib');
    const broken = Buffer.concat([gzipSync('a,b\n').subarray(0, 10), Buffer.from('definitely not deflate data')]);
    await rejects(await file('broken.csv.gz', broken), /gzip/);
    const source = join(root, `source${n}.parquet`);
    await db.run(`COPY (SELECT 1 AS a) TO '${source}' (FORMAT parquet)`);
    await rejects(await file('data.parquet.gz', gzipSync(await readFile(source))), /compressed Parquet/);
  });

  it('says a file named .gz or .zst is not compressed when it fails as plain text, and imports a misnamed CSV', async () => {
    const { randomBytes } = await import('node:crypto');
    const junk = Buffer.concat([Buffer.from([0x00, 0xff, 0x10]), randomBytes(4096)]);
    for (const [name, kind] of [
      ['junk.csv.gz', 'gzip'],
      ['junk.csv.zst', 'zstd'],
    ] as const)
      await rejects(
        await file(name, junk),
        new RegExp(
          `^${name.replace('.', '\\.')} is not ${kind}-compressed, though its name says so; read as plain text: .+`,
        ),
      );
    const { rows } = await run(await file('plain.csv.gz', 'a,b\n1,2\n'));
    expect(rows).toEqual([[1, 2]]);
  });
});
