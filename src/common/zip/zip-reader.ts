import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { badRequest } from '../errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

export interface ZipLimits {
  /** Most bytes all entries may unpack to, counted as they inflate (declared sizes are not trusted). */
  maxBytes: number;
  maxEntries: number;
}

const MAX_NAME = 1000;

/**
 * Refuses a name that could land outside the folder it is extracted to: absolute paths, drive
 * letters, backslashes, `..` or empty segments, control characters.
 */
export function assertSafeEntryName(name: string): void {
  const bad = (why: string) => badRequest(`The archive entry ${JSON.stringify(name.slice(0, 200))} is refused: ${why}`);
  if (!name || name.length > MAX_NAME) throw bad(`a name must have 1 to ${MAX_NAME} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(name)) throw bad('no backslashes or control characters');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw bad('an absolute path');
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '')) throw bad('a path that leaves its folder');
}

/** Lists a ZIP file's entries from its central directory (no ZIP64, no encryption, no multi-disk). */
export async function readZipEntries(zipPath: string): Promise<ZipEntry[]> {
  const file = await open(zipPath, 'r');
  try {
    const { size } = await file.stat();
    const tailSize = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let end = -1;
    for (let i = tailSize - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        end = i;
        break;
      }
    if (end < 0) throw badRequest('The upload is not a ZIP archive (no end of central directory)');
    const count = tail.readUInt16LE(end + 10);
    const dirSize = tail.readUInt32LE(end + 12);
    const dirOffset = tail.readUInt32LE(end + 16);
    if (dirOffset === 0xffffffff || count === 0xffff) throw badRequest('ZIP64 archives are not supported');
    if (dirOffset + dirSize > size) throw badRequest('The ZIP archive is truncated');
    const dir = Buffer.alloc(dirSize);
    await file.read(dir, 0, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50)
        throw badRequest('The ZIP central directory is corrupt');
      const flags = dir.readUInt16LE(p + 8);
      if (flags & 1) throw badRequest('Encrypted ZIP entries are not supported');
      const nameLength = dir.readUInt16LE(p + 28);
      const extra = dir.readUInt16LE(p + 30);
      const comment = dir.readUInt16LE(p + 32);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      entries.push({
        name,
        method: dir.readUInt16LE(p + 10),
        crc: dir.readUInt32LE(p + 16),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        headerOffset: dir.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + extra + comment;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/**
 * Extracts a ZIP file into `destination` (which must exist), refusing hostile archives with a
 * 400: names outside the folder, more entries or more unpacked bytes than `limits` allow (counted
 * while inflating, so a zip bomb stops at the limit), unknown methods, wrong checksums.
 * Returns the files written, as relative paths.
 */
export async function extractZip(zipPath: string, destination: string, limits: ZipLimits): Promise<string[]> {
  const entries = await readZipEntries(zipPath);
  if (entries.length > limits.maxEntries)
    throw badRequest(`The archive has ${entries.length} entries, over the limit of ${limits.maxEntries}`);
  for (const e of entries) assertSafeEntryName(e.name);
  const tooBig = () =>
    badRequest(
      `The archive unpacks to more than ${limits.maxBytes.toLocaleString('en-US')} bytes, the limit of an import`,
    );
  if (entries.reduce((sum, e) => sum + e.size, 0) > limits.maxBytes) throw tooBig();
  const root = path.resolve(destination);
  let total = 0;
  const written: string[] = [];
  const file = await open(zipPath, 'r');
  try {
    for (const e of entries) {
      const target = path.resolve(root, e.name);
      if (!target.startsWith(root + path.sep)) throw badRequest(`The archive entry ${e.name} leaves its folder`);
      if (e.name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      if (e.method !== 0 && e.method !== 8)
        throw badRequest(`The archive entry ${e.name} uses compression method ${e.method}; use deflate or store`);
      const local = Buffer.alloc(30);
      await file.read(local, 0, 30, e.headerOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) throw badRequest(`The archive entry ${e.name} is corrupt`);
      const start = e.headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      mkdirSync(path.dirname(target), { recursive: true });
      let crc = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          total += chunk.length;
          if (total > limits.maxBytes) return done(tooBig());
          crc = crc32(chunk, crc);
          done(null, chunk);
        },
      });
      const source = createReadStream(zipPath, { start, end: Math.max(start, start + e.compressedSize - 1) });
      const out = createWriteStream(target);
      const run =
        e.compressedSize === 0
          ? pipeline(Readable.from([]), count, out)
          : e.method === 8
            ? pipeline(source, createInflateRaw(), count, out)
            : pipeline(source, count, out);
      if (e.compressedSize === 0) source.destroy();
      await run.catch((err: unknown) => {
        throw (err as { status?: number }).status === 400
          ? err
          : badRequest(`The archive entry ${e.name} cannot be read: ${(err as Error).message}`);
      });
      if (crc >>> 0 !== e.crc >>> 0) throw badRequest(`The archive entry ${e.name} is corrupt (checksum mismatch)`);
      written.push(e.name);
    }
  } finally {
    await file.close();
  }
  return written;
}
