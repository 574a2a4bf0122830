import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { csvCarries, csvColumnBatches, csvField, fieldKind } from './ts-recipe-csv.js';
import { parquetRowGroups, parquetWrites, ParquetParts } from './ts-recipe-parquet.js';
import { sliceColumn } from './ts-recipe-parquet-codes.js';

/**
 * The TypeScript recipe harness. It runs INSIDE the sandbox: the run's generated entry imports
 * the user's module and this file, and exports `runRecipe(config)`, which the parent calls.
 * Inputs arrive as uncompressed Parquet files exported by DuckDB when every column has a flat
 * type the Parquet reader carries (ts-recipe-parquet.ts), else as CSV (NDJSON when a column is a
 * list, struct, map or JSON, whose values are objects); the output goes to Parquet when every
 * column's type allows, else CSV (NDJSON for nested types), with the declared schema or one
 * inferred from the first rows written. Only Node built-ins are used,
 * so the bundle stays small and starts fast.
 */

export interface CodeColumn {
  name: string;
  type: string;
}

/** How rows cross between DuckDB and the code: Parquet, CSV, or NDJSON for columns whose values are objects. */
export type TransferFormat = 'csv' | 'ndjson' | 'parquet';

/** CSV unless a column's values are objects in JSON (lists, structs, maps, JSON). */
export function transferFormat(columns: CodeColumn[]): 'csv' | 'ndjson' {
  return columns.every((c) => csvCarries(c.type)) ? 'csv' : 'ndjson';
}

export interface HarnessConfig {
  /** `parts`: Parquet part files in row order, which the server writes while the code runs (each appears once complete). */
  inputs: Record<string, { path: string; columns: CodeColumn[]; format?: TransferFormat; parts?: string[] }>;
  output: { path: string; columns: CodeColumn[] | null };
  variables: Record<string, unknown>;
  /** Rows per batch of the columnar path. */
  batchRows: number;
}

export interface HarnessResult {
  rows: number;
  columns: CodeColumn[];
  /** The output file's format (CSV when not said: the R harness writes CSV without saying so). */
  format?: TransferFormat;
  /**
   * The files written in the order of their rows, when the output is split: Parquet parts
   * (`<output>.part<k>`, see adopt-parquet-output.ts), then for Python a CSV file of what its Parquet could not carry.
   */
  files?: { path: string; format: 'parquet' | 'csv' }[];
  environment: Record<string, unknown>;
  /** Time the harness spent reading inputs and writing batches (the rest of the call is the code's own). */
  timings?: { readMs: number; writeMs: number };
}

type Row = Record<string, unknown>;

/** Where the run's time went (a process runs one recipe): see HarnessResult.timings. */
const spent = { readMs: 0, writeMs: 0 };

/** Runs `work`, adding its time to `spent[key]`. */
function timed<T>(key: keyof typeof spent, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    spent[key] += performance.now() - start;
  }
}

/** The generator's items, the time taken to make each counted as reading. */
function* timedReads<T>(items: Generator<T>): Generator<T> {
  for (;;) {
    const next = timed('readMs', () => items.next());
    if (next.done) return;
    yield next.value;
  }
}
/** A batch of the columnar path: one array per column, all of `numRows` values. */
export interface ColumnBatch {
  numRows: number;
  columns: Record<string, unknown[]>;
  schema: CodeColumn[];
}

/** Lines of a file, in arrays of whole lines as the stream delivers them. */
async function* lineChunks(path: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(last + 1);
    const lines = text.slice(0, last).split('\n');
    yield lines[lines.length - 1] === '' ? lines.filter(Boolean) : lines;
  }
  if (rest) yield [rest];
}

class InputTable implements AsyncIterable<Row> {
  constructor(
    readonly name: string,
    readonly columns: CodeColumn[],
    private readonly path: string,
    private readonly batchRows: number,
    private readonly format: TransferFormat = 'ndjson',
    private readonly parts?: string[],
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Row> {
    if (this.format === 'parquet' || this.format === 'csv') {
      // Rows made from the column arrays the batches are read into (no array per record either).
      const names = this.columns.map((c) => c.name);
      const kinds = this.columns.map((c) => fieldKind(c.type));
      const groups =
        this.format === 'parquet' ? this.parquetGroups() : csvColumnBatches(this.path, kinds, this.batchRows);
      for await (const [numRows, arrays] of groups)
        for (let i = 0; i < numRows; i++) {
          const row: Row = {};
          for (let j = 0; j < names.length; j++) row[names[j]] = arrays[j][i];
          yield row;
        }
      return;
    }
    for await (const lines of lineChunks(this.path)) for (const line of lines) yield JSON.parse(line) as Row;
  }

  /** Column arrays of up to `size` rows, filled straight from the file's records (no object per row). */
  async *batches(size = this.batchRows): AsyncGenerator<ColumnBatch> {
    if (this.format === 'parquet') {
      const names = this.columns.map((c) => c.name);
      const batch = (numRows: number, arrays: unknown[][]): ColumnBatch => ({
        numRows,
        columns: Object.fromEntries(names.map((n, j) => [n, arrays[j]])),
        schema: this.columns,
      });
      for await (const [numRows, arrays] of this.parquetGroups()) {
        if (numRows <= size) yield batch(numRows, arrays);
        else
          for (let from = 0; from < numRows; from += size)
            yield batch(
              Math.min(size, numRows - from),
              arrays.map((a) => sliceColumn(a, from, from + size)),
            );
      }
      return;
    }
    if (this.format === 'csv') {
      yield* this.csvBatches(size);
      return;
    }
    const names = this.columns.map((c) => c.name);
    let columns = fresh(names);
    let numRows = 0;
    for await (const lines of lineChunks(this.path)) {
      const rows = JSON.parse(`[${lines.join(',')}]`) as Row[];
      for (const row of rows) {
        for (const n of names) columns[n].push(row[n] ?? null);
        if (++numRows === size) {
          yield { numRows, columns, schema: this.columns };
          columns = fresh(names);
          numRows = 0;
        }
      }
    }
    if (numRows > 0) yield { numRows, columns, schema: this.columns };
  }

  /** The file's row groups as column arrays (DuckDB writes 122,880 rows per group), or each part's once written. */
  private async *parquetGroups(): AsyncGenerator<[number, unknown[][]]> {
    const kinds = this.columns.map((c) => fieldKind(c.type));
    for (const file of this.parts ?? [this.path]) {
      const start = performance.now();
      while (!existsSync(file)) await sleep(1);
      spent.readMs += performance.now() - start;
      yield* timedReads(parquetRowGroups(file, kinds));
    }
  }

  private async *csvBatches(size: number): AsyncGenerator<ColumnBatch> {
    const names = this.columns.map((c) => c.name);
    const kinds = this.columns.map((c) => fieldKind(c.type));
    for await (const [numRows, arrays] of csvColumnBatches(this.path, kinds, size))
      yield { numRows, columns: Object.fromEntries(names.map((n, j) => [n, arrays[j]])), schema: this.columns };
  }

  async toArray(): Promise<Row[]> {
    const all: Row[] = [];
    for await (const row of this) all.push(row);
    return all;
  }
}

function fresh(names: string[]): Record<string, unknown[]> {
  return Object.fromEntries(names.map((n) => [n, [] as unknown[]]));
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

/**
 * A column's type from its first values: JavaScript has one number type, so a number is a
 * DOUBLE unless an input column of that name is an integer (declare `outputSchema` to choose).
 */
function inferType(name: string, values: unknown[], inputTypes: Map<string, string>): string {
  const seen = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => typeof v));
  if (seen.size === 0) return inputTypes.get(name) ?? 'VARCHAR';
  if (seen.size === 1 && seen.has('boolean')) return 'BOOLEAN';
  if (seen.size === 1 && seen.has('bigint')) return 'BIGINT';
  if ([...seen].every((t) => t === 'number' || t === 'bigint')) {
    const input = inputTypes.get(name);
    const integral = values.every((v) => v === null || v === undefined || Number.isInteger(Number(v)));
    return input && INTEGER.test(input) && integral ? input : 'DOUBLE';
  }
  // Text under the name of an input column: that column's type (dates, timestamps…), which DuckDB reads back.
  if (seen.size === 1 && seen.has('string')) return inputTypes.get(name) ?? 'VARCHAR';
  if (values.some((v) => v instanceof Date)) return 'TIMESTAMP';
  return seen.size === 1 && seen.has('object') ? 'JSON' : 'VARCHAR';
}

const bigintAsNumber = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint'
    ? Number.isSafeInteger(Number(value))
      ? Number(value)
      : value.toString()
    : value instanceof Map
      ? Object.fromEntries(value as Map<string, unknown>)
      : value;

/** Arrow-like tables and record batches (apache-arrow, when the code brings it) read by duck typing. */
interface ArrowLike {
  numRows: number;
  schema: { fields: { name: string }[] };
  getChild(
    name: string,
  ): { toArray(): ArrayLike<unknown>; nullCount: number; length: number; get(i: number): unknown } | null;
}

/** Column types a batch declares (`{ columns, types }`: the Arrow path, ts-recipe-arrow.ts), used when the output has none yet. */
function declaredTypes(batch: unknown): Record<string, string> {
  const types = (batch as { types?: unknown } | null)?.types;
  return types && typeof types === 'object' && !Array.isArray(types) ? (types as Record<string, string>) : {};
}

/** Whether a value given as a row is a columnar batch: `{ numRows, columns }` or an Arrow table/record batch. */
function looksLikeBatch(row: object): boolean {
  const b = row as { numRows?: unknown; columns?: unknown; getChild?: unknown };
  return (
    typeof b.numRows === 'number' &&
    (typeof b.getChild === 'function' || (typeof b.columns === 'object' && b.columns !== null))
  );
}

function batchColumns(batch: unknown): { numRows: number; columns: Record<string, ArrayLike<unknown>> } {
  const arrow = batch as ArrowLike;
  if (arrow && typeof arrow.getChild === 'function' && arrow.schema?.fields) {
    const columns: Record<string, ArrayLike<unknown>> = {};
    for (const f of arrow.schema.fields) {
      const child = arrow.getChild(f.name);
      // toArray() ignores the validity bitmap (a NULL would become 0): a column with NULLs goes value by value.
      columns[f.name] = !child
        ? []
        : child.nullCount > 0
          ? Array.from({ length: child.length }, (_, i) => child.get(i) ?? null)
          : child.toArray();
    }
    return { numRows: arrow.numRows, columns };
  }
  const b = batch as { columns?: Record<string, ArrayLike<unknown>> };
  const columns = b && typeof b.columns === 'object' ? b.columns : (batch as Record<string, ArrayLike<unknown>>);
  const lengths = Object.values(columns).map((c) => c.length);
  if (lengths.some((l) => l !== lengths[0]))
    throw new Error('writeBatch: every column needs the same number of values');
  return { numRows: lengths[0] ?? 0, columns };
}

const jsonText = (value: unknown): string => {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, bigintAsNumber);
  }
};

/** Rows per Parquet row group of the output: DuckDB reads row groups in parallel. */
const GROUP_ROWS = 65_536;
/** A batch at least this long is its own row group; shorter ones are gathered. */
const OWN_GROUP_ROWS = 16_384;

/**
 * Writes the output once the schema is known (declared, or inferred from the first 1,000 rows):
 * Parquet row groups when every column's type allows (gathered column values, or each large
 * batch as is), else CSV lines with a header in large pieces, NDJSON when a column is nested.
 * A value the Parquet column cannot hold exactly (text in a BIGINT column…) turns the file into
 * CSV, which DuckDB then casts or rejects as before.
 */
class OutputFile {
  rows = 0;
  columns: CodeColumn[] | null;
  format: TransferFormat = 'ndjson';
  private names: string[] = [];
  private pending: Row[] = [];
  private buffer: string[] = [];
  private size = 0;
  private fd = -1;
  private parquet: ParquetParts | null = null;
  /** The Parquet parts once closed (see `files`). */
  private parts: string[] = [];
  private group: unknown[][] = [];
  private groupRows = 0;

  constructor(
    private readonly path: string,
    declared: CodeColumn[] | null,
    private readonly inputTypes: Map<string, string>,
  ) {
    this.columns = null;
    if (declared) this.setColumns(declared);
  }

  private setColumns(columns: CodeColumn[]): void {
    this.columns = columns;
    this.names = columns.map((c) => c.name);
    if (columns.length > 0 && columns.every((c) => parquetWrites(c.type))) {
      this.format = 'parquet';
      this.parquet = new ParquetParts(this.path, columns, jsonText);
      this.group = columns.map(() => []);
      return;
    }
    this.format = columns.length > 0 ? transferFormat(columns) : 'ndjson';
    if (this.format === 'csv') this.push(this.names.map((n) => csvField(n, jsonText)).join(','));
  }

  /** Writes the gathered rows as a row group. */
  private flushGroup(): void {
    if (this.groupRows === 0) return;
    const [group, rows] = [this.group, this.groupRows];
    this.group = this.names.map(() => []);
    this.groupRows = 0;
    this.writeGroup(group, rows);
  }

  private writeGroup(arrays: ArrayLike<unknown>[], numRows: number): void {
    if (this.parquet?.writeRowGroup(arrays, numRows)) return;
    this.parquetToCsv();
    const fields: string[] = new Array<string>(arrays.length);
    for (let i = 0; i < numRows; i++) {
      for (let j = 0; j < arrays.length; j++) fields[j] = csvField(arrays[j][i], jsonText);
      this.push(fields.join(','));
    }
  }

  /** Rewrites the row groups written so far as CSV and goes on in CSV. */
  private parquetToCsv(): void {
    if (!this.parquet || !this.columns) return;
    const parts = this.parquet;
    this.parquet = null;
    this.format = 'csv';
    this.push(this.names.map((n) => csvField(n, jsonText)).join(','));
    const kinds = this.columns.map((c) => fieldKind(c.type));
    for (const part of parts.files)
      for (const [numRows, arrays] of parquetRowGroups(part, kinds, true)) this.writeGroup(arrays, numRows);
    parts.remove();
  }

  write(row: Row): void {
    if (row === null || typeof row !== 'object') throw new Error('output.write takes an object of column values');
    // A batch (from inputs.X.batches(), or an Arrow table) given to write() would be one row
    // with a JSON column of arrays: say which call takes it instead.
    if (looksLikeBatch(row))
      throw new Error('output.write takes one row; this is a batch of columns: write it with output.writeBatch(batch)');
    if (!this.columns) {
      this.pending.push(row);
      if (this.pending.length >= 1000) this.fixSchema();
      return;
    }
    this.line(row);
  }

  writeBatch(batch: unknown): void {
    const { numRows, columns } = batchColumns(batch);
    const names = Object.keys(columns);
    if (!this.columns) {
      this.fixSchema();
      if (!this.columns || (this.columns as CodeColumn[]).length === 0) {
        const sample = Math.min(numRows, 1000);
        const declared = declaredTypes(batch);
        this.setColumns(
          names.map((n) => ({
            name: n,
            type: declared[n] ?? inferType(n, Array.from(columns[n]).slice(0, sample), this.inputTypes),
          })),
        );
      }
    }
    const arrays = names.map((n) => {
      const c = columns[n];
      return c instanceof BigInt64Array || c instanceof BigUint64Array ? Array.from(c, Number) : c;
    });
    const missing: ArrayLike<unknown> = { length: 0 };
    const ordered = this.names.map((n) => {
      const at = names.indexOf(n);
      return at < 0 ? missing : arrays[at];
    });
    if (this.format === 'parquet') {
      this.rows += numRows;
      if (numRows >= OWN_GROUP_ROWS) {
        this.flushGroup();
        this.writeGroup(ordered, numRows);
        return;
      }
      for (let j = 0; j < ordered.length; j++) {
        const column = ordered[j];
        const target = this.group[j];
        for (let i = 0; i < numRows; i++) target.push(column[i]);
      }
      this.groupRows += numRows;
      if (this.groupRows >= GROUP_ROWS) this.flushGroup();
      return;
    }
    if (this.format === 'csv') {
      // Column by column in the schema's order, straight to text: no object per row.
      const width = ordered.length;
      const fields: string[] = new Array<string>(width);
      for (let i = 0; i < numRows; i++) {
        for (let j = 0; j < width; j++) fields[j] = csvField(ordered[j][i], jsonText);
        this.push(fields.join(','));
      }
      this.rows += numRows;
      return;
    }
    for (let i = 0; i < numRows; i++) {
      const row: Row = {};
      for (let j = 0; j < names.length; j++) row[names[j]] = arrays[j][i];
      this.line(row);
    }
  }

  private line(row: Row): void {
    this.rows++;
    if (this.format === 'parquet') {
      for (let j = 0; j < this.names.length; j++) this.group[j].push(row[this.names[j]]);
      if (++this.groupRows >= GROUP_ROWS) this.flushGroup();
      return;
    }
    if (this.format === 'csv') {
      this.push(this.names.map((n) => csvField(row[n], jsonText)).join(','));
      return;
    }
    this.push(jsonText(row));
  }

  private push(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    if (this.fd < 0) this.fd = openSync(this.path, 'w');
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }

  /** Chooses the schema from the rows written so far (the first 1,000) and writes them. */
  private fixSchema(): void {
    if (this.columns) return;
    const rows = this.pending;
    this.pending = [];
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    this.setColumns(
      names.map((n) => ({
        name: n,
        type: inferType(
          n,
          rows.map((r) => r[n]),
          this.inputTypes,
        ),
      })),
    );
    for (const row of rows) this.line(row);
  }

  close(): CodeColumn[] {
    if (!this.columns) this.fixSchema();
    this.flushGroup();
    this.parquet?.close();
    this.parts = this.parquet?.files ?? [];
    this.flush();
    // No line written (no columns, or Parquet): the CSV/NDJSON file still exists, empty.
    if (this.fd < 0 && !this.parquet) this.fd = openSync(this.path, 'w');
    if (this.fd >= 0) closeSync(this.fd);
    return this.columns ?? [];
  }

  /** The Parquet part files in row order, once closed; undefined for one CSV or NDJSON file at the output's path. */
  files(): HarnessResult['files'] {
    return this.format === 'parquet' ? this.parts.map((p) => ({ path: p, format: 'parquet' as const })) : undefined;
  }
}

/** What the user's module exports by default. */
export type RecipeFunction = (context: {
  inputs: Record<string, InputTable>;
  output: { write(row: Row): Promise<void>; writeBatch(batch: unknown): Promise<void> };
  variables: Record<string, unknown>;
  log: (...parts: unknown[]) => void;
}) => unknown;

export async function runRecipeWith(run: unknown, config: HarnessConfig): Promise<HarnessResult> {
  if (typeof run !== 'function')
    throw new Error('The recipe must `export default async function run({ inputs, output, variables, log })`');
  const inputTypes = new Map<string, string>();
  const inputs: Record<string, InputTable> = {};
  for (const [name, input] of Object.entries(config.inputs)) {
    inputs[name] = new InputTable(name, input.columns, input.path, config.batchRows, input.format, input.parts);
    for (const c of input.columns) if (!inputTypes.has(c.name)) inputTypes.set(c.name, c.type);
  }
  const out = new OutputFile(config.output.path, config.output.columns, inputTypes);
  const output = {
    write: (row: Row) => Promise.resolve(out.write(row)),
    writeBatch: (batch: unknown) => Promise.resolve(timed('writeMs', () => out.writeBatch(batch))),
  };
  const log = (...parts: unknown[]) =>
    console.log(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p, bigintAsNumber))).join(' '));
  await (run as RecipeFunction)({ inputs, output, variables: config.variables, log });
  const columns = timed('writeMs', () => out.close());
  return {
    rows: out.rows,
    columns,
    format: out.format,
    files: out.files(),
    environment: { interpreter: process.execPath, version: process.version },
    timings: { readMs: Math.round(spent.readMs), writeMs: Math.round(spent.writeMs) },
  };
}
