import { DuckDBDataChunk, DuckDBScalarFunction, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { wordPairColumn } from './chunk-columns.js';
import { freshHandle, registerOnce } from './js-functions.js';

const FUNCTION = 'llano_chunk_sink';

/** The callbacks of the queries running, by handle (random: the function is visible to any SQL on the database). */
const sinks = new Map<number, (chunk: DuckDBDataChunk) => void>();

/**
 * Hands every row of `SELECT columns FROM relation` to `onChunk`, a DuckDB chunk (up to 2,048
 * rows) at a time, on this thread, in whatever order DuckDB's threads produce them: the query is
 * `SELECT count(llano_chunk_sink(handle, columns…)) FROM relation`, whose function DuckDB calls
 * per chunk. Column j of `columns` is column j + 1 of the chunk (column 0 is the handle). Quicker
 * than a streamed result's `fetchChunk`, a round trip through libuv's pool per chunk (16.9 M rows
 * of three 8-byte columns: 0.46 against 0.70 s CPU, loaded). A throw in `onChunk` fails the query
 * and is thrown again here.
 */
export async function sinkChunks(
  conn: DuckDBConnection,
  columns: readonly string[],
  relation: string,
  onChunk: (chunk: DuckDBDataChunk) => void,
): Promise<void> {
  registerOnce(conn, FUNCTION, registerFunction);
  const handle = freshHandle(sinks);
  let failure: unknown = null;
  sinks.set(handle, (chunk) => {
    try {
      onChunk(chunk);
    } catch (error) {
      failure ??= error;
      throw error;
    }
  });
  try {
    await conn.run(`SELECT count(${FUNCTION}(CAST(${handle} AS BIGINT), ${columns.join(', ')})) FROM ${relation}`);
  } catch (error) {
    throw failure ?? error;
  } finally {
    sinks.delete(handle);
  }
}

function registerFunction(conn: DuckDBConnection): void {
  const fn = new DuckDBScalarFunction();
  fn.setName(FUNCTION);
  fn.setReturnType(INTEGER);
  // Any columns after the handle; volatile, so that DuckDB calls it for every chunk and folds nothing.
  duckdb.scalar_function_set_varargs(fn.scalar_function, duckdb.create_logical_type(duckdb.Type.ANY));
  fn.setVolatile();
  // Called with NULLs as they are (read through the validity masks), never replaced by a NULL.
  fn.setSpecialHandling();
  // The binding's own callback: @duckdb/node-api's wraps the result vector in an object that reads it.
  duckdb.scalar_function_set_function(fn.scalar_function, (info, input) => {
    const chunk = new DuckDBDataChunk(input);
    if (chunk.rowCount === 0) return;
    // DuckDB flattens the arguments of a function of this kind: the handle is repeated on every row.
    const [low, high] = wordPairColumn(chunk, 0).values;
    const sink = sinks.get(high * 2 ** 32 + low);
    if (!sink) return duckdb.scalar_function_set_error(info, `${FUNCTION}: no query is reading these rows`);
    try {
      sink(chunk);
    } catch (error) {
      duckdb.scalar_function_set_error(info, error instanceof Error ? error.message : String(error));
    }
  });
  conn.registerScalarFunction(fn);
}
