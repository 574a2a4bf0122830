import {
  Binary,
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Time,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { Readable } from 'node:stream';
import {
  DuckDBTypeId,
  type DuckDBArrayValue,
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBListValue,
  type DuckDBResult,
  type DuckDBStructValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampValue,
  type DuckDBTimeValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/**
 * DuckDB's result as an Arrow IPC stream, one record batch per DuckDB chunk (2048 rows), so that
 * memory holds one chunk at a time. Types map to their Arrow equals: integers, floats, booleans,
 * text, binary, DATE (days), TIMESTAMP/_S/_MS/_NS (their unit; WITH TIME ZONE as UTC), TIME
 * (µs), LIST and fixed-size ARRAY (list), STRUCT (struct), recursively. DECIMAL becomes a double
 * (as in the JSON export); the rest (HUGEINT, UUID, INTERVAL, ENUM, MAP, …) their DuckDB text.
 */
interface ArrowColumn {
  type: DataType;
  build(values: readonly DuckDBValue[]): Data;
}

/** Validity bitmap (bit set = not null) and null count. */
function validity(values: readonly DuckDBValue[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A fixed-width column: `read` turns a non-null DuckDB value into the array's element. */
function fixed<T extends TypedArray>(
  type: DataType,
  ArrayType: new (n: number) => T,
  read: (v: DuckDBValue) => T[number],
): ArrowColumn {
  return {
    type,
    build(values) {
      const data = new ArrayType(values.length);
      values.forEach((v, i) => {
        if (v !== null) data[i] = read(v);
      });
      return makeData({ type, length: values.length, ...validity(values), data } as never);
    },
  };
}

const encoder = new TextEncoder();

/** Variable-length bytes (text or binary): offsets into one buffer. */
function variable(type: Utf8 | Binary, bytesOf: (v: DuckDBValue) => Uint8Array): ArrowColumn {
  return {
    type,
    build(values) {
      const parts = values.map((v) => (v === null ? new Uint8Array(0) : bytesOf(v)));
      const valueOffsets = new Int32Array(values.length + 1);
      parts.forEach((p, i) => (valueOffsets[i + 1] = valueOffsets[i] + p.length));
      const data = new Uint8Array(valueOffsets[values.length]);
      parts.forEach((p, i) => data.set(p, valueOffsets[i]));
      return makeData({ type, length: values.length, ...validity(values), valueOffsets, data } as never);
    },
  };
}

const text = (v: DuckDBValue) => encoder.encode(typeof v === 'string' ? v : String(v));

export function arrowColumn(t: DuckDBType): ArrowColumn {
  const n = (v: DuckDBValue) => v as number;
  const big = (v: DuckDBValue) => v as bigint;
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return {
        type: new Bool(),
        build(values) {
          const data = new Uint8Array((values.length + 7) >> 3);
          values.forEach((v, i) => {
            if (v === true) data[i >> 3] |= 1 << (i & 7);
          });
          return makeData({ type: new Bool(), length: values.length, ...validity(values), data });
        },
      };
    case DuckDBTypeId.TINYINT:
      return fixed(new Int8(), Int8Array, n);
    case DuckDBTypeId.SMALLINT:
      return fixed(new Int16(), Int16Array, n);
    case DuckDBTypeId.INTEGER:
      return fixed(new Int32(), Int32Array, n);
    case DuckDBTypeId.BIGINT:
      return fixed(new Int64(), BigInt64Array, big);
    case DuckDBTypeId.UTINYINT:
      return fixed(new Uint8(), Uint8Array, n);
    case DuckDBTypeId.USMALLINT:
      return fixed(new Uint16(), Uint16Array, n);
    case DuckDBTypeId.UINTEGER:
      return fixed(new Uint32(), Uint32Array, n);
    case DuckDBTypeId.UBIGINT:
      return fixed(new Uint64(), BigUint64Array, big);
    case DuckDBTypeId.FLOAT:
      return fixed(new Float32(), Float32Array, n);
    case DuckDBTypeId.DOUBLE:
      return fixed(new Float64(), Float64Array, n);
    case DuckDBTypeId.DECIMAL:
      return fixed(new Float64(), Float64Array, (v) => (v as DuckDBDecimalValue).toDouble());
    case DuckDBTypeId.DATE:
      return fixed(new DateDay(), Int32Array, (v) => (v as DuckDBDateValue).days);
    case DuckDBTypeId.TIMESTAMP:
      return fixed(new Timestamp(TimeUnit.MICROSECOND), BigInt64Array, (v) => (v as DuckDBTimestampValue).micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return fixed(
        new Timestamp(TimeUnit.MICROSECOND, 'UTC'),
        BigInt64Array,
        (v) => (v as DuckDBTimestampValue).micros,
      );
    case DuckDBTypeId.TIMESTAMP_S:
      return fixed(new Timestamp(TimeUnit.SECOND), BigInt64Array, (v) => (v as DuckDBTimestampSecondsValue).seconds);
    case DuckDBTypeId.TIMESTAMP_MS:
      return fixed(
        new Timestamp(TimeUnit.MILLISECOND),
        BigInt64Array,
        (v) => (v as DuckDBTimestampMillisecondsValue).millis,
      );
    case DuckDBTypeId.TIMESTAMP_NS:
      return fixed(
        new Timestamp(TimeUnit.NANOSECOND),
        BigInt64Array,
        (v) => (v as DuckDBTimestampNanosecondsValue).nanos,
      );
    case DuckDBTypeId.TIME:
      return fixed(new Time(TimeUnit.MICROSECOND, 64), BigInt64Array, (v) => (v as DuckDBTimeValue).micros);
    case DuckDBTypeId.VARCHAR:
      return variable(new Utf8(), text);
    case DuckDBTypeId.BLOB:
      return variable(new Binary(), (v) => (v as DuckDBBlobValue).bytes);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const item = arrowColumn(t.valueType);
      const type = new List(new Field('item', item.type, true));
      return {
        type,
        build(values) {
          const lists = values.map((v) => (v === null ? [] : (v as DuckDBListValue | DuckDBArrayValue).items));
          const valueOffsets = new Int32Array(values.length + 1);
          lists.forEach((l, i) => (valueOffsets[i + 1] = valueOffsets[i] + l.length));
          const child = item.build(lists.flat());
          return makeData({ type, length: values.length, ...validity(values), valueOffsets, child });
        },
      };
    }
    case DuckDBTypeId.STRUCT: {
      const s = t;
      const entries = s.entryNames.map((name, i) => ({ name, column: arrowColumn(s.entryTypes[i]) }));
      const type = new Struct(entries.map((e) => new Field(e.name, e.column.type, true)));
      return {
        type,
        build(values) {
          const children = entries.map((e) =>
            e.column.build(values.map((v) => (v === null ? null : ((v as DuckDBStructValue).entries[e.name] ?? null)))),
          );
          return makeData({ type, length: values.length, ...validity(values), children });
        },
      };
    }
    default:
      return variable(new Utf8(), text);
  }
}

/** The IPC stream's end-of-stream marker: continuation token and a zero length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Streams `result` as Arrow IPC (the streaming format: schema, record batches, end marker).
 * `onEnd` runs once the result is read or the stream is destroyed.
 */
export function arrowExport(result: DuckDBResult, onEnd: () => void): Readable {
  const columns = result.columnTypes().map(arrowColumn);
  const schema = new Schema(result.columnNames().map((name, i) => new Field(name, columns[i].type, true)));
  // A one-batch IPC stream is schema + batch + end marker: its schema part is this many bytes.
  const schemaBytes = tableToIPC(new Table(schema), 'stream').length - END_OF_STREAM.length;
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      let first = true;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const data = chunk.getColumns().map((values, i) => columns[i].build(values));
        const batch = new RecordBatch(
          schema,
          makeData({ type: new Struct(schema.fields), length: chunk.rowCount, children: data }),
        );
        const bytes = tableToIPC(new Table([batch]), 'stream');
        yield bytes.subarray(first ? 0 : schemaBytes, bytes.length - END_OF_STREAM.length);
        first = false;
      }
      if (first) yield tableToIPC(new Table(schema), 'stream').subarray(0, schemaBytes);
      yield END_OF_STREAM;
    } finally {
      onEnd();
    }
  }
  return Readable.from(generate(), { objectMode: false });
}
