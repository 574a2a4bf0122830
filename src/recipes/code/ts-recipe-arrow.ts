import {
  Bool,
  DateDay,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  Table,
  tableFromIPC,
  Type,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';

/**
 * The Arrow path of TypeScript recipes: `import { arrowBatches, readArrow, writeArrow } from
 * 'llano/arrow'` (the bundler maps that name to this file, typescript-bundle.ts). Inputs come as
 * apache-arrow RecordBatches (or one Table), built from the harness's column batches; the output
 * takes Tables, RecordBatches or Arrow IPC bytes (stream or file format), its column types taken
 * from the Arrow schema when the output declares none. Kept out of the harness
 * (ts-recipe-entry.ts, Node built-ins only): apache-arrow is bundled only into recipes that import it.
 *
 * The batches are built from the columns the harness reads (Parquet or CSV), not shared memory:
 * this is the API of Arrow, at the cost of a copy per batch.
 */

/** What this needs of an input (the harness's InputTable). */
interface ColumnSource {
  columns: { name: string; type: string }[];
  batches(size?: number): AsyncIterable<{ numRows: number; columns: Record<string, unknown[]> }>;
}

/** What this needs of the output: the harness's writeBatch, which takes declared types (`types`). */
interface BatchSink {
  writeBatch(batch: unknown): Promise<void>;
}

const SMALL_INTEGER = /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT)$/;
const LARGE_INTEGER = /^(BIGINT|UINTEGER)$/;
const FLOAT = /^(FLOAT|DOUBLE|REAL)$|^DECIMAL/;

/** The Arrow type of a DuckDB column; text for the types the harness hands over as text (timestamps, UBIGINT, HUGEINT…). */
function arrowType(duckType: string): DataType {
  const t = duckType.toUpperCase();
  if (SMALL_INTEGER.test(t)) return new Int32();
  if (LARGE_INTEGER.test(t)) return new Int64();
  if (FLOAT.test(t)) return new Float64();
  if (t === 'BOOLEAN') return new Bool();
  if (t === 'DATE') return new DateDay();
  return new Utf8();
}

/** An integer type's width and sign (Int32's typing fixes its width at 32). */
const intShape = (type: DataType) => type as unknown as { bitWidth: number; isSigned: boolean };

/** A harness value as the Arrow builder of `type` takes it (Int64: bigint; DateDay: a Date). */
function toArrowValue(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type.typeId === Type.Int && intShape(type).bitWidth === 64) return BigInt(value as number | bigint | string);
  if (type.typeId === Type.Date) return new Date(`${value as string}T00:00:00Z`);
  // Numbers and booleans as their JSON text, objects (JSON columns) as JSON.
  if (type.typeId === Type.Utf8 && typeof value !== 'string')
    return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  return value;
}

/**
 * A numeric column as Arrow data made straight from its values (a typed array and a validity
 * bitmap), without apache-arrow's builders, which cost about a second per million text values
 * (bench/_arrow-conversion.ts); null for other types.
 */
function numericVector(type: DataType, values: ArrayLike<unknown>): Vector | null {
  const id = type.typeId;
  if (id !== Type.Int && id !== Type.Float) return null;
  const n = values.length;
  const data =
    id === Type.Float ? new Float64Array(n) : intShape(type).bitWidth === 64 ? new BigInt64Array(n) : new Int32Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    valid[i >> 3] |= 1 << (i & 7);
    if (data instanceof BigInt64Array) data[i] = BigInt(v as number | bigint);
    else data[i] = v as number;
  }
  const made = makeData({
    type,
    length: n,
    nullCount: nulls,
    data,
    nullBitmap: nulls > 0 ? valid : undefined,
  } as Parameters<typeof makeData>[0]);
  return makeVector(made);
}

/** A text column as Arrow data made straight from its values (offsets and UTF-8 bytes): apache-arrow's builder takes 1.3 s per million. */
function textVector(type: DataType, values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const texts = new Array<string>(n);
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      texts[i] = '';
    } else {
      texts[i] = typeof v === 'string' ? v : (toArrowValue(type, v) as string);
      valid[i >> 3] |= 1 << (i & 7);
      bytes += Buffer.byteLength(texts[i]);
    }
    offsets[i + 1] = bytes;
  }
  const data = Buffer.allocUnsafe(bytes);
  for (let i = 0, at = 0; i < n; i++) at += data.write(texts[i], at);
  const made = makeData({
    type,
    length: n,
    nullCount: nulls,
    valueOffsets: offsets,
    data: new Uint8Array(data.buffer, data.byteOffset, bytes),
    nullBitmap: nulls > 0 ? valid : undefined,
  } as Parameters<typeof makeData>[0]);
  return makeVector(made);
}

/** The input's rows as Arrow RecordBatches of up to `size` rows (the harness's batch size by default). */
export async function* arrowBatches(input: ColumnSource, size?: number): AsyncGenerator<RecordBatch> {
  const types = input.columns.map((c) => arrowType(c.type));
  for await (const batch of input.batches(size)) {
    const vectors: Record<string, Vector> = {};
    input.columns.forEach((c, j) => {
      const values = batch.columns[c.name];
      const type = types[j];
      vectors[c.name] =
        numericVector(type, values) ??
        (type.typeId === Type.Utf8 ? textVector(type, values) : null) ??
        vectorFromArray(
          Array.from(values, (v) => toArrowValue(type, v)),
          type,
        );
    });
    // A Table of vectors of one chunk each has one batch.
    yield new Table(vectors).batches[0];
  }
}

/** The whole input as one Arrow Table (its batches as they come). */
export async function readArrow(input: ColumnSource): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of arrowBatches(input)) batches.push(batch);
  return batches.length > 0
    ? new Table(batches)
    : new Table(Object.fromEntries(input.columns.map((c) => [c.name, vectorFromArray([], arrowType(c.type))])));
}

/**
 * The DuckDB type of an Arrow field; undefined leaves it to the harness's inference. Text among
 * them: the harness hands timestamps and other types over as text, and text under the name of an
 * input column takes that column's type there, as on the row path.
 */
function duckType(type: DataType): string | undefined {
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = intShape(type);
      if (bitWidth === 64 || (bitWidth === 32 && !isSigned)) return 'BIGINT';
      return bitWidth === 8 ? 'TINYINT' : bitWidth === 16 ? 'SMALLINT' : 'INTEGER';
    }
    case Type.Float:
    case Type.Decimal:
      return 'DOUBLE';
    case Type.Bool:
      return 'BOOLEAN';
    case Type.Date:
      return 'DATE';
    case Type.Timestamp:
      return 'TIMESTAMP';
    default:
      return undefined;
  }
}

/** A day as DuckDB reads it: YYYY-MM-DD. */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A timestamp without zone, to the millisecond (what apache-arrow's getter gives): YYYY-MM-DD HH:MM:SS.sss. */
const instant = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/**
 * A column's values as the harness writes them. Numbers from the typed array (`toArray()` ignores
 * the validity bitmap: NULLs put back from it, where a NULL would have become 0); dates and
 * timestamps as text.
 */
function columnValues(vector: Vector): ArrayLike<unknown> {
  const type = vector.type as DataType;
  const id = type.typeId;
  if (id === Type.Date || id === Type.Timestamp) {
    const text = id === Type.Date ? day : instant;
    return Array.from({ length: vector.length }, (_, i) => {
      const v = vector.get(i) as number | Date | null;
      return v === null ? null : text(v instanceof Date ? v.getTime() : v);
    });
  }
  if (id === Type.Float || id === Type.Int) {
    const array = vector.toArray() as ArrayLike<number> | BigInt64Array | BigUint64Array;
    // 64-bit integers as numbers where exact, else their digits.
    const wide = array instanceof BigInt64Array || array instanceof BigUint64Array;
    if (vector.nullCount === 0 && !wide) return array;
    const values: unknown[] = wide ? Array.from(array, bigintValue) : Array.from(array);
    if (vector.nullCount > 0) for (let i = 0; i < values.length; i++) if (!vector.isValid(i)) values[i] = null;
    return values;
  }
  // Booleans (bit-packed in Arrow) and the rest one by one.
  return Array.from({ length: vector.length }, (_, i) => {
    const v: unknown = vector.get(i);
    return v === null || v === undefined ? null : typeof v === 'bigint' ? bigintValue(v) : v;
  });
}

/** A 64-bit integer as a number when exact, else its digits (the column then goes to CSV, which DuckDB reads exactly). */
const bigintValue = (v: bigint) => (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString());

/** Writes an Arrow Table, RecordBatch, or IPC bytes (stream or file format) to the output, batch by batch. */
export async function writeArrow(output: BatchSink, data: Table | RecordBatch | Uint8Array): Promise<void> {
  const table = data instanceof Uint8Array ? tableFromIPC(data) : data;
  const batches = table instanceof Table ? table.batches : [table];
  const fields = table.schema.fields;
  const types = Object.fromEntries(
    fields.flatMap((f) => {
      const t = duckType(f.type as DataType);
      return t ? [[f.name, t]] : [];
    }),
  );
  for (const batch of batches) {
    const columns: Record<string, ArrayLike<unknown>> = {};
    fields.forEach((f, j) => (columns[f.name] = columnValues(batch.getChildAt(j)!)));
    await output.writeBatch({ columns, types });
  }
}
