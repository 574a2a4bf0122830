import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { badRequest } from '../common/errors.js';
import { ARRIVING_HEAD_BYTES, copyCsvArriving } from './csv-arriving.js';
import { DuckDb } from './duckdb.js';
import { importFile } from './import-file.js';

let db: DuckDb;
let root: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  db = await DuckDb.open(':memory:', { threads: 2 });
  root = await mkdtemp(join(tmpdir(), 'llano-import-arriving-'));
});
afterAll(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  n++;
  dir = join(root, `case${n}`);
  await mkdir(join(dir, 'out'), { recursive: true });
});

/** Rows of observations, `count` of them from `from`: about 40 bytes each. */
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return `${i},DA${String(i % 66).padStart(2, '0')},${(i % 10) + 1},${((i * 7) % 1000) / 10}\n`;
  }).join('');
const HEADER = 'id,antenna,band,amplitude\n';
/** Rows that fill more than the detection head (with the header): the arriving file is split after them. */
const HEAD_ROWS = Math.ceil(ARRIVING_HEAD_BYTES / 16);

/** A settable promise: the upload's arrival as the route gives it. */
function arrival() {
  let arrived!: () => void;
  let failed!: (error: Error) => void;
  const whole = new Promise<void>((resolve, reject) => {
    arrived = resolve;
    failed = reject;
  });
  whole.catch(() => undefined);
  return { whole, arrived, failed };
}

/** Waits until the import reads the arriving file through its FIFO (the import runs as the file arrives). */
async function untilStreaming(path: string): Promise<void> {
  for (let i = 0; i < 2000 && !existsSync(`${path}.fifo`); i++) await sleep(5);
  expect(existsSync(`${path}.fifo`)).toBe(true);
}

/**
 * Imports `head` + `rest` written in two steps, the second after the import started reading,
 * and the same content as a whole file: both results, and what each import threw.
 */
async function arrivingAndWhole(head: string, rest: string) {
  const arriving = join(dir, 'arriving.csv');
  await writeFile(arriving, head);
  const { whole, arrived } = arrival();
  const early = importFile(db, {
    sourcePath: arriving,
    fileName: 'obs.csv',
    targetPath: join(dir, 'out', 'a.parquet'),
    whole,
  });
  const settled = early.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await untilStreaming(arriving);
  await appendFile(arriving, rest);
  arrived();
  const completeFile = join(dir, 'complete.csv');
  await writeFile(completeFile, head + rest);
  const complete = await importFile(db, {
    sourcePath: completeFile,
    fileName: 'obs.csv',
    targetPath: join(dir, 'out', 'w.parquet'),
  }).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { arrived: await settled, complete };
}

describe('importFile of a CSV file still arriving', () => {
  it('imports as the file arrives, with the same rows, types and content hash as the whole file', async () => {
    const { arrived, complete } = await arrivingAndWhole(HEADER + rows(0, HEAD_ROWS), rows(HEAD_ROWS, 100_000));
    if (!('value' in arrived) || !('value' in complete)) throw new Error('an import failed');
    expect(arrived.value.rowCount).toBe(HEAD_ROWS + 100_000);
    expect(arrived.value).toEqual(complete.value);
    expect(arrived.value.columns.map((c) => c.type)).toEqual(['BIGINT', 'VARCHAR', 'BIGINT', 'DOUBLE']);
    // Nothing of the fast path is left beside the upload.
    expect((await readdir(dir)).sort()).toEqual(['arriving.csv', 'complete.csv', 'out']);
  });

  it('copies the arriving file itself (the whole file is not imported again), and only while its dialect holds', async () => {
    const path = join(dir, 'fast.csv');
    await writeFile(path, HEADER + rows(0, HEAD_ROWS));
    const copy = (name: string, whole: Promise<void>) =>
      copyCsvArriving(db, {
        file: { path, whole },
        csv: {},
        schema: {},
        checkColumns: () => undefined,
        targetPath: join(dir, 'out', name),
      });
    const { whole, arrived } = arrival();
    const fast = copy('fast.parquet', whole);
    await untilStreaming(path);
    await appendFile(path, rows(HEAD_ROWS, 1000));
    arrived();
    expect((await fast)?.written.rowCount).toBe(HEAD_ROWS + 1000);
    // A late value that does not fit: the copy does not stand, and leaves nothing.
    await appendFile(path, 'n/a,DA01,1,2.5\n');
    expect(await copy('late.parquet', Promise.resolve())).toBeUndefined();
    expect(await readdir(join(dir, 'out'))).toEqual(['fast.parquet']);
  });

  it('copies one arriving file at a time: another is imported once whole', async () => {
    const first = join(dir, 'first.csv');
    const second = join(dir, 'second.csv');
    await writeFile(first, HEADER + rows(0, HEAD_ROWS));
    await writeFile(second, HEADER + rows(0, HEAD_ROWS));
    const { whole, arrived } = arrival();
    const copy = (path: string, arriving: Promise<void>) =>
      copyCsvArriving(db, {
        file: { path, whole: arriving },
        csv: {},
        schema: {},
        checkColumns: () => undefined,
        targetPath: join(dir, 'out', `${path.endsWith('first.csv') ? 'first' : 'second'}.parquet`),
      });
    const running = copy(first, whole);
    await untilStreaming(first);
    // Answered while the first still waits for its file: no second statement held by a client.
    expect(await copy(second, new Promise(() => undefined))).toBeUndefined();
    expect(existsSync(`${second}.fifo`)).toBe(false);
    arrived();
    expect((await running)?.written.rowCount).toBe(HEAD_ROWS);
  });

  it('widens a column whose value past the detected head does not fit, as for the whole file', async () => {
    const { arrived, complete } = await arrivingAndWhole(
      HEADER + rows(0, HEAD_ROWS),
      rows(HEAD_ROWS, 1000) + 'n/a,DA01,1,2.5\n',
    );
    if (!('value' in arrived) || !('value' in complete)) throw new Error('an import failed');
    expect(arrived.value.columns.map((c) => c.type)).toEqual(['VARCHAR', 'VARCHAR', 'BIGINT', 'DOUBLE']);
    expect(arrived.value).toEqual(complete.value);
  });

  it('refuses a malformed line past the detected head with its line number, as for the whole file', async () => {
    const { arrived, complete } = await arrivingAndWhole(
      HEADER + rows(0, HEAD_ROWS),
      rows(HEAD_ROWS, 10) + '1,2,3,4,5\n' + rows(HEAD_ROWS + 10, 10),
    );
    if (!('error' in arrived) || !('error' in complete)) throw new Error('an import succeeded');
    expect(arrived.error).toMatchObject({
      status: 400,
      message: `Malformed CSV on line ${HEAD_ROWS + 12}: expected 4 columns, found 5`,
    });
    expect(arrived.error).toEqual(complete.error);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it("fails with the upload's own error when it is cut short, and keeps no file", async () => {
    const arriving = join(dir, 'cut.csv');
    await writeFile(arriving, HEADER + rows(0, HEAD_ROWS));
    const { whole, failed } = arrival();
    const target = join(dir, 'out', 'cut.parquet');
    const early = importFile(db, { sourcePath: arriving, targetPath: target, whole }).catch((e: unknown) => e);
    await untilStreaming(arriving);
    // The rows so far end on a whole line: read alone they would import.
    failed(badRequest('The upload was cut short'));
    expect(await early).toMatchObject({ message: 'The upload was cut short' });
    expect(await readdir(join(dir, 'out'))).toEqual([]);
    expect(existsSync(`${arriving}.fifo`)).toBe(false);
  });

  it('imports a small arriving file once it is whole', async () => {
    const arriving = join(dir, 'small.csv');
    await writeFile(arriving, HEADER);
    const { whole, arrived } = arrival();
    const early = importFile(db, { sourcePath: arriving, targetPath: join(dir, 'out', 's.parquet'), whole });
    await sleep(50);
    await appendFile(arriving, rows(0, 3));
    arrived();
    expect((await early).rowCount).toBe(3);
  });
});
