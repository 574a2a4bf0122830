import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { tmpdir } from 'node:os';
import { jsonConverter } from './json-value.js';
import { QueryGate } from './query-limits.js';

/** A query result for JSON consumers: numbers stay numbers where exact, big integers beyond 2^53 become strings. */
export interface QueryResult {
  columns: string[];
  types: string[];
  rows: unknown[][];
}

export interface DuckDbOptions {
  threads?: number;
  memoryLimit?: string;
  /** Folder DuckDB may spill to when a query exceeds memory. */
  tempDirectory?: string;
  /** Memory limit of each sandbox instance for user SQL (default: the same as this instance). */
  sandboxMemoryLimit?: string;
  /** Folder under which sandboxes get their work folders (default: the system's temporary folder). */
  sandboxDir?: string;
  /** User queries running at once, and as many data reads; more wait (see `QueryGate`). Default 2. */
  userQueries?: number;
}

/** Where user SQL runs beside the shared instance: see duckdb-sandbox.ts. */
export interface SandboxSettings {
  memoryLimit?: string;
  dir: string;
}

/** Converts one DuckDB JSON value for JSON consumers, given its column type (nested types included). */
export function jsonValue(value: unknown, type: string): unknown {
  return jsonConverter(type)(value);
}

/**
 * One embedded DuckDB database. Every piece of Llano that computes goes through here,
 * so threads and memory limits are set in one place.
 */
export class DuckDb {
  /** Resources engine modules keep for this database (see `resource`), released by `close()`. */
  private readonly resources = new Map<symbol, { value: unknown; release: (value: unknown) => void | Promise<void> }>();

  /**
   * Queues of user work: `userSql` for previews and ad-hoc SQL, `reads` for data pages and
   * statistics, apart so that runaway SQL never delays reads of other users.
   */
  readonly gates: { userSql: QueryGate; reads: QueryGate };

  private constructor(
    readonly instance: DuckDBInstance,
    readonly sandboxes: SandboxSettings,
    userQueries: number,
  ) {
    this.gates = { userSql: new QueryGate(userQueries), reads: new QueryGate(userQueries) };
  }

  static async open(path = ':memory:', options: DuckDbOptions = {}): Promise<DuckDb> {
    const settings: Record<string, string> = {};
    if (options.threads) settings.threads = String(options.threads);
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
    const sandboxes = { memoryLimit: options.sandboxMemoryLimit, dir: options.sandboxDir ?? tmpdir() };
    return new DuckDb(await DuckDBInstance.create(path, settings), sandboxes, options.userQueries ?? 2);
  }

  /** A new connection. Temporary views and settings live per connection, so concurrent work uses one each. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs `fn` with a fresh connection and closes it afterwards. */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Runs one statement and returns every row, converted for JSON. */
  async query(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
    conn?: DuckDBConnection,
  ): Promise<QueryResult> {
    const run = async (c: DuckDBConnection) => {
      const reader = await c.runAndReadAll(sql, params);
      const types = reader.columnTypes().map(String);
      const convert = types.map(jsonConverter);
      const rows = reader.getRowsJson().map((row) => row.map((v, i) => convert[i](v)));
      return { columns: reader.columnNames(), types, rows };
    };
    return conn ? run(conn) : this.withConnection(run);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>, conn?: DuckDBConnection): Promise<void> {
    if (conn) {
      await conn.run(sql, params);
      return;
    }
    await this.withConnection(async (c) => {
      await c.run(sql, params);
    });
  }

  /**
   * A resource an engine module keeps for this database rather than in a module variable
   * (pooled sandbox instances, PostgreSQL pools): created on first use with `key`, released
   * when this database closes, so each workspace (which owns one database) has its own.
   */
  resource<T>(key: symbol, create: () => T, release: (value: T) => void | Promise<void>): T {
    const held = this.resources.get(key);
    if (held) return held.value as T;
    const value = create();
    this.resources.set(key, { value, release: release as (value: unknown) => void | Promise<void> });
    return value;
  }

  /** Closes the database at once; the promise settles when its resources are released too. */
  async close(): Promise<void> {
    const held = [...this.resources.values()];
    this.resources.clear();
    const releasing = held.map(({ value, release }) =>
      Promise.resolve()
        .then(() => release(value))
        .catch(() => undefined),
    );
    this.instance.closeSync();
    await Promise.all(releasing);
  }
}
