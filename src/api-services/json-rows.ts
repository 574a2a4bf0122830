import type { DuckDBResultReader } from '@duckdb/node-api';
import { jsonConverter } from '../engine/json-value.js';

/** A result's rows as JSON objects, 64-bit integers and decimals as numbers (as the rest of the API shows them). */
export function jsonRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  const names = reader.columnNames();
  const convert = reader.columnTypes().map((t) => jsonConverter(String(t)));
  return reader.getRowsJson().map((row) => {
    const o: Record<string, unknown> = {};
    row.forEach((v, i) => (o[names[i]] = convert[i](v)));
    return o;
  });
}
