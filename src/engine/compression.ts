import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import { quoteLiteral } from '../common/names.js';

/** Whole-file compressions DuckDB's CSV and JSON readers decompress on the fly. */
export type Compression = 'gzip' | 'zstd';

const COMPRESSED_EXTENSION = /\.(gz|gzip|zst|zstd)$/i;

/** Decided by the magic bytes, not the name: uploads arrive as nameless temporary files. */
export function compressionOf(head: Buffer): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return undefined;
}

/** The compression a file's name claims (`obs.csv.gz` → gzip), whatever its content. */
export function compressionNamed(fileName: string): Compression | undefined {
  const extension = COMPRESSED_EXTENSION.exec(fileName)?.[1].toLowerCase();
  if (!extension) return undefined;
  return extension.startsWith('gz') ? 'gzip' : 'zstd';
}

/** `obs.csv.gz` → `obs.csv`: the name that tells the format of the content. */
export function withoutCompressionExtension(fileName: string): string {
  return fileName.replace(COMPRESSED_EXTENSION, '');
}

/**
 * The reader's `compression = …` setting, always given: left to DuckDB (`auto`), a file named
 * `….gz` whose bytes are plain text would be read as gzip and fail.
 */
export function compressionSetting(compression: Compression | undefined): string {
  return `compression = ${quoteLiteral(compression ?? 'uncompressed')}`;
}

/** The `, compression = …` reader option. */
export function compressionOption(compression: Compression | undefined): string {
  return `, ${compressionSetting(compression)}`;
}

async function readRawHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function gunzipHead(path: string, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const input = createReadStream(path);
  const gunzip = createGunzip();
  try {
    for await (const chunk of input.pipe(gunzip) as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= bytes) break;
    }
  } catch (error) {
    throw badRequest(`The gzip file cannot be decompressed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/**
 * The first `bytes` bytes of the file's content, decompressed when needed, for the encoding,
 * delimiter and format probes. Node 20 has no zstd, so DuckDB decompresses that one: the content
 * is read as latin-1 lines, one per row, and re-encoded as latin-1, which gives the bytes back
 * (line ends come back as `\n`, which the probes accept).
 */
export async function readContentHead(
  conn: DuckDBConnection,
  path: string,
  compression: Compression | undefined,
  bytes: number,
): Promise<Buffer> {
  if (!compression) return readRawHead(path, bytes);
  if (compression === 'gzip') return gunzipHead(path, bytes);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    const result = await conn.stream(zstdLinesSql(path));
    for await (const rows of result.yieldRowsJson()) {
      for (const [line] of rows) {
        const part = Buffer.from(`${typeof line === 'string' ? line : ''}\n`, 'latin1');
        parts.push(part);
        size += part.length;
        if (size >= bytes) return Buffer.concat(parts).subarray(0, bytes);
      }
    }
  } catch (error) {
    throw zstdUnreadable(error, path);
  }
  return Buffer.concat(parts);
}

/** The content of a zstd file as latin-1 lines (one row each), decompressed by DuckDB. */
const zstdLinesSql = (path: string) =>
  `SELECT line FROM read_csv(${quoteLiteral(path)}, compression = 'zstd', auto_detect = false, header = false, ` +
  `columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '', escape = '', encoding = 'latin-1', strict_mode = false)`;

function zstdUnreadable(error: unknown, path: string) {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return badRequest(`The zstd file cannot be read as text: ${reason.replace(path, 'the file')}`);
}

/**
 * The last `bytes` bytes of a zstd file's content (blank lines dropped), decompressed by DuckDB
 * (Node 20 has no zstd): what the gzip check gets from zlib, to see that a JSON array is closed.
 * The whole content is read; only the newest chunk of lines is kept, and only its end becomes text.
 */
export async function readZstdTail(conn: DuckDBConnection, path: string, bytes = GZIP_TAIL_BYTES): Promise<Buffer> {
  let last: DuckDBValue[] = [];
  try {
    const result = await conn.stream(zstdLinesSql(path));
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const lines = chunk.getColumnValues(0);
      if (lines.some((line) => typeof line === 'string' && line.trim() !== '')) last = lines;
    }
  } catch (error) {
    throw zstdUnreadable(error, path);
  }
  const text = last.filter((line) => typeof line === 'string' && line.trim() !== '').join('\n');
  return Buffer.from(text, 'latin1').subarray(-bytes);
}

/** The first bytes of the file as stored (for magic numbers). */
export const readStoredHead = readRawHead;

const truncated = (compression: Compression) => badRequest(`The ${compression} file is truncated or corrupt`);

/** Bytes of the decompressed end a gzip check keeps (to see that a JSON array is closed). */
const GZIP_TAIL_BYTES = 64;

/**
 * Decompresses the whole gzip stream (all members) and drops the output but its last bytes: zlib
 * checks lengths and CRCs.
 */
async function checkGzip(path: string): Promise<Buffer> {
  let tail = Buffer.alloc(0);
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      tail = Buffer.concat([tail, chunk.subarray(-GZIP_TAIL_BYTES)]).subarray(-GZIP_TAIL_BYTES);
      done();
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), sink);
    return tail;
  } catch (error) {
    throw badRequest(
      `The gzip file is truncated or corrupt (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Walks the zstd frames and block headers without decompressing (Node 20 has no zstd): every
 * frame must end with its last block, the last one exactly at the end of the file.
 * (RFC 8878: frame header, 3-byte block headers, optional 4-byte checksum, skippable frames.)
 */
async function checkZstdFrames(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(8);
    const read = async (at: number, n: number) => {
      const { bytesRead } = await handle.read(buffer, 0, n, at);
      if (bytesRead < n) throw truncated('zstd');
      return buffer;
    };
    let pos = 0;
    while (pos < size) {
      const magic = (await read(pos, 4)).readUInt32LE(0);
      if ((magic & 0xfffffff0) === 0x184d2a50) {
        pos += 8 + (await read(pos + 4, 4)).readUInt32LE(0);
        continue;
      }
      if (magic !== 0xfd2fb528) throw truncated('zstd');
      const descriptor = (await read(pos + 4, 1))[0];
      const singleSegment = (descriptor >> 5) & 1;
      const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6];
      const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
      pos += 4 + 1 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
      for (let last = false; !last;) {
        const b = await read(pos, 3);
        const header = b[0] | (b[1] << 8) | (b[2] << 16);
        const type = (header >> 1) & 3;
        if (type === 3) throw truncated('zstd');
        last = (header & 1) === 1;
        pos += 3 + (type === 1 ? 1 : header >>> 3);
      }
      if ((descriptor >> 2) & 1) pos += 4;
    }
    if (pos !== size) throw truncated('zstd');
  } finally {
    await handle.close();
  }
}

/**
 * DuckDB reads a cut-off gzip or zstd file as a shorter one without a word, so an import checks
 * that the file is whole: gzip by decompressing it alongside the import (the end of its content
 * comes back), zstd by its frame layout.
 */
export async function checkComplete(path: string, compression: Compression): Promise<{ tail?: Buffer }> {
  if (compression === 'gzip') return { tail: await checkGzip(path) };
  await checkZstdFrames(path);
  return {};
}
