import type { z } from 'zod';
import type { DuckDb } from '../engine/duckdb.js';
import type { SourceReader } from '../engine/explore.js';
import type { ColumnInfo, SqlDialect } from '../engine/table-query.js';
import type { ExternalTableSource, TableRef } from '../engine/table-source.js';

/** A connection's own settings: everything stored besides its name, type and description. */
export type Settings = Record<string, unknown>;

/** The result of `runSql`: the last statement's command, row count and rows. */
export interface SqlResult {
  /** SELECT, INSERT, CREATE… as the database names it; null when it does not say. */
  command: string | null;
  /** Rows returned or changed; null when the database does not say. */
  rowCount: number | null;
  columns: string[];
  rows: unknown[][];
}

/** A table or a query of the connection: exactly one of the two. */
export interface TableOrQuery {
  table?: TableRef;
  query?: string;
}

/**
 * Quality metrics computed where the data is (one aggregate query instead of copying the rows).
 * `one` runs `<select clause> FROM <the dataset>` and returns its one row; `userMetric` a user's
 * SQL with the dataset visible under `name`, read-only.
 */
export interface MetricsSession {
  dialect: SqlDialect;
  columns(): Promise<ColumnInfo[]>;
  one(select: string): Promise<unknown[]>;
  userMetric(name: string, sql: string): Promise<unknown>;
}

/** A SQL recipe run inside the connection: every input and the output are tables of it. */
export interface InPlaceRecipe {
  inputs: Record<string, TableRef>;
  sql: string;
  output: TableRef;
}

/**
 * Operations that open connections take the workspace's engine (`db`): pools belong to it and
 * close with it, so two workspaces in one process never share one.
 *
 * A connection type: one folder under src/connectors, listed in `registry.ts`. It says which
 * settings a connection has and which are secret, how to test one, and what it can do; each
 * capability is optional, and code that needs one asks `requireCapability` (connection-type.ts),
 * which names the connection and the capability when it is missing.
 */
export interface ConnectionType<S extends Settings = Settings> {
  type: string;
  /** How people call it: "PostgreSQL". */
  label: string;
  /** The settings beyond name, type and description (strict, so a mistyped setting is refused). */
  settings: z.ZodType<S>;
  /** Settings never sent back: answered as ********, and ******** saved back keeps the stored value. */
  secrets?: readonly string[];
  /** Settings holding a URL whose password (`user:password@`) is secret. */
  secretUrls?: readonly string[];
  /**
   * Settings that say where the secrets are sent (host, port, database, user; a URL's parts but its
   * password): a save that changes one of them must give the secrets again, not keep the stored ones.
   */
  secretDestination?: readonly string[];
  /** Only a global admin may save one, because it reads the server's own files. */
  adminOnly?: boolean;
  /** Files or folders of the server it reads (a SQLite file, a folder): none may be inside the workspace home. */
  serverPaths?(settings: S): string[];
  /** Checks at save time beyond the schema (a folder exists…); throws a 400. */
  check?(settings: S): void;
  /** Reaches what the connection points at and says what it found; throws a 400 naming the problem. */
  test(settings: S, db: DuckDb): Promise<string>;

  /**
   * Runs SQL text (the automation SQL step, the SQL-changed trigger, charts); an abort cancels it
   * where it runs, and so does `timeoutMs` (LLANO_QUERY_TIMEOUT_SECONDS) where the database can.
   * `readOnly` (every caller but the SQL step): one statement, which cannot write.
   */
  runSql?(
    settings: S,
    sql: string,
    options: { db: DuckDb; signal?: AbortSignal; timeoutMs?: number; readOnly?: boolean },
  ): Promise<SqlResult>;
  /** The columns of one of its tables. */
  describeTable?(settings: S, table: TableRef, db: DuckDb): Promise<ColumnInfo[]>;
  /** Files under the connection, read in place (file datasets, the file-changed trigger). */
  files?: {
    /** The absolute path of `relative`, refusing anything outside the connection. */
    resolve(settings: S, relative: string): string;
  };
  /** Datasets that are a table or a query of the connection, read in place. */
  tables?: {
    source(settings: S, where: TableOrQuery): ExternalTableSource;
    /** Explores its sources, and copies them to Parquet for DuckDB recipes. */
    reader: SourceReader<ExternalTableSource>;
    /**
     * The columns of a table or query as its copy for DuckDB has them (DuckDB types), without
     * reading its rows (the database's description of it): what a dataset shows before it is built.
     */
    describe?(settings: S, where: TableOrQuery, db: DuckDb): Promise<ColumnInfo[]>;
    /**
     * What identifies the data read, for staleness: it changes when the data or its columns do.
     * Null (or no such capability): the source cannot tell, and recipes reading it are rebuilt at every build.
     */
    versionToken?(settings: S, where: TableOrQuery, db: DuckDb): Promise<string | null>;
    /** Quality metrics computed in the connection; without it they are computed on a Parquet copy. */
    metrics?<T>(db: DuckDb, source: ExternalTableSource, fn: (session: MetricsSession) => Promise<T>): Promise<T>;
    /**
     * The table's qualified name (`public.products`) when it exists in the connection, else null:
     * a recipe that would replace an existing source table is confirmed first (flow/uploaded-output-guard.ts).
     * Types with `runRecipe` have it.
     */
    existingTable?(settings: S, table: TableRef, db: DuckDb): Promise<string | null>;
    /** Writes a SQL recipe's output table inside the connection (pushdown); without it, recipes cannot write here. */
    runRecipe?(settings: S, db: DuckDb, recipe: InPlaceRecipe): Promise<{ rowCount: number; columns: ColumnInfo[] }>;
  };
}

/** Lets a type file declare its settings type once: `defineConnectionType<PostgresSettings>({…})`. */
export function defineConnectionType<S extends Settings>(type: ConnectionType<S>): ConnectionType {
  return type;
}
