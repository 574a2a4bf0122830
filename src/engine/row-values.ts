import { BIGINT, DOUBLE, DuckDBScalarFunction, type DuckDBConnection } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { freshHandle, registerOnce } from './js-functions.js';
import { fillVector } from './chunk-columns.js';

/**
 * Numbers computed in JavaScript for each row of an input (an outlier score, say), read back by
 * DuckDB in a projection of that same input, by the row's place in its scan:
 * `llano_row_value(handle, row)`. A projection runs on every DuckDB thread and keeps the input's
 * order. The alternatives do not: a POSITIONAL JOIN of the input with a table of the numbers runs
 * on one thread (4.3 s of an outliers recipe's 14.4 s on 16.9 M rows and 25 columns), a hash
 * join on the row number loses the order, and a list variable indexed by row is copied per chunk.
 *
 * DuckDB calls the function once per chunk of 2,048 rows; the binding runs it on the JavaScript
 * thread (DuckDB's thread waits), where it copies those rows' numbers into the result vector.
 */
export interface RowValues {
  /** SQL for the value of the row at `row` (a BIGINT expression, 0-based): NULL where the value is NaN. */
  sql(row: string): string;
  /** Forgets the values: a query that still reads them fails with a clear error. */
  release(): void;
}

const FUNCTION = 'llano_row_value';

/**
 * The values registered, by handle. A handle is a random 48-bit number: the function is in
 * DuckDB's system catalog, visible to any SQL on the database, so another user's query cannot
 * name values it was not given.
 */
const registered = new Map<number, { values: Float64Array; missing: boolean }>();

/** Registers `values` (value i for row i) for the queries of `conn`. */
export function rowValues(conn: DuckDBConnection, values: Float64Array): RowValues {
  registerOnce(conn, FUNCTION, registerFunction);
  const handle = freshHandle(registered);
  // Whether any value is NaN (NULL), known once: a chunk without any then skips looking.
  registered.set(handle, { values, missing: values.some((v) => Number.isNaN(v)) });
  return {
    sql: (row) => `${FUNCTION}(${handle}, CAST(${row} AS BIGINT))`,
    release: () => registered.delete(handle),
  };
}

function registerFunction(conn: DuckDBConnection): void {
  const fn = new DuckDBScalarFunction();
  fn.setName(FUNCTION);
  fn.addParameter(BIGINT);
  fn.addParameter(BIGINT);
  fn.setReturnType(DOUBLE);
  // The binding's own callback, not @duckdb/node-api's: that one wraps the result vector in an
  // object that reads it value by value.
  duckdb.scalar_function_set_function(fn.scalar_function, (info, input, output) => {
    const rows = duckdb.data_chunk_get_size(input);
    if (rows === 0) return;
    // DuckDB flattens the arguments of a function of this kind: the handle is repeated on every
    // row; neither argument is ever NULL (the row numbers of a scan), so no validity is read.
    const entry = registered.get(rowAt(bigintWords(input, 0, 1), 0));
    if (!entry) return duckdb.scalar_function_set_error(info, `${FUNCTION}: these values are gone (their query ended)`);
    const { values, missing } = entry;
    const at = bigintWords(input, 1, rows);
    const first = rowAt(at, 0);
    // A chunk of a scan holds consecutive rows, the usual case: one copy.
    let consecutive = first >= 0 && first + rows <= values.length;
    for (let i = 1; i < rows && consecutive; i++) consecutive = rowAt(at, i) === first + i;
    if (consecutive) return fillVector(output, values.subarray(first, first + rows), 'DOUBLE', missing);
    const picked = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const row = rowAt(at, i);
      if (!(row >= 0 && row < values.length))
        return duckdb.scalar_function_set_error(info, `${FUNCTION}: row ${row} is not among ${values.length}`);
      picked[i] = values[row];
    }
    fillVector(output, picked, 'DOUBLE', missing);
  });
  conn.registerScalarFunction(fn);
}

/** The first `rows` values of BIGINT argument `column`, as pairs of 32-bit words (low first). */
function bigintWords(input: duckdb.DataChunk, column: number, rows: number): Uint32Array {
  const data = duckdb.vector_get_data(duckdb.data_chunk_get_vector(input, column), rows * 8);
  return new Uint32Array(data.buffer, data.byteOffset, 2 * rows);
}

/** Value i of a BIGINT column read as word pairs, exact below 2⁵³; −1 for a negative one. */
const rowAt = (w: Uint32Array, i: number) => (w[2 * i + 1] >= 0x80000000 ? -1 : w[2 * i + 1] * 2 ** 32 + w[2 * i]);
