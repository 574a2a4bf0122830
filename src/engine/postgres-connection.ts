import type pg from 'pg';
import { postgresDriver } from '../common/postgres-driver.js';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import type { DuckDb } from './duckdb.js';
import { queryCancelled, queryTimedOut, type QueryLimits } from './query-limits.js';

/** How to reach a PostgreSQL database: a URL, or its parts (parts override what the URL says). */
export const postgresConnectionInfoSchema = z.object({
  url: z.string().min(1).optional().describe('postgres://user:password@host:port/database (or the fields below)'),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  ssl: z.boolean().optional().describe('Connect with TLS (the server certificate is not verified)'),
});
export type PostgresConnectionInfo = z.infer<typeof postgresConnectionInfoSchema>;

function poolConfig(info: PostgresConnectionInfo): pg.PoolConfig {
  const config: pg.PoolConfig = { max: 4, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 };
  if (info.url) config.connectionString = info.url;
  if (info.host !== undefined) config.host = info.host;
  if (info.port !== undefined) config.port = info.port;
  if (info.database !== undefined) config.database = info.database;
  if (info.user !== undefined) config.user = info.user;
  if (info.password !== undefined) config.password = info.password;
  if (info.ssl !== undefined) config.ssl = info.ssl ? { rejectUnauthorized: false } : false;
  return config;
}

/** A description of the connection safe to show or log: never the password. */
export function describeConnection(info: PostgresConnectionInfo): string {
  let fromUrl: URL | undefined;
  try {
    fromUrl = info.url ? new URL(info.url) : undefined;
  } catch {
    fromUrl = undefined;
  }
  const user = info.user ?? (fromUrl?.username ? decodeURIComponent(fromUrl.username) : undefined);
  const host = info.host ?? fromUrl?.hostname ?? 'localhost';
  const port = info.port ?? (fromUrl?.port ? Number(fromUrl.port) : 5432);
  const database = info.database ?? (fromUrl?.pathname ? decodeURIComponent(fromUrl.pathname.slice(1)) : '');
  return `postgres://${user ? user + '@' : ''}${host}:${port}/${database}`;
}

const POOLS = Symbol('postgres pools');

/** The PostgreSQL pools of one engine database (so of one workspace), by connection info; ended when it closes. */
const poolsOf = (db: DuckDb) => db.resource(POOLS, () => new Map<string, pg.Pool>(), endPools);

async function endPools(pools: Map<string, pg.Pool>): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.end().catch(() => undefined)));
}

/**
 * One pool per distinct connection info, kept as long as the engine database `db` (the
 * workspace's) so that exploring a table page after page does not reconnect each time.
 */
export function postgresPool(db: DuckDb, info: PostgresConnectionInfo): pg.Pool {
  const pools = poolsOf(db);
  const key = JSON.stringify(Object.entries(info).sort(([a], [b]) => a.localeCompare(b)));
  let pool = pools.get(key);
  if (!pool) {
    pool = new (postgresDriver().Pool)(poolConfig(info));
    // An idle client dropped by the server must not crash the process; the next checkout reconnects.
    pool.on('error', () => undefined);
    pools.set(key, pool);
  }
  return pool;
}

/**
 * Runs `fn` with a pooled client; connection failures become a 400 that names the server, not
 * the password. `limits` set PostgreSQL's statement_timeout for the client's statements and
 * cancel the running one when the signal aborts; either answers with a clear error.
 */
export async function withPostgresClient<T>(
  db: DuckDb,
  info: PostgresConnectionInfo,
  fn: (client: pg.PoolClient) => Promise<T>,
  limits?: QueryLimits,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await postgresPool(db, info).connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`Cannot connect to PostgreSQL at ${describeConnection(info)}: ${reason}`);
  }
  let broken = false;
  let cancelled = false;
  const signal = limits?.signal;
  const cancel = async () => {
    cancelled = true;
    const pid = (client as unknown as { processID: number }).processID;
    // The statement runs on this client; cancelling it takes a second one.
    await withPostgresClient(db, info, (c) => c.query('SELECT pg_cancel_backend($1)', [pid])).catch(() => undefined);
  };
  const onAbort = () => void cancel();
  try {
    if (limits?.timeoutMs) await client.query(`SET statement_timeout = ${Math.ceil(limits.timeoutMs)}`);
    if (signal?.aborted) throw queryCancelled();
    signal?.addEventListener('abort', onAbort, { once: true });
    return await fn(client);
  } catch (error) {
    // After a server-side error the connection is still sound; after anything else, drop it.
    broken = !(error instanceof postgresDriver().DatabaseError);
    // 57014: query_canceled, by statement_timeout or by pg_cancel_backend.
    if (error instanceof postgresDriver().DatabaseError && error.code === '57014' && limits)
      throw cancelled ? queryCancelled() : queryTimedOut(limits);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (limits?.timeoutMs && !broken) await client.query('RESET statement_timeout').catch(() => (broken = true));
    client.release(broken);
  }
}

/**
 * Runs `fn` like `withPostgresClient`, inside a read-only transaction that is always rolled back:
 * a read through a connection (dataset rows, previews, statistics, query datasets, metrics, charts,
 * copies for DuckDB) cannot write, not through a function (`lo_import`, `nextval`) nor through a
 * setting it changes (a rolled-back SET is undone). Only a build's output path writes (pushdown).
 */
export function withReadOnlyPostgresClient<T>(
  db: DuckDb,
  info: PostgresConnectionInfo,
  fn: (client: pg.PoolClient) => Promise<T>,
  limits?: QueryLimits,
): Promise<T> {
  return withPostgresClient(
    db,
    info,
    async (client) => {
      await client.query('BEGIN READ ONLY');
      try {
        return await fn(client);
      } finally {
        await client.query('ROLLBACK');
      }
    },
    limits,
  );
}

/** Ends the pools of `db` before it closes (tests stopping a PostgreSQL server). */
export async function closePostgresPools(db: DuckDb): Promise<void> {
  await endPools(poolsOf(db));
}
