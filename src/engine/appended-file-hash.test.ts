import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppendedFileHash } from './appended-file-hash.js';
import { DuckDb } from './duckdb.js';
import { copySelectToParquet } from './parquet-output.js';

const dir = mkdtempSync(join(tmpdir(), 'llano-appended-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('AppendedFileHash', () => {
  it('hashes a file taken up piece by piece as it grows, before it exists too', async () => {
    const path = join(dir, 'growing.bin');
    const hash = new AppendedFileHash(path);
    await hash.catchUp(); // not created yet: nothing read, no error
    for (const size of [10, 5 << 20, 1, 3 << 20]) {
      appendFileSync(path, randomBytes(size));
      await hash.catchUp();
    }
    appendFileSync(path, randomBytes(1000));
    expect(await hash.digest()).toBe(sha256(path));
  });

  it('hashes a small file never taken up in one read', async () => {
    const path = join(dir, 'small.bin');
    appendFileSync(path, randomBytes(5000));
    expect(await new AppendedFileHash(path).digest(5000)).toBe(sha256(path));
  });

  it('answers a read failure at the digest', async () => {
    const hash = new AppendedFileHash(dir); // a folder: opened, but not readable as a file
    await expect(hash.catchUp()).rejects.toThrow();
    await expect(hash.digest()).rejects.toThrow();
  });
});

describe('copySelectToParquet', () => {
  it('records the sha256 of the file written, hashed while DuckDB wrote it (many row groups)', async () => {
    const db = await DuckDb.open();
    try {
      const target = join(dir, 'out.parquet');
      const written = await db.withConnection((conn) =>
        copySelectToParquet(conn, 'SELECT i, i::VARCHAR AS text, random() AS r FROM range(1000000) t(i)', target),
      );
      expect(written.rowCount).toBe(1_000_000);
      expect(written.contentHash).toBe(sha256(target));
    } finally {
      await db.close();
    }
  });
});
