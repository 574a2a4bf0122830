import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { ByteSink } from './byte-sink.js';
import {
  CODEC,
  encodeColumnChunk,
  PARQUET_TYPE,
  type ColumnChunkMeta,
  type ColumnValues,
  type ParquetColumnSpec,
  type ParquetCompression,
} from './column-chunk.js';
import { i64, list, struct, writeStruct, type ThriftStruct } from './thrift-compact.js';

/**
 * Writes a Parquet file row group by row group: `PAR1`, the column chunks as they come,
 * then the footer (schema, row groups, statistics) on `close`. Row groups are encoded
 * apart (`encodeRowGroup`, a pure function worker threads can run), so a producer can
 * encode in parallel and append in order: the bytes depend only on the data and the
 * row-group boundaries, never on thread timing. Columns are REQUIRED, except string columns marked `nullable`.
 *
 * Why Llano has its own writer: the simulator's Trec table must stream at millions of
 * rows per second on two cores, and DuckDB's Parquet writer alone costs ~1.3 µs of CPU
 * per row of that table (dictionary analysis, hashing of every string) — more than the
 * whole budget. Here the producer hands dictionary indices it already has.
 */

/** Where a row group's bytes sit and what the footer says about them (no bytes). */
export interface RowGroupLayout {
  rows: number;
  /** What the pages were compressed with: the file must say the same. */
  compression: ParquetCompression;
  /** The column chunks, contiguous and in column order. */
  chunks: ColumnChunkMeta[];
}

/** A row group encoded into one contiguous byte range. */
export interface EncodedRowGroup extends RowGroupLayout {
  bytes: Uint8Array;
}

const MAGIC = new TextEncoder().encode('PAR1');

/**
 * Writes all of `bytes` at `position` (positional: several threads may write different
 * ranges of one file through the same descriptor). `writeSync` may write less than asked.
 */
export function writeAllAt(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

const CONVERTED = { UTF8: 0, LIST: 3, TIMESTAMP_MICROS: 10 } as const;
const REPETITION = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;

function physicalType(spec: ParquetColumnSpec): number {
  switch (spec.type) {
    case 'boolean':
      return PARQUET_TYPE.BOOLEAN;
    case 'float':
    case 'float-list':
      return PARQUET_TYPE.FLOAT;
    case 'double':
      return PARQUET_TYPE.DOUBLE;
    case 'int32':
      return PARQUET_TYPE.INT32;
    case 'int64':
    case 'timestamp':
      return PARQUET_TYPE.INT64;
    case 'string':
      return PARQUET_TYPE.BYTE_ARRAY;
  }
}

/** Schema elements of one column (three for a list: the LIST group, `list`, `element`). */
function schemaElements(spec: ParquetColumnSpec): ThriftStruct[] {
  const leaf = (name: string, extra: (readonly [number, ThriftStruct | number | undefined])[] = []) =>
    struct(
      [1, physicalType(spec)],
      [3, spec.nullable ? REPETITION.OPTIONAL : REPETITION.REQUIRED],
      [4, name],
      ...extra,
    );
  switch (spec.type) {
    case 'string':
      return [
        leaf(spec.name, [
          [6, CONVERTED.UTF8],
          [10, struct([1, struct()])],
        ]),
      ];
    case 'timestamp':
      // TIMESTAMP(isAdjustedToUTC = false, MICROS): DuckDB's TIMESTAMP.
      return [
        leaf(spec.name, [
          [6, CONVERTED.TIMESTAMP_MICROS],
          [10, struct([8, struct([1, false], [2, struct([2, struct()])])])],
        ]),
      ];
    case 'float-list':
      return [
        struct([3, REPETITION.REQUIRED], [4, spec.name], [5, 1], [6, CONVERTED.LIST], [10, struct([3, struct()])]),
        struct([3, REPETITION.REPEATED], [4, 'list'], [5, 1]),
        leaf('element'),
      ];
    default:
      return [leaf(spec.name)];
  }
}

const pathInSchema = (spec: ParquetColumnSpec): string[] =>
  spec.type === 'float-list' ? [spec.name, 'list', 'element'] : [spec.name];

/**
 * Encodes one row group: `values[i]` holds column i's first `rows` values. The bytes are
 * appended to `out` when given (a buffer reused across row groups: `bytes` is then a view
 * into it, valid until its next write), else to a buffer of their own.
 */
export function encodeRowGroup(
  columns: readonly ParquetColumnSpec[],
  values: readonly ColumnValues[],
  rows: number,
  compression: ParquetCompression = 'snappy',
  out: ByteSink = new ByteSink(1 << 16),
): EncodedRowGroup {
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new RangeError(`row count must be a whole number of rows, got ${rows}`);
  if (values.length !== columns.length)
    throw new RangeError(`${columns.length} columns but ${values.length} value arrays`);
  const start = out.length;
  const chunks = columns.map((c, i) => encodeColumnChunk(c, values[i], rows, compression, out));
  return { rows, compression, chunks, bytes: out.view8().subarray(start) };
}

export class ParquetFileWriter {
  private offset = MAGIC.length;
  private rows = 0;
  private readonly rowGroups: ThriftStruct[] = [];
  private closed = false;

  private constructor(
    readonly path: string,
    /** Open for writing until `close`; other threads may write placed row groups through it (`writeAllAt`). */
    readonly fd: number,
    readonly columns: readonly ParquetColumnSpec[],
    readonly compression: ParquetCompression,
    private readonly createdBy: string,
  ) {}

  /** Creates (or truncates) `path`; `compression` must match the one row groups were encoded with. */
  static create(
    path: string,
    columns: readonly ParquetColumnSpec[],
    options: { compression?: ParquetCompression; createdBy?: string } = {},
  ): ParquetFileWriter {
    const names = new Set<string>();
    for (const c of columns) {
      if (!c.name) throw new RangeError('a Parquet column needs a name');
      if (names.has(c.name)) throw new RangeError(`duplicate Parquet column name: ${c.name}`);
      names.add(c.name);
    }
    const fd = openSync(path, 'w');
    writeAllAt(fd, MAGIC, 0);
    return new ParquetFileWriter(path, fd, columns, options.compression ?? 'snappy', options.createdBy ?? 'Llano');
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Encodes and appends a row group on this thread. */
  write(values: readonly ColumnValues[], rows: number): void {
    this.writeRowGroup(encodeRowGroup(this.columns, values, rows, this.compression));
  }

  /** Appends a row group encoded elsewhere (same columns, same compression). */
  writeRowGroup(group: EncodedRowGroup): void {
    const at = this.place(group);
    writeAllAt(this.fd, group.bytes, at);
  }

  /**
   * Reserves the next byte range for a row group and records its footer entry; returns
   * where its bytes must be written (by the caller, e.g. the thread that encoded them,
   * with `writeAllAt(fd, bytes, at)`) before `close`.
   */
  place(group: RowGroupLayout): number {
    if (this.closed) throw new Error(`${this.path} is closed`);
    if (group.chunks.length !== this.columns.length)
      throw new RangeError(`row group has ${group.chunks.length} columns, file has ${this.columns.length}`);
    if (group.compression !== this.compression)
      throw new RangeError(`row group is compressed with ${group.compression}, the file with ${this.compression}`);
    const start = this.offset;
    let uncompressed = 0;
    const chunks = group.chunks.map((chunk, i) => {
      const spec = this.columns[i];
      const at = this.offset;
      this.offset += chunk.length;
      uncompressed += chunk.uncompressedSize;
      // The null count always; bounds when there is a value to bound (and statistics are on).
      const statistics =
        chunk.min && chunk.max
          ? struct([3, i64(chunk.nullCount)], [5, chunk.max], [6, chunk.min])
          : struct([3, i64(chunk.nullCount)]);
      const meta = struct(
        [1, physicalType(spec)],
        [2, list('i32', chunk.encodings)],
        [3, list('string', pathInSchema(spec))],
        [4, this.compression === 'snappy' ? CODEC.SNAPPY : CODEC.UNCOMPRESSED],
        [5, i64(chunk.numValues)],
        [6, i64(chunk.uncompressedSize)],
        [7, i64(chunk.length)],
        [9, i64(at + chunk.dictionaryBytes)],
        [11, chunk.dictionaryBytes > 0 ? i64(at) : undefined],
        [12, statistics],
      );
      return struct([2, i64(at)], [3, meta]);
    });
    this.rowGroups.push(
      struct(
        [1, list('struct', chunks)],
        [2, i64(uncompressed)],
        [3, i64(group.rows)],
        [5, i64(start)],
        [6, i64(this.offset - start)],
      ),
    );
    this.rows += group.rows;
    return start;
  }

  /** Writes the footer and closes the file; returns its size in bytes. */
  close(): number {
    if (this.closed) throw new Error(`${this.path} is closed`);
    const schema = [struct([4, 'schema'], [5, this.columns.length]), ...this.columns.flatMap(schemaElements)];
    const footer = new ByteSink(4096);
    writeStruct(
      footer,
      struct(
        [1, 1],
        [2, list('struct', schema)],
        [3, i64(this.rows)],
        [4, list('struct', this.rowGroups)],
        [6, this.createdBy],
        // TypeDefinedOrder for every leaf: readers may trust min_value / max_value.
        [
          7,
          list(
            'struct',
            this.columns.map(() => struct([1, struct()])),
          ),
        ],
      ),
    );
    const length = footer.length;
    footer.int32LE(length);
    footer.bytes(MAGIC);
    writeAllAt(this.fd, footer.view8(), this.offset);
    this.offset += footer.length;
    closeSync(this.fd);
    this.closed = true;
    return this.offset;
  }

  /** Closes and deletes an unfinished file. */
  abort(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    rmSync(this.path, { force: true });
  }
}
