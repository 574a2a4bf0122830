import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZip, readZipEntries } from './zip-reader.js';
import { ZipWriter } from './zip-writer.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'llano-zip-'));
const limits = { maxBytes: 1_000_000, maxEntries: 100 };

/** A ZIP with one entry of any name, as a hostile client would make it. */
async function zipWith(name: string, data: Buffer): Promise<string> {
  const file = path.join(dir(), 'x.zip');
  const w = await ZipWriter.create(file);
  // The writer trusts its caller; hostile names are the reader's to refuse.
  await w.addBuffer(name, data);
  await w.close();
  return file;
}

describe('zip', () => {
  it('writes archives that another unzip reads, and reads them back byte for byte', async () => {
    const d = dir();
    const big = path.join(d, 'big.bin');
    writeFileSync(big, Buffer.alloc(300_000, 7));
    const file = path.join(d, 'a.zip');
    const w = await ZipWriter.create(file);
    await w.addBuffer('project.json', Buffer.from('{"key": "A"}\n'));
    await w.addBuffer('recipes/é.sql', Buffer.from('SELECT 1\n'));
    await w.addFile('data/big.parquet', big);
    await w.close();
    const listed = execFileSync('/usr/bin/python3', [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(",".join(z.namelist()))',
      file,
    ]).toString();
    expect(listed.trim()).toBe('project.json,recipes/é.sql,data/big.parquet');
    const out = dir();
    expect(await extractZip(file, out, limits)).toHaveLength(3);
    expect(readFileSync(path.join(out, 'recipes/é.sql'), 'utf8')).toBe('SELECT 1\n');
    expect(readFileSync(path.join(out, 'data/big.parquet')).equals(readFileSync(big))).toBe(true);
  });

  it('reads archives made elsewhere', async () => {
    const d = dir();
    const file = path.join(d, 'py.zip');
    execFileSync('/usr/bin/python3', [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); z.writestr("dir/", ""); z.writestr("dir/a.txt", "hello " * 1000); z.close()',
      file,
    ]);
    expect((await readZipEntries(file)).map((e) => e.name)).toEqual(['dir/', 'dir/a.txt']);
    const out = dir();
    await extractZip(file, out, limits);
    expect(readFileSync(path.join(out, 'dir/a.txt'), 'utf8')).toBe('hello '.repeat(1000));
  });

  it('refuses names outside the folder, bombs over the limit and broken archives with a 400', async () => {
    for (const name of ['../evil.txt', '/etc/passwd', 'a/../../b', 'C:/x', 'a\\..\\b'])
      await expect(extractZip(await zipWith(name, Buffer.from('x')), dir(), limits)).rejects.toMatchObject({
        status: 400,
      });
    // 50 MB of zeros deflate to ~50 KB; the limit stops it while inflating, whatever the header claims.
    const bomb = await zipWith('bomb.bin', Buffer.alloc(50_000_000));
    await expect(extractZip(bomb, dir(), limits)).rejects.toThrow(/unpacks to more than 1,000,000 bytes/);
    const truncated = await zipWith('x', Buffer.from('y'));
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 10));
    await expect(extractZip(truncated, dir(), limits)).rejects.toMatchObject({ status: 400 });
    await expect(extractZip(bomb, dir(), { ...limits, maxEntries: 0 })).rejects.toMatchObject({ status: 400 });
  });
});
