import { randomInt } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Shared by the DuckDB functions written in JavaScript (row-values.ts, chunk-sink.ts). Such a
 * function is in DuckDB's system catalog, visible to any SQL on the database: what it reads is
 * found by a random 48-bit handle that only the query given it names.
 */
export function freshHandle(taken: ReadonlyMap<number, unknown>): number {
  let handle = randomInt(2 ** 48 - 1) + 1;
  while (taken.has(handle)) handle = randomInt(2 ** 48 - 1) + 1;
  return handle;
}

/** The function names registered per connection (registering again would replace a function, harmlessly). */
const registered = new WeakMap<DuckDBConnection, Set<string>>();

/** Calls `register(conn)` the first time `name` is asked for on `conn`. */
export function registerOnce(conn: DuckDBConnection, name: string, register: (conn: DuckDBConnection) => void): void {
  let names = registered.get(conn);
  if (!names) registered.set(conn, (names = new Set()));
  if (names.has(name)) return;
  register(conn);
  names.add(name);
}
