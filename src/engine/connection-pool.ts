import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDb } from './duckdb.js';

/**
 * Connections of the shared database kept between data reads: connecting is a turn through
 * libuv's pool and costs about as much as reading a page of the grid, so concurrent grid
 * clients each paid it on every page. A connection goes back only after its work succeeded
 * (an error or an interrupt may leave state behind: that one is closed), and only reads that
 * leave nothing on the connection (no temporary views, no settings) use the pool.
 */
class IdleReadConnections {
  readonly idle: DuckDBConnection[] = [];
  closed = false;

  closeAll(): void {
    this.closed = true;
    for (const conn of this.idle.splice(0)) conn.closeSync();
  }
}

/** More idle connections than reads that run at once are never needed; a few cover bursts. */
const KEEP_IDLE = 8;

const POOL = Symbol('idle read connections');
const poolOf = (db: DuckDb) =>
  db.resource(
    POOL,
    () => new IdleReadConnections(),
    (pool) => pool.closeAll(),
  );

/**
 * Runs `fn` on a connection of `db` taken from the pool (or a new one), and gives it back when
 * `fn` succeeds. `fn` must leave no per-connection state behind (temporary objects, SET).
 */
export async function withReadConnection<T>(db: DuckDb, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const pool = poolOf(db);
  const conn = pool.idle.pop() ?? (await db.connect());
  let result: T;
  try {
    result = await fn(conn);
  } catch (error) {
    conn.closeSync();
    throw error;
  }
  if (!pool.closed && pool.idle.length < KEEP_IDLE) pool.idle.push(conn);
  else conn.closeSync();
  return result;
}
