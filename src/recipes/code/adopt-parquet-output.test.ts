import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBackWithDuckDB } from '../../engine/parquet/test-support.js';
import { adoptParquetOutput, OutputAdopter } from './adopt-parquet-output.js';
import type { CodeColumn } from './ts-recipe-entry.js';
import { ParquetParts, ParquetWriter } from './ts-recipe-parquet.js';
import { ThriftReader, type ThriftStruct } from './ts-recipe-thrift.js';

const { path: file, json, connection } = readBackWithDuckDB('llano-adopt-');

// Every type the TypeScript harness writes to Parquet; NULLs, the text \N, '', non-ASCII text,
// numbers beyond 2^53, NaN and -0; two row groups.
const COLUMNS: CodeColumn[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'band', type: 'VARCHAR' },
  { name: 'trec', type: 'DOUBLE' },
  { name: 'hot', type: 'BOOLEAN' },
  { name: 'tiny', type: 'TINYINT' },
  { name: 'small', type: 'SMALLINT' },
  { name: 'int', type: 'INTEGER' },
];
const ROWS = 5000;
const value = (j: number, i: number): unknown => {
  switch (COLUMNS[j].name) {
    case 'id':
      return i === 7 ? 1152921504606846977n : BigInt(i);
    case 'band':
      return i % 9 === 0 ? null : i % 9 === 1 ? '\\N' : i % 9 === 2 ? '' : i % 9 === 3 ? 'é€😀 "q"' : `B${i % 5}`;
    case 'trec':
      return i % 7 === 0 ? null : i % 97 === 1 ? Number.NaN : i % 97 === 2 ? -0 : i / 3;
    case 'hot':
      return i % 4 === 0 ? null : i % 3 === 0;
    case 'tiny':
      return (i % 200) - 100;
    case 'small':
      return ((i * 7) % 60000) - 30000;
    default:
      return i % 11 === 0 ? null : -i * 1000;
  }
};

let seq = 0;
/** A work folder with the harness's output file written by the TypeScript harness's writer; `tamper` edits the writer before close. */
function harnessOutput(tamper?: (writer: ParquetWriter) => void): { workDir: string; output: string } {
  const workDir = file(`work-${++seq}`);
  mkdirSync(workDir);
  const output = path.join(workDir, 'output');
  const writer = new ParquetWriter(output, COLUMNS, (v) => JSON.stringify(v));
  for (const [from, to] of [
    [0, 3000],
    [3000, ROWS],
  ]) {
    const arrays = COLUMNS.map((_, j) => Array.from({ length: to - from }, (__, k) => value(j, from + k)));
    expect(writer.writeRowGroup(arrays, to - from)).toBe(true);
  }
  tamper?.(writer);
  writer.close();
  return { workDir, output };
}

const adopt = (
  workDir: string,
  output: string,
  columns = COLUMNS,
  target = path.join(workDir, '..', `v-${seq}.parquet`),
) =>
  adoptParquetOutput(connection(), [{ path: output, format: 'parquet' }], columns, workDir, target).then((r) => ({
    r,
    target,
  }));

/** Files left next to the targets (the temporary copies are hidden siblings). */
const hiddenLeft = () => readdirSync(file('')).filter((f) => f.startsWith('.'));

/** The codecs of a file's column chunks. */
function codecs(parquet: string): Set<number> {
  const buf = readFileSync(parquet);
  const meta = new ThriftReader(buf, buf.length - 8 - buf.readUInt32LE(buf.length - 8)).struct();
  return new Set(
    (meta[4] as ThriftStruct[]).flatMap((g) =>
      (g[1] as ThriftStruct[]).map((c) => (c[3] as ThriftStruct)[4] as number),
    ),
  );
}

describe('adoptParquetOutput', () => {
  it("keeps the harness's file as the version's, snappy-compressed, with the same values, types, nullability and hash", async () => {
    const { workDir, output } = harnessOutput();
    const { r, target } = await adopt(workDir, output);
    expect(r).not.toBeNull();
    expect(r!.rowCount).toBe(ROWS);
    expect(r!.columns).toEqual(
      COLUMNS.map((c) => ({ ...c, nullable: ['band', 'trec', 'hot', 'int'].includes(c.name) })),
    );
    expect(r!.contentHash).toBe(createHash('sha256').update(readFileSync(target)).digest('hex'));
    expect([...codecs(target)]).toEqual([1]);
    expect(statSync(target).size).toBeLessThan(statSync(output).size);
    // Row for row (in file order) the same values, NaN and -0 included.
    const same = COLUMNS.map((c) => `x."${c.name}" IS NOT DISTINCT FROM y."${c.name}"`).join(' AND ');
    const differ = await json(`SELECT count(*) AS n FROM read_parquet('${output}', file_row_number = true) x
      FULL JOIN read_parquet('${target}', file_row_number = true) y USING (file_row_number) WHERE NOT (${same})`);
    expect(Number(differ[0].n)).toBe(0);
    const signs = (f: string) =>
      json(
        `SELECT count(*) FILTER (WHERE trec = 0 AND signbit(trec)) AS negzero, max(id) AS big FROM read_parquet('${f}')`,
      );
    expect(await signs(target)).toEqual(await signs(output));
    expect((await signs(target))[0].big).toBe('1152921504606846977');
    expect(Number((await signs(target))[0].negzero)).toBeGreaterThan(0);
    expect(hiddenLeft()).toEqual([]);
  });

  it("writes each row group's min / max and null count, which DuckDB reads as those of the group's values", async () => {
    const { workDir, output } = harnessOutput();
    const { r, target } = await adopt(workDir, output);
    expect(r).not.toBeNull();
    const stats = await json(`SELECT row_group_id AS g, path_in_schema AS name, stats_min_value AS min,
      stats_max_value AS max, stats_null_count AS nulls FROM parquet_metadata('${target}') ORDER BY g, column_id`);
    const expected = await json(
      COLUMNS.map(
        (c) => `SELECT (file_row_number >= 3000)::INT AS g, '${c.name}' AS name, min("${c.name}")::VARCHAR AS min,
          max("${c.name}")::VARCHAR AS max, count(*) - count("${c.name}") AS nulls
          FROM read_parquet('${output}', file_row_number = true) GROUP BY g`,
      ).join(' UNION ALL ') + ' ORDER BY g',
    );
    const byGroup = (rows: Record<string, unknown>[], g: number): Record<string, unknown[]> =>
      Object.fromEntries(
        rows.filter((x) => Number(x.g) === g).map((x) => [String(x.name), [x.min, x.max, Number(x.nulls)]]),
      );
    for (const g of [0, 1]) {
      const got = byGroup(stats, g);
      const want = byGroup(expected, g);
      // The zeros' sign: -0 is the least double bound, as Parquet says (the group holds 0 and -0).
      if (want.trec[0] === '0.0' || want.trec[0] === '-0.0') want.trec[0] = '-0.0';
      expect(got).toEqual(want);
    }
    expect(stats.find((x) => x.name === 'id' && Number(x.g) === 0)?.max).toBe('1152921504606846977');
    expect(stats.find((x) => x.name === 'band')?.max).toBe('é€😀 "q"');
  });

  it('lets a filtered read skip the row groups whose bounds it cannot match', async () => {
    const { workDir, output } = harnessOutput();
    const { r, target } = await adopt(workDir, output);
    expect(r).not.toBeNull();
    const count = async (f: string, where: string) =>
      Number((await json(`SELECT count(int) AS n FROM read_parquet('${f}') WHERE ${where}`))[0].n);
    const expected = await count(output, 'int <= -3000000');
    expect(expected).toBeGreaterThan(1000);
    // The first row group's `int` chunk (values 0 to -2,999,000) overwritten: only a read that skips it still works.
    const buf = readFileSync(target);
    const meta = new ThriftReader(buf, buf.length - 8 - buf.readUInt32LE(buf.length - 8)).struct();
    const chunk = ((meta[4] as ThriftStruct[])[0][1] as ThriftStruct[])[COLUMNS.findIndex((c) => c.name === 'int')];
    const m = chunk[3] as ThriftStruct;
    buf.fill(0xff, m[9] as number, (m[9] as number) + (m[7] as number));
    writeFileSync(target, buf);
    await expect(count(target, 'int > -3000000')).rejects.toThrow();
    expect(await count(target, 'int <= -3000000')).toBe(expected);
  });

  it('answers null (the import casts) when the declared types are not the file’s, leaving nothing', async () => {
    const { workDir, output } = harnessOutput();
    const declared = COLUMNS.map((c) => (c.name === 'int' ? { ...c, type: 'BIGINT' } : c));
    const { r, target } = await adopt(workDir, output, declared);
    expect(r).toBeNull();
    expect(existsSync(target)).toBe(false);
    expect(existsSync(output)).toBe(true);
    expect(hiddenLeft()).toEqual([]);
  });

  it('never moves a file outside the work folder, a link, or more than one file', async () => {
    const { workDir, output } = harnessOutput();
    const other = file(`work-${++seq}`);
    mkdirSync(other);
    expect((await adopt(other, output)).r).toBeNull();
    const link = path.join(workDir, 'link.parquet');
    symlinkSync(output, link);
    expect((await adopt(workDir, link)).r).toBeNull();
    const two = await adoptParquetOutput(
      connection(),
      [
        { path: output, format: 'parquet' },
        { path: path.join(workDir, 'rest.csv'), format: 'csv' },
      ],
      COLUMNS,
      workDir,
      file('two.parquet'),
    );
    expect(two).toBeNull();
    expect(existsSync(output)).toBe(true);
  });

  it('refuses a row group that claims more rows than its pages hold, leaving no version file', async () => {
    const { workDir, output } = harnessOutput();
    // The first row group's num_rows (field 3, i64 3000) is the last such field before the second group's chunks.
    const buf = readFileSync(output);
    const claim = (rows: number) => Buffer.from([0x16, ...zigzagVarint(rows)]);
    const at = buf.lastIndexOf(claim(3000));
    expect(at).toBeGreaterThan(buf.length - 8 - buf.readUInt32LE(buf.length - 8));
    claim(3001).copy(buf, at);
    writeFileSync(output, buf);
    const error = await adopt(workDir, output).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^The code's output Parquet file is damaged: /);
    expect(existsSync(path.join(workDir, '..', `v-${seq}.parquet`))).toBe(false);
    expect(hiddenLeft()).toEqual([]);
  });

  it('refuses a damaged file: cut short, a page past its chunk, text that is not UTF-8', async () => {
    const cut = harnessOutput();
    const bytes = readFileSync(cut.output);
    writeFileSync(cut.output, bytes.subarray(0, bytes.length - 100));
    const cutError = await adopt(cut.workDir, cut.output).then(
      () => null,
      (e: Error) => e,
    );
    expect(cutError?.message).toMatch(/^The code's output Parquet file is damaged: /);
    expect(cutError?.message).not.toContain(file(''));

    // The first page header's compressed size (field 3, a zigzag varint right after field 2) made huge.
    const past = harnessOutput();
    const buf = readFileSync(past.output);
    const header = new ThriftReader(buf, 4).struct();
    const at = buf.indexOf(Buffer.from([0x15, ...zigzagVarint(header[3] as number)]), 4 + 1);
    expect(at).toBeGreaterThan(4);
    buf.set([0x15, ...zigzagVarint(1 << 30)].slice(0, 1 + zigzagVarint(header[3] as number).length), at);
    writeFileSync(past.output, buf);
    await expect(adopt(past.workDir, past.output)).rejects.toThrow(/output Parquet file is damaged/);

    // 'é€😀 "q"' in the dictionary with its first two bytes replaced by bytes UTF-8 never holds.
    const text = harnessOutput();
    const raw = readFileSync(text.output);
    const where = raw.indexOf(Buffer.from('é€😀', 'utf8'));
    expect(where).toBeGreaterThan(0);
    raw[where] = 0xff;
    raw[where + 1] = 0xfe;
    writeFileSync(text.output, raw);
    const utf8 = await adopt(text.workDir, text.output).then(
      () => null,
      (e: Error) => e,
    );
    expect(utf8?.message).toMatch(/^The code's output Parquet file is damaged: .*utf-?8/i);
    expect(utf8?.message).not.toContain(file(''));
    expect(hiddenLeft()).toEqual([]);
  });
});

describe('OutputAdopter: parts adopted while the code writes the next', () => {
  /** The values of part `k`: rows k * 1,000 to k * 1,000 + 999. */
  const partArrays = (k: number) =>
    COLUMNS.map((_, j) => Array.from({ length: 1000 }, (__, i) => value(j, k * 1000 + i)));

  /** A work folder whose harness output goes in parts of 1,000 rows (`write(k)` writes part k). */
  function partsOutput() {
    const workDir = file(`work-${++seq}`);
    mkdirSync(workDir);
    const output = path.join(workDir, 'output');
    const parts = new ParquetParts(output, COLUMNS, (v) => JSON.stringify(v));
    const write = (k: number) => expect(parts.writeRowGroup(partArrays(k), 1000)).toBe(true);
    const target = path.join(workDir, '..', `v-${seq}.parquet`);
    const adopter = new OutputAdopter((work) => work(connection()), workDir, output, target);
    const files = () => parts.files.map((p) => ({ path: p, format: 'parquet' as const }));
    return { workDir, output, parts, write, target, adopter, files };
  }

  /** Waits until the adopter has taken `n` parts (each takes milliseconds). */
  const adopted = (adopter: OutputAdopter, n: number) =>
    expect.poll(() => adopter.partsAdopted, { timeout: 10_000, interval: 5 }).toBe(n);

  /** A run being watched whose first two parts were adopted. */
  async function twoAdopted() {
    const run = partsOutput();
    run.adopter.watch();
    run.write(0);
    run.write(1);
    await adopted(run.adopter, 2);
    return run;
  }

  it('gives the same version file, rows and hash as adopting every part at the end', async () => {
    const run = partsOutput();
    run.adopter.watch();
    for (let k = 0; k < 5; k++) {
      run.write(k);
      await adopted(run.adopter, k + 1);
    }
    const watched = await run.adopter.finish(run.files(), COLUMNS);
    expect(watched).not.toBeNull();
    const atEnd = await adoptParquetOutput(connection(), run.files(), COLUMNS, run.workDir, file(`end-${seq}.parquet`));
    expect(watched).toEqual(atEnd);
    expect(watched!.rowCount).toBe(5000);
    expect(watched!.contentHash).toBe(createHash('sha256').update(readFileSync(run.target)).digest('hex'));
    // One row group per part, each with its statistics; the values in the parts' order.
    const groups = await json(
      `SELECT count(*) AS n, count(stats_min_value) AS bounded FROM parquet_metadata('${run.target}') WHERE path_in_schema = 'tiny'`,
    );
    expect(groups).toEqual([{ n: '5', bounded: '5' }]);
    const ids = await json(
      `SELECT list(id ORDER BY file_row_number)[1:3] AS first, count(*) AS n FROM read_parquet('${run.target}', file_row_number = true)`,
    );
    expect(ids).toEqual([{ first: ['0', '1', '2'], n: '5000' }]);
    expect(hiddenLeft()).toEqual([]);
  });

  it('fails clearly on a damaged part after others were adopted, leaving no version file and no copy', async () => {
    const run = await twoAdopted();
    // Part 2 cut short (as code damaging its output would), written aside and moved into place whole.
    const aside = file(`aside-${seq}`);
    mkdirSync(aside);
    const spare = new ParquetParts(path.join(aside, 'output'), COLUMNS, (v) => JSON.stringify(v));
    spare.writeRowGroup(partArrays(2), 1000);
    const bytes = readFileSync(spare.files[0]);
    writeFileSync(spare.files[0], bytes.subarray(0, bytes.length - 100));
    renameSync(spare.files[0], `${run.output}.part2`);
    const files = [...run.files(), { path: `${run.output}.part2`, format: 'parquet' as const }];
    const error = await run.adopter.finish(files, COLUMNS).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^The code's output Parquet file is damaged: .*output\.part2/);
    expect(error?.message).not.toContain(file(''));
    expect(existsSync(run.target)).toBe(false);
    expect(hiddenLeft()).toEqual([]);
  });

  it('leaves nothing when the code fails after parts were adopted (discard)', async () => {
    const run = await twoAdopted();
    await run.adopter.discard();
    expect(existsSync(run.target)).toBe(false);
    expect(hiddenLeft()).toEqual([]);
  });

  it('answers null (the import reads the files) when the code took back parts that were adopted', async () => {
    const run = await twoAdopted();
    // The harness turned its output into CSV: the parts are gone, one CSV file is the output.
    run.parts.remove();
    const csv = path.join(run.workDir, 'output');
    writeFileSync(csv, 'id\n1\n');
    expect(await run.adopter.finish([{ path: csv, format: 'csv' }], COLUMNS)).toBeNull();
    expect(existsSync(run.target)).toBe(false);
    expect(hiddenLeft()).toEqual([]);
  });
});

/** A Thrift compact i32's bytes (zigzag varint). */
function zigzagVarint(n: number): number[] {
  let v = (n << 1) ^ (n >> 31);
  const out: number[] = [];
  while (v >= 0x80 || v < 0) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
