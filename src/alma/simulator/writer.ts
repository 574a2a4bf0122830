import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { quoteLiteral } from '../../common/names.js';
import { DuckDb } from '../../engine/duckdb.js';
import type { ColumnValues, ParquetColumnSpec, ParquetType } from '../../engine/parquet/column-chunk.js';
import { ParquetFileWriter } from '../../engine/parquet/parquet-file-writer.js';
import type { ColumnType, RowTableSpec } from './tables.js';

/**
 * Writes the simulated tables: each table streams into a Parquet file in the run's
 * temporary folder (`<out>/.simulate-tmp`), and `adopt` moves the finished file into
 * place, or converts it to CSV with DuckDB. A run that fails leaves no half-written file
 * under a table's name.
 */

export type OutputFormat = 'parquet' | 'csv';

/** Rows per row group of the row tables (the largest, job_run, has ~0.5 M rows at full scale). */
const ROW_GROUP_ROWS = 65_536;
/** First capacity of a column buffer: small tables (66 antennas) never allocate a whole row group. */
const INITIAL_ROWS = 1024;

function grown<T extends Uint8Array | Int32Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}

const PARQUET_TYPE: Record<ColumnType, ParquetType> = {
  VARCHAR: 'string',
  INTEGER: 'int32',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
};

/** One column's values of the row group being filled. */
abstract class ColumnBuffer {
  protected present = new Uint8Array(INITIAL_ROWS);
  protected nulls = 0;

  /** Room for `capacity` rows. */
  grow(capacity: number): void {
    this.present = grown(this.present, capacity);
  }

  /** Stores row i's value (null or undefined: a null). */
  abstract set(i: number, v: unknown): void;
  /** The row group's values (copies), then empties the buffer. */
  abstract take(rows: number): ColumnValues;

  protected setNull(i: number): void {
    this.present[i] = 0;
    this.nulls++;
  }

  protected numbersOrNullable(numbers: Float64Array | Int32Array | Uint8Array, rows: number): ColumnValues {
    const values =
      this.nulls === 0
        ? numbers.slice(0, rows)
        : { values: numbers.slice(0, rows), present: this.present.slice(0, rows) };
    this.nulls = 0;
    return values;
  }
}

class StringBuffer extends ColumnBuffer {
  private indices = new Int32Array(INITIAL_ROWS);
  private readonly dictionary = new Map<string, number>();
  private readonly strings: string[] = [];
  private last: string | null = null;
  private lastIndex = -1;

  override grow(capacity: number): void {
    this.indices = grown(this.indices, capacity);
  }

  set(i: number, v: unknown): void {
    if (v === null || v === undefined) {
      this.indices[i] = -1;
      return;
    }
    // VARCHAR columns hold text; a number or flag put here is written as its text.
    const s = typeof v === 'string' ? v : `${v as number | boolean}`;
    // Consecutive rows often repeat a value (a job name, a status): skip the hash lookup.
    if (s === this.last) {
      this.indices[i] = this.lastIndex;
      return;
    }
    let at = this.dictionary.get(s);
    if (at === undefined) {
      at = this.strings.length;
      this.dictionary.set(s, at);
      this.strings.push(s);
    }
    this.indices[i] = at;
    this.last = s;
    this.lastIndex = at;
  }

  take(rows: number): ColumnValues {
    const values = { dictionary: this.strings.slice(), indices: this.indices.slice(0, rows) };
    this.dictionary.clear();
    this.strings.length = 0;
    this.last = null;
    return values;
  }
}

class NumberBuffer extends ColumnBuffer {
  private numbers: Float64Array | Int32Array;

  /** `scale`: 1000 turns the rows' epoch milliseconds into the file's microseconds. */
  constructor(
    integer: boolean,
    private readonly scale: number,
  ) {
    super();
    this.numbers = integer ? new Int32Array(INITIAL_ROWS) : new Float64Array(INITIAL_ROWS);
  }

  override grow(capacity: number): void {
    super.grow(capacity);
    this.numbers = grown(this.numbers, capacity);
  }

  set(i: number, v: unknown): void {
    if (v === null || v === undefined) return this.setNull(i);
    this.present[i] = 1;
    this.numbers[i] = this.scale === 1 ? (v as number) : Math.round(v as number) * this.scale;
  }

  take(rows: number): ColumnValues {
    return this.numbersOrNullable(this.numbers, rows);
  }
}

class BooleanBuffer extends ColumnBuffer {
  private bits = new Uint8Array(INITIAL_ROWS);

  override grow(capacity: number): void {
    super.grow(capacity);
    this.bits = grown(this.bits, capacity);
  }

  set(i: number, v: unknown): void {
    if (v === null || v === undefined) return this.setNull(i);
    this.present[i] = 1;
    this.bits[i] = v ? 1 : 0;
  }

  take(rows: number): ColumnValues {
    return this.numbersOrNullable(this.bits, rows);
  }
}

function columnBuffer(type: ColumnType): ColumnBuffer {
  switch (type) {
    case 'VARCHAR':
      return new StringBuffer();
    case 'BOOLEAN':
      return new BooleanBuffer();
    case 'INTEGER':
      return new NumberBuffer(true, 1);
    case 'DOUBLE':
      return new NumberBuffer(false, 1);
    case 'TIMESTAMP':
      return new NumberBuffer(false, 1000);
  }
}

/**
 * Copies a row's values into the column buffers. Generated once per table from its
 * column names (checked identifiers, never data): `row.name` at a site of its own stays a
 * fast monomorphic property load, where `row[name]` over many names would not.
 */
function rowCopier(names: readonly string[]): (row: unknown, i: number, buffers: ColumnBuffer[]) => void {
  for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`not a column identifier: ${n}`);
  const body = names.map((n, c) => `buffers[${c}].set(i, row.${n});`).join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate code generation (see above), from checked identifiers only
  return new Function('row', 'i', 'buffers', body) as (row: unknown, i: number, buffers: ColumnBuffer[]) => void;
}

/** Streams rows of one table into its Parquet file, a row group every `ROW_GROUP_ROWS` rows. */
export class RowTableWriter<Row> {
  rows = 0;
  private pending = 0;
  private capacity = INITIAL_ROWS;
  private readonly buffers: ColumnBuffer[];
  private readonly copyRow: (row: unknown, i: number, buffers: ColumnBuffer[]) => void;
  private readonly file: ParquetFileWriter;

  constructor(
    readonly spec: RowTableSpec<Row>,
    file: string,
  ) {
    const columns: ParquetColumnSpec[] = spec.columns.map(([name, type]) => ({
      name,
      type: PARQUET_TYPE[type],
      nullable: true,
    }));
    this.file = ParquetFileWriter.create(file, columns, { compression: 'snappy', createdBy: 'Llano ALMA simulator' });
    this.buffers = spec.columns.map(([, type]) => columnBuffer(type));
    this.copyRow = rowCopier(spec.columns.map(([name]) => name));
  }

  append(rows: readonly Row[]): void {
    for (const row of rows) {
      if (this.pending === this.capacity) {
        this.capacity = Math.min(ROW_GROUP_ROWS, this.capacity * 2);
        for (const b of this.buffers) b.grow(this.capacity);
      }
      this.copyRow(row, this.pending, this.buffers);
      if (++this.pending === ROW_GROUP_ROWS) this.flush();
    }
    this.rows += rows.length;
  }

  private flush(): void {
    if (this.pending === 0) return;
    this.file.write(
      this.buffers.map((b) => b.take(this.pending)),
      this.pending,
    );
    this.pending = 0;
  }

  /** Writes the last row group and the footer. */
  close(): void {
    this.flush();
    this.file.close();
  }

  abort(): void {
    this.file.abort();
  }
}

export interface WrittenTable {
  name: string;
  path: string;
  rows: number;
}

/** The output folder of a simulation run and its temporary folder. */
export class SimulationWriter {
  private readonly tempDirectory: string;
  /** Opened on the first CSV conversion. */
  private db: Promise<DuckDb> | null = null;

  constructor(
    readonly out: string,
    readonly format: OutputFormat,
    private readonly memoryLimit: string,
  ) {
    this.tempDirectory = path.join(out, '.simulate-tmp');
    mkdirSync(this.tempDirectory, { recursive: true });
  }

  filePath(table: string): string {
    return path.join(this.out, `${table}.${this.format}`);
  }

  /** Where a table's Parquet file is built before `adopt`. */
  stagingPath(table: string): string {
    return path.join(this.tempDirectory, `${table}.parquet`);
  }

  /**
   * A finished staging file in this run's format (converted to CSV next to it if asked),
   * still in the temporary folder: `publish` moves every table into place at the end.
   */
  async adopt(table: string, rows: number): Promise<WrittenTable> {
    if (this.format === 'csv') {
      const staged = this.stagingPath(table);
      this.db ??= DuckDb.open(':memory:', {
        threads: 2,
        memoryLimit: this.memoryLimit,
        tempDirectory: this.tempDirectory,
      });
      await (
        await this.db
      ).run(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(staged)})) TO ${quoteLiteral(this.finishedPath(table))} (FORMAT csv, HEADER true)`,
      );
      rmSync(staged, { force: true });
    }
    return { name: table, path: this.filePath(table), rows };
  }

  /** Moves every adopted table into the output folder: only a run that completes replaces files there. */
  publish(tables: readonly WrittenTable[]): void {
    for (const t of tables) renameSync(this.finishedPath(t.name), t.path);
  }

  private finishedPath(table: string): string {
    return path.join(this.tempDirectory, `${table}.${this.format}`);
  }

  async close(): Promise<void> {
    if (this.db) await (await this.db.catch(() => null))?.close();
    rmSync(this.tempDirectory, { recursive: true, force: true });
  }
}
