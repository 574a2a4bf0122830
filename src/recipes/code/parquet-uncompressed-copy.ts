import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  encodeStruct,
  i64,
  list,
  struct,
  type ThriftStruct as ThriftOut,
} from '../../engine/parquet/thrift-compact.js';
import { writeAllAt } from '../../engine/parquet/parquet-file-writer.js';
import { snappy } from '../../engine/parquet/snappy.js';
import { badRequest } from '../../common/errors.js';
import { ChunkStatistics } from './parquet-chunk-statistics.js';
import { ThriftReader, type ThriftStruct } from './ts-recipe-thrift.js';
import type { CodeColumn } from './ts-recipe-entry.js';

/**
 * A dataset's own Parquet files handed to code without an export: DuckDB's COPY to uncompressed
 * Parquet decoded every value and encoded it again (a third of a copy recipe's time); here only
 * the snappy pages are decompressed (natively) and written back with their headers and a new
 * footer, the values' bytes untouched. The harnesses' readers (ts-recipe-parquet.ts,
 * llano_parquet.py) then read the file as they read the export. Files with anything they do not
 * read (other codecs, version 2 pages, other encodings, nested columns, types DuckDB would cast)
 * are left to the export: `uncompressedParquetCopy` answers false.
 *
 * The same copy the other way (`snappyParquetCopy`) keeps a code recipe's uncompressed output as
 * the version's file at DuckDB's size, its pages compressed natively instead of decoded and
 * encoded again by an import (see adopt-parquet-output.ts); it also writes each column chunk's
 * min / max and null count, taken from the pages it copies (parquet-chunk-statistics.ts), so
 * that DuckDB skips the version's row groups a filter cannot match, as in a file it wrote.
 */

const PAGE = { DATA: 0, INDEX: 1, DICTIONARY: 2 } as const;
const CODEC = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, RLE_DICTIONARY: 8 } as const;
/** Value encodings both readers decode. */
const VALUE_ENCODINGS = new Set<number>([ENCODING.PLAIN, ENCODING.PLAIN_DICTIONARY, ENCODING.RLE_DICTIONARY]);
const MAGIC = Buffer.from('PAR1');

/** The physical type each handed-over column type has in a file DuckDB wrote (and the readers read as is). */
const PHYSICAL: Record<string, number> = {
  BOOLEAN: 0,
  TINYINT: 1,
  SMALLINT: 1,
  INTEGER: 1,
  BIGINT: 2,
  DOUBLE: 5,
  VARCHAR: 6,
};

/** Raised inside the copy when the file holds something the readers do not read: the export takes over. */
class NotCarried extends Error {}

interface Leaf {
  name: string;
  physical: number;
  repetition: number;
  converted?: number;
}

/** The file's footer (a damaged one is a clear error). */
function readFooter(fd: number, file: string): ThriftStruct {
  const size = fstatSync(fd).size;
  const tail = Buffer.alloc(8);
  if (size < 12 || readSync(fd, tail, 0, 8, size - 8) !== 8 || !tail.subarray(4).equals(MAGIC))
    throw damaged(file, 'it does not end as a Parquet file');
  const length = tail.readUInt32LE(0);
  if (length > size - 12) throw damaged(file, 'its footer is longer than the file');
  const footer = Buffer.alloc(length);
  readSync(fd, footer, 0, length, size - 8 - length);
  try {
    return new ThriftReader(footer).struct();
  } catch (error) {
    throw damaged(file, `its footer does not decode (${(error as Error).message})`);
  }
}

/** A damaged file, told to users by the copy's caller (an input's or the code's output). */
class Damaged extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(why);
  }
}
const damaged = (file: string, why: string) => new Damaged(file, why);

/**
 * The file's leaves, checked against `columns` (names and physical types); with null (the columns
 * not known yet, see `SnappyPartsCopy`) any flat leaf of a physical type the copy carries.
 */
function leavesOf(meta: ThriftStruct, columns: CodeColumn[] | null): Leaf[] {
  const schema = meta[2] as ThriftStruct[] | undefined;
  if (!Array.isArray(schema)) throw new NotCarried();
  const leaves = schema.slice(1);
  if (columns && leaves.length !== columns.length) throw new NotCarried();
  return leaves.map((s, j) => {
    const name = Buffer.isBuffer(s[4]) ? s[4].toString('utf8') : '';
    const physical = s[1] as number;
    if (s[5] !== undefined || !leafIs(name, physical, columns ? columns[j] : null)) throw new NotCarried();
    return { name, physical, repetition: s[3] as number, converted: s[6] as number | undefined };
  });
}

const CARRIED_PHYSICAL = new Set(Object.values(PHYSICAL));
/** Whether a leaf is `column` (its name, and the physical type of its type), or any carried leaf with null. */
const leafIs = (name: string, physical: number, column: CodeColumn | null): boolean =>
  column ? name === column.name && physical === PHYSICAL[column.type.toUpperCase()] : CARRIED_PHYSICAL.has(physical);

/** The codec of the copy's pages. */
type OutputCodec = typeof CODEC.UNCOMPRESSED | typeof CODEC.SNAPPY;

/**
 * One page: its header rewritten for its body in `to` (statistics and checksum dropped), and
 * its body in `to`. Decompressing and compressing run on libuv's thread pool (snappy's async
 * calls), so that a row group's pages are (de)compressed in parallel while this thread goes on;
 * `statistics` takes the uncompressed values as soon as they are there.
 */
async function copyPage(
  header: ThriftStruct,
  body: Buffer,
  codec: number,
  to: OutputCodec,
  file: string,
  statistics: ChunkStatistics | null,
): Promise<[Buffer, Buffer]> {
  const expected = header[2] as number;
  // The page's encodings were checked by `chunkPages`.
  const sub: readonly [number, ThriftOut] =
    header[1] === PAGE.DATA
      ? [
          5,
          struct(
            [1, (header[5] as ThriftStruct)[1] as number],
            [2, (header[5] as ThriftStruct)[2] as number],
            [3, ENCODING.RLE],
            [4, ENCODING.RLE],
          ),
        ]
      : [7, struct([1, (header[7] as ThriftStruct)[1] as number], [2, (header[7] as ThriftStruct)[2] as number])];
  let data = body;
  if (codec === CODEC.SNAPPY) {
    try {
      data = (await snappy().uncompress(body, { asBuffer: true })) as Buffer;
    } catch (error) {
      throw damaged(file, `a page does not decompress (${(error as Error).message})`);
    }
  }
  if (data.length !== expected) throw damaged(file, `a page holds ${data.length} bytes, its header says ${expected}`);
  const stored = to === CODEC.SNAPPY ? snappy().compress(data) : data;
  if (statistics && header[1] === PAGE.DICTIONARY)
    statistics.addDictionary(data, (header[7] as ThriftStruct)[1] as number);
  else if (statistics) {
    const page = header[5] as ThriftStruct;
    statistics.addDataPage(data, page[1] as number, page[2] as number);
  }
  return [
    Buffer.from(encodeStruct(struct([1, header[1] as number], [2, data.length], [3, (await stored).length], sub))),
    await stored,
  ];
}

/** Writes `target` sequentially, keeping its offset. */
class FileOut {
  offset = 0;
  constructor(
    readonly fd: number,
    private readonly hash: Hash | null,
  ) {}
  write(buf: Uint8Array): void {
    writeAllAt(this.fd, buf, this.offset);
    this.hash?.update(buf);
    this.offset += buf.length;
  }
}

/** A column chunk's pages, copied and ready to write (`copyChunk`), with what its metadata needs. */
interface CopiedChunk {
  leaf: Leaf;
  numValues: number;
  /** Each page's type, rewritten header and body. */
  pages: { type: number; header: Buffer; body: Buffer; uncompressed: number }[];
  encodings: Set<number>;
  statistics: ChunkStatistics | null;
}

/** A column chunk's data and dictionary pages (headers decoded, bodies as read), checked for what the readers read. */
interface ChunkPages {
  numValues: number;
  codec: number;
  pages: { header: ThriftStruct; body: Buffer }[];
}

/** A column chunk's metadata, codec and bytes in its file; NotCarried for another codec or physical type. */
function chunkSpan(chunk: ThriftStruct, leaf: Leaf): { m: ThriftStruct; codec: number; begin: number; size: number } {
  const m = chunk[3] as ThriftStruct;
  const codec = m[4] as number;
  if ((codec !== CODEC.UNCOMPRESSED && codec !== CODEC.SNAPPY) || m[1] !== leaf.physical) throw new NotCarried();
  const dictionaryAt = m[11] as number | undefined;
  const begin = dictionaryAt !== undefined && dictionaryAt > 0 ? dictionaryAt : (m[9] as number);
  const size = m[7] as number;
  return { m, codec, begin, size };
}

/**
 * Reads one column chunk of `fd` and walks its page headers. Throws NotCarried on anything the
 * readers do not read (another codec or physical type, version 2 pages, other encodings): checked
 * before any page is copied, so that a whole file can be checked first (see `uncompressedParquetParts`).
 */
function chunkPages(fd: number, file: string, chunk: ThriftStruct, leaf: Leaf): ChunkPages {
  const { m, codec, begin, size } = chunkSpan(chunk, leaf);
  const buf = Buffer.allocUnsafe(size);
  if (readSync(fd, buf, 0, size, begin) !== size) throw damaged(file, 'a column chunk reaches past its end');
  const pages: ChunkPages['pages'] = [];
  for (let pos = 0; pos < size;) {
    const reader = new ThriftReader(buf, pos);
    let header: ThriftStruct;
    try {
      header = reader.struct();
    } catch (error) {
      throw damaged(file, `a page header does not decode (${(error as Error).message})`);
    }
    const length = header[3] as number;
    if (typeof length !== 'number' || reader.pos + length > size) throw damaged(file, 'a page reaches past its chunk');
    const body = buf.subarray(reader.pos, reader.pos + length);
    pos = reader.pos + length;
    if (header[1] === PAGE.INDEX) continue;
    checkPage(header, leaf);
    pages.push({ header, body });
  }
  return { numValues: m[5] as number, codec, pages };
}

/** Throws NotCarried unless the page (not an index page) is one the readers read. */
function checkPage(header: ThriftStruct, leaf: Leaf): void {
  if (header[1] === PAGE.DATA) {
    const page = header[5] as ThriftStruct;
    if (!VALUE_ENCODINGS.has(page[2] as number) || (leaf.repetition !== 0 && page[3] !== ENCODING.RLE))
      throw new NotCarried();
  } else if (header[1] === PAGE.DICTIONARY) {
    const page = header[7] as ThriftStruct;
    if (page[2] !== ENCODING.PLAIN && page[2] !== ENCODING.PLAIN_DICTIONARY) throw new NotCarried();
  } else throw new NotCarried();
}

/** Bytes read for a page header by `checkChunk` (DuckDB's headers take a few dozen). */
const HEADER_BYTES = 1024;

/**
 * `chunkPages`' checks reading the page headers only (a small read each, the bodies skipped):
 * a whole file is checked before its copy starts. A header that does not decode from its first
 * bytes (or a page past the chunk) leaves the decision to `chunkPages`, which reads the chunk.
 */
function checkChunk(fd: number, file: string, chunk: ThriftStruct, leaf: Leaf, head: Buffer): void {
  const { begin, size } = chunkSpan(chunk, leaf);
  for (let pos = 0; pos < size;) {
    const read = readSync(fd, head, 0, Math.min(head.length, size - pos), begin + pos);
    let header: ThriftStruct;
    const reader = new ThriftReader(head.subarray(0, read));
    try {
      header = reader.struct();
    } catch {
      chunkPages(fd, file, chunk, leaf);
      return;
    }
    const length = header[3] as number;
    if (typeof length !== 'number' || pos + reader.pos + length > size) {
      chunkPages(fd, file, chunk, leaf);
      return;
    }
    if (header[1] !== PAGE.INDEX) checkPage(header, leaf);
    pos += reader.pos + length;
  }
}

/** Copies one column chunk of `fd` (its pages in codec `to`), not yet written. */
async function copyChunk(
  fd: number,
  file: string,
  chunk: ThriftStruct,
  leaf: Leaf,
  to: OutputCodec,
): Promise<CopiedChunk> {
  const { numValues, codec, pages: read } = chunkPages(fd, file, chunk, leaf);
  const encodings = new Set<number>([ENCODING.RLE]);
  const statistics = to === CODEC.SNAPPY ? new ChunkStatistics(leaf.physical, leaf.repetition !== 0) : null;
  const pages = read.map(({ header, body }) => {
    if (header[1] === PAGE.DATA) encodings.add((header[5] as ThriftStruct)[2] as number);
    const type = header[1] as number;
    const page = copyPage(header, body, codec, to, file, statistics).then(([h, b]) => ({
      type,
      header: h,
      body: b,
      uncompressed: h.length + (header[2] as number),
    }));
    // Awaited below; until then a failure must not count as unhandled (a later page may throw first).
    page.catch(() => undefined);
    return page;
  });
  return { leaf, numValues, pages: await Promise.all(pages), encodings, statistics };
}

/** Writes a copied chunk's pages to `out`; answers its metadata. */
function writeChunk(copied: CopiedChunk, out: FileOut, to: OutputCodec): ThriftOut {
  const start = out.offset;
  let dictionaryAt: number | undefined;
  let dataAt: number | undefined;
  let uncompressed = 0;
  for (const page of copied.pages) {
    if (page.type === PAGE.DICTIONARY) dictionaryAt = out.offset;
    else dataAt ??= out.offset;
    out.write(page.header);
    out.write(page.body);
    uncompressed += page.uncompressed;
  }
  const { leaf } = copied;
  return struct(
    [2, i64(start)],
    [
      3,
      struct(
        [1, leaf.physical],
        [2, list('i32', [...copied.encodings])],
        [3, list('string', [leaf.name])],
        [4, to],
        [5, i64(copied.numValues)],
        [6, i64(uncompressed)],
        [7, i64(out.offset - start)],
        [9, i64(dataAt ?? start)],
        [11, dictionaryAt === undefined ? undefined : i64(dictionaryAt)],
        [12, copied.statistics?.metadata()],
      ),
    ],
  );
}

/**
 * Writes `target`: the row groups of `files` (in order; the same columns as `columns`, which are
 * the relation's) with every page uncompressed. Answers false, leaving no file, when a file holds
 * what the harnesses do not read; a damaged file is an error (400) naming it.
 */
export const uncompressedParquetCopy = (files: string[], columns: CodeColumn[], target: string): Promise<boolean> =>
  parquetPageCopy(files, columns, target, CODEC.UNCOMPRESSED).catch((error: unknown) => {
    throw inputError(error);
  });

/** A damaged input file as a 400 named by the file's own name: users see the message, never the server's folders. */
const inputError = (error: unknown): unknown =>
  error instanceof Damaged
    ? badRequest(`The input's Parquet file ${path.basename(error.file)} is damaged: ${error.why}`)
    : error;

/**
 * The same copy of the code's output with every page snappy-compressed (as DuckDB writes them),
 * written as the code's part files come (`append`, while the code writes the next ones), then
 * finished once the code has told its columns. `append` answers false when its files hold what
 * the copy does not carry (or other leaves than the files before): the copy is then of no use
 * (`discard`). A damaged file is an error (400).
 */
export class SnappyPartsCopy {
  private copy: CopyWriter | null = null;
  private leaves: Leaf[] | null = null;

  constructor(readonly target: string) {}

  async append(files: string[]): Promise<boolean> {
    try {
      const { sources, leaves } = openSources(files, null, this.leaves);
      try {
        this.leaves = leaves;
        this.copy ??= new CopyWriter(this.target, CODEC.SNAPPY, true);
        await this.copy.add(groupsOf(sources), leaves);
        return true;
      } finally {
        closeSources(sources);
      }
    } catch (error) {
      if (error instanceof NotCarried) return false;
      if (error instanceof Damaged) throw badRequest(`The code's output Parquet file is damaged: ${error.why}`);
      throw error;
    }
  }

  /** Writes the footer; answers the file's SHA-256, or null (removing it) when `columns` are not the files' leaves. */
  finish(columns: CodeColumn[]): string | null {
    const leaves = this.leaves;
    const same =
      this.copy && leaves?.length === columns.length && leaves.every((l, j) => leafIs(l.name, l.physical, columns[j]));
    if (!same || !this.copy || !leaves) {
      this.discard();
      return null;
    }
    return this.copy.finish(columns, leaves);
  }

  /** Removes the copy (unfinished, or not wanted after all). */
  discard(): void {
    this.copy?.discard();
  }
}

/** A source file open for a copy, with its footer's row groups. */
interface Source {
  file: string;
  fd: number;
  groups: ThriftStruct[];
}

/** One row group of a source file. */
interface SourceGroup {
  source: Source;
  group: ThriftStruct;
}

/**
 * Opens `files` and reads their footers; throws NotCarried unless all have the leaves of `columns`
 * (any carried ones with null) and those of the files before, `before`.
 */
function openSources(
  files: string[],
  columns: CodeColumn[] | null,
  before: Leaf[] | null = null,
): { sources: Source[]; leaves: Leaf[] } {
  const sources: Source[] = [];
  let leaves = before;
  try {
    for (const file of files) {
      const source: Source = { file, fd: openSync(file, 'r'), groups: [] };
      sources.push(source);
      const meta = readFooter(source.fd, file);
      const these = leavesOf(meta, columns);
      if (leaves && JSON.stringify(these) !== JSON.stringify(leaves)) throw new NotCarried();
      leaves = these;
      source.groups = (meta[4] as ThriftStruct[] | undefined) ?? [];
    }
  } catch (error) {
    closeSources(sources);
    throw error;
  }
  return { sources, leaves: leaves ?? [] };
}

const closeSources = (sources: Source[]) => sources.forEach((s) => closeSync(s.fd));
const groupsOf = (sources: Source[]): SourceGroup[] =>
  sources.flatMap((source) => source.groups.map((group) => ({ source, group })));

/**
 * A copy being written: the magic bytes, then row groups as they are added (`add`), then the footer
 * (`finish`). With `hashed`, the SHA-256 of every byte written, in order: the file's, without
 * reading it again (the version's hash; the input copies need none).
 */
class CopyWriter {
  private readonly out: FileOut;
  private readonly hash: Hash | null;
  private readonly written: ThriftOut[] = [];
  private rows = 0;
  private open = true;

  constructor(
    readonly target: string,
    private readonly to: OutputCodec,
    hashed = false,
  ) {
    this.hash = hashed ? createHash('sha256') : null;
    this.out = new FileOut(openSync(target, 'w'), this.hash);
    this.out.write(MAGIC);
  }

  /** Appends the row groups `groups` (of files with the leaves of this copy) with every page in codec `to`. */
  async add(groups: SourceGroup[], leaves: Leaf[], signal?: AbortSignal): Promise<void> {
    for (const { source, group } of groups) {
      signal?.throwIfAborted();
      // Every page of the row group is (de)compressed at once on the thread pool, then written in order.
      const copied = await Promise.all(
        (group[1] as ThriftStruct[]).map((chunk, j) => copyChunk(source.fd, source.file, chunk, leaves[j], this.to)),
      );
      const groupStart = this.out.offset;
      const chunks = copied.map((c) => writeChunk(c, this.out, this.to));
      const numRows = group[3] as number;
      this.written.push(struct([1, list('struct', chunks)], [2, i64(this.out.offset - groupStart)], [3, i64(numRows)]));
      this.rows += numRows;
      // A row group is a few MB of decompression on the server's thread: let other requests in between.
      await nextTurn();
    }
  }

  /** Writes the footer and closes the file; answers its SHA-256 (hex) when hashed. */
  finish(columns: CodeColumn[], leaves: Leaf[]): string | null {
    const schema: ThriftOut[] = [
      struct([4, 'schema'], [5, columns.length]),
      ...leaves.map((l) => struct([1, l.physical], [3, l.repetition], [4, l.name], [6, l.converted])),
    ];
    // With statistics, TypeDefinedOrder for every leaf: readers may trust min_value / max_value.
    const orders =
      this.to === CODEC.SNAPPY
        ? list(
            'struct',
            columns.map(() => struct([1, struct()])),
          )
        : undefined;
    const footer = encodeStruct(
      struct(
        [1, 1],
        [2, list('struct', schema)],
        [3, i64(this.rows)],
        [4, list('struct', this.written)],
        [6, 'llano'],
        [7, orders],
      ),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(footer.length);
    this.out.write(footer);
    this.out.write(length);
    this.out.write(MAGIC);
    this.close();
    return this.hash?.digest('hex') ?? null;
  }

  private close(): void {
    if (this.open) closeSync(this.out.fd);
    this.open = false;
  }

  /** Closes and removes the file (unfinished, or not wanted after all). */
  discard(): void {
    this.close();
    rmSync(this.target, { force: true });
  }
}

/**
 * Writes `target`: the row groups `groups` (of files with the leaves `leaves`) with every page in
 * codec `to`, and a footer. Nothing is left at `target` when it throws (`signal` aborted included).
 */
async function writeCopy(
  target: string,
  columns: CodeColumn[],
  leaves: Leaf[],
  groups: SourceGroup[],
  to: OutputCodec,
  signal?: AbortSignal,
): Promise<void> {
  const copy = new CopyWriter(target, to);
  try {
    await copy.add(groups, leaves, signal);
    copy.finish(columns, leaves);
  } catch (error) {
    copy.discard();
    throw error;
  }
}

async function parquetPageCopy(
  files: string[],
  columns: CodeColumn[],
  target: string,
  to: OutputCodec,
): Promise<boolean> {
  if (files.length === 0 || columns.some((c) => !(c.type.toUpperCase() in PHYSICAL))) return false;
  try {
    const { sources, leaves } = openSources(files, columns);
    try {
      await writeCopy(target, columns, leaves, groupsOf(sources), to);
      return true;
    } finally {
      closeSources(sources);
    }
  } catch (error) {
    if (error instanceof NotCarried) return false;
    throw error;
  }
}

/** An input handed to code in parts (`uncompressedParquetParts`). */
export interface UncompressedParts {
  /** The part files in row order (one per row group): each appears, renamed into place, once complete. */
  parts: string[];
  rows: number;
  /** Settles once every part is written; a damaged file rejects it (a 400), as does `signal`. */
  done: Promise<void>;
}

/**
 * The uncompressed copy of `files` as part files written one after another, so that the code reads
 * the first row groups while the next are decompressed (on the server's side of the machine): the
 * copy then costs the code's run little more than its first row group. Each part is a Parquet file
 * of one row group, written as `parts[k]` + '.partial' and renamed when complete; the readers wait
 * for each part in turn. Every page header is checked first, so the answer (null: the export
 * takes over, as with `uncompressedParquetCopy`) is known before the code starts; null too for no
 * row group. The footers and page headers are read before answering: a damaged one throws here (a 400).
 */
export function uncompressedParquetParts(
  files: string[],
  columns: CodeColumn[],
  target: string,
  signal?: AbortSignal,
): UncompressedParts | null {
  if (files.length === 0 || columns.some((c) => !(c.type.toUpperCase() in PHYSICAL))) return null;
  let opened: ReturnType<typeof openSources>;
  try {
    opened = openSources(files, columns);
  } catch (error) {
    if (error instanceof NotCarried) return null;
    throw inputError(error);
  }
  const { sources, leaves } = opened;
  const groups = groupsOf(sources);
  try {
    const head = Buffer.allocUnsafe(HEADER_BYTES);
    for (const { source, group } of groups)
      (group[1] as ThriftStruct[]).forEach((chunk, j) => checkChunk(source.fd, source.file, chunk, leaves[j], head));
  } catch (error) {
    closeSources(sources);
    if (error instanceof NotCarried) return null;
    throw inputError(error);
  }
  if (groups.length === 0) {
    closeSources(sources);
    return null;
  }
  const parts = groups.map((_, k) => `${target}.part${k}`);
  const done = (async () => {
    try {
      for (const [k, group] of groups.entries()) {
        await writeCopy(`${parts[k]}.partial`, columns, leaves, [group], CODEC.UNCOMPRESSED, signal);
        renameSync(`${parts[k]}.partial`, parts[k]);
      }
    } catch (error) {
      // Checked above: a page not carried now means the file changed while being copied.
      throw error instanceof NotCarried
        ? badRequest("The input's Parquet file changed while it was read")
        : inputError(error);
    } finally {
      closeSources(sources);
    }
  })();
  // Awaited by the caller once the code has run; a failure must not count as unhandled before.
  done.catch(() => undefined);
  return { parts, rows: groups.reduce((n, g) => n + (g.group[3] as number), 0), done };
}
