import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { postgresDriver } from '../common/postgres-driver.js';
import { badRequest, LlanoError } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { binEdges, singleBin, toHistogram, TOP_VALUES, type ColumnStats } from './column-stats.js';
import { isNestedType, isNumericType, isTemporalType } from './column-types.js';
import type { DuckDb } from './duckdb.js';
import { exportData, pageBounds, type ExportOptions, type SourceReader } from './explore.js';
import { escapesFormulas, exportSelect } from './csv-formula-cells.js';
import { streamAndDelete, textExport, type ExportFormat } from './export-format.js';
import { copySelectToParquet, type DatasetColumn, type ProgressCallback } from './parquet-output.js';
import { postgresPool, withReadOnlyPostgresClient, type PostgresConnectionInfo } from './postgres-connection.js';
import type { QueryLimits } from './query-limits.js';
import { trimSql } from './sql-text.js';
import { orderByClause, whereClause, type ColumnInfo, type Filter, type SortKey } from './table-query.js';
import type { ExternalTableSource, PostgresTableRef } from './table-source.js';

export {
  closePostgresPools,
  describeConnection,
  postgresPool,
  withPostgresClient,
  type PostgresConnectionInfo,
} from './postgres-connection.js';

const FETCH_ROWS = 5000;

/** A table or query of a PostgreSQL connection: an external source whose settings say how to reach the database. */
export type PostgresTableSource = Omit<ExternalTableSource, 'connection'> & { connection: PostgresConnectionInfo };

/** `"schema"."name"` or `"name"`. */
export function qualifiedName(table: PostgresTableRef): string {
  return table.schema ? `${quoteIdent(table.schema)}.${quoteIdent(table.name)}` : quoteIdent(table.name);
}

/** The FROM expression of a PostgreSQL source: its table, or its query as a subquery. */
export function postgresRelation(source: PostgresTableSource): string {
  if (source.table) return qualifiedName(source.table);
  if (source.query) return `(\n${trimSql(source.query)}\n) AS source`;
  throw badRequest('A PostgreSQL source needs a table or a query');
}

// Values as the explorer shows them: 64-bit integers and numerics as numbers when exact
// enough, dates and timestamps as PostgreSQL prints them (like DuckDB does), never Date objects.
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 };
const asText = (value: string) => value;
const jsonTypes: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === OID.int8) return (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    if (oid === OID.numeric) return (v) => Number(v);
    if (oid === OID.date || oid === OID.timestamp || oid === OID.timestamptz) return asText;
    // pg types its parsers as any; a text parser takes the value's text.
    return postgresDriver().types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};
/** Every value as PostgreSQL's text, for loading into DuckDB with explicit casts. */
const textTypes = { getTypeParser: () => asText } as unknown as pg.CustomTypesConfig;

/** PostgreSQL errors are the user's to fix (bad SQL, wrong filter value): 400 with PostgreSQL's message. */
export function postgresError(error: unknown): LlanoError {
  if (error instanceof LlanoError) return error;
  if (error instanceof postgresDriver().DatabaseError)
    return badRequest(`PostgreSQL: ${error.message}`, { code: error.code, position: error.position });
  return badRequest(`PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Runs `fn` in a read-only transaction (`withReadOnlyPostgresClient`), PostgreSQL's errors as 400s
 * with its message: every read of a connection goes through here.
 */
export async function readPostgresOr400<T>(
  db: DuckDb,
  info: PostgresConnectionInfo,
  fn: (client: pg.PoolClient) => Promise<T>,
  limits?: QueryLimits,
): Promise<T> {
  try {
    return await withReadOnlyPostgresClient(db, info, fn, limits);
  } catch (error) {
    throw postgresError(error);
  }
}

/**
 * Runs one statement with the extended protocol, which refuses several statements in one
 * text: a source query or recipe SQL cannot smuggle in `; DROP TABLE …`.
 */
export function queryOne<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  text: string,
  values: unknown[] = [],
  options: { rowMode?: 'array'; types?: pg.CustomTypesConfig } = {},
): Promise<pg.QueryResult<R>> {
  return client.query({ text, values, ...options, queryMode: 'extended' } as pg.QueryConfig);
}

/** Column names and types (as `format_type` spells them) of any relation or query, without reading rows. */
export async function postgresColumns(client: pg.PoolClient, relation: string): Promise<ColumnInfo[]> {
  return (await postgresColumnKinds(client, relation)).map(({ name, type }) => ({ name, type }));
}

/** {@link postgresColumns} with whether each holds text (what a CSV export's formula escaping needs). */
async function postgresColumnKinds(client: pg.PoolClient, relation: string): Promise<Required<ColumnInfo>[]> {
  const result = await queryOne(client, `SELECT * FROM ${relation} LIMIT 0`);
  // format_type with the type modifier, so numeric(4,1) and varchar(20) keep their parameters.
  // Text-like: the string and enum categories, a domain by its base type's (an enum or a domain
  // over text is named by its own name, which says nothing of what it holds).
  const typeNames = await client.query<{ name: string; textual: boolean }>(
    `SELECT format_type(t.oid, nullif(t.mod, -1)) AS name,
       coalesce(coalesce(base.typcategory, own.typcategory) IN ('S', 'E'), false) AS textual
     FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS t(oid, mod, n)
     LEFT JOIN pg_type own ON own.oid = t.oid
     LEFT JOIN pg_type base ON own.typtype = 'd' AND base.oid = own.typbasetype
     ORDER BY n`,
    [result.fields.map((f) => f.dataTypeID), result.fields.map((f) => f.dataTypeModifier)],
  );
  return result.fields.map((f, i) => ({
    name: f.name,
    type: typeNames.rows[i]?.name ?? 'text',
    textual: typeNames.rows[i]?.textual ?? true,
  }));
}

export async function postgresReadRows(
  db: DuckDb,
  source: PostgresTableSource,
  options: { offset: number; limit: number; sort?: SortKey[]; filters?: Filter[]; limits?: QueryLimits },
): Promise<{ columns: ColumnInfo[]; rows: unknown[][]; total: number }> {
  const relation = postgresRelation(source);
  const withClient = <T>(fn: (client: pg.PoolClient) => Promise<T>) =>
    readPostgresOr400(db, source.connection, fn, options.limits);
  return withClient(async (client) => {
    const columns = await postgresColumns(client, relation);
    const where = whereClause(options.filters ?? [], columns, 'postgres');
    const n = where.params.length;
    const total = await queryOne<{ total: string }>(
      client,
      `SELECT count(*) AS total FROM ${relation} ${where.sql}`,
      where.params,
    );
    const page = await queryOne(
      client,
      `SELECT * FROM ${relation} ${where.sql} ${orderByClause(options.sort ?? [], columns)} LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, options.limit, options.offset],
      { rowMode: 'array', types: jsonTypes },
    );
    return { columns, rows: page.rows as unknown[][], total: Number(total.rows[0].total) };
  });
}

const TEXT_TYPE = /^(text|character varying|character|varchar|char|name|"char"|citext)\b/i;

/**
 * Column statistics computed in PostgreSQL: one aggregate query (exact distinct counts),
 * one scan for all histograms (`width_bucket`), one query of per-column top values.
 */
export async function postgresColumnStats(
  db: DuckDb,
  source: PostgresTableSource,
  limits?: QueryLimits,
): Promise<ColumnStats[]> {
  const relation = postgresRelation(source);
  const withClient = <T>(fn: (client: pg.PoolClient) => Promise<T>) =>
    readPostgresOr400(db, source.connection, fn, limits);
  return withClient(async (client) => {
    const columns = await postgresColumns(client, relation);
    if (columns.length === 0) return [];
    const numericOf = (c: ColumnInfo, ident: string) =>
      isTemporalType(c.type) ? `(extract(epoch FROM ${ident}) * 1000000)::float8` : `${ident}::float8`;
    const ranged = (c: ColumnInfo) => isNumericType(c.type) || isTemporalType(c.type);
    const comparable = (c: ColumnInfo) => ranged(c) || TEXT_TYPE.test(c.type);
    // `exact`: the moments over NUMERIC, which does not overflow (a float8 column near 1e308
    // overflows its sum of squares, and the whole query failed); only after that error: slower.
    const summaryOf = (exact: boolean) => {
      const aggregates = ['count(*)'];
      for (const c of columns) {
        const ident = quoteIdent(c.name);
        const distinctOf = isNestedType(c.type) || /^(json|xml)/i.test(c.type) ? `${ident}::text` : ident;
        const isBoolean = c.type === 'boolean';
        const moment = exact ? `${ident}::numeric` : ident;
        aggregates.push(
          `count(${ident})`,
          `count(DISTINCT ${distinctOf})`,
          isBoolean ? `bool_and(${ident})` : comparable(c) ? `min(${ident})` : 'NULL',
          isBoolean ? `bool_or(${ident})` : comparable(c) ? `max(${ident})` : 'NULL',
          isNumericType(c.type) ? `avg(${moment})::float8` : 'NULL',
          isNumericType(c.type) ? `stddev_samp(${moment})::float8` : 'NULL',
          ranged(c) ? `min(${numericOf(c, ident)})` : 'NULL',
          ranged(c) ? `max(${numericOf(c, ident)})` : 'NULL',
        );
      }
      return queryOne(client, `SELECT ${aggregates.join(', ')} FROM ${relation}`, [], {
        rowMode: 'array',
        types: jsonTypes,
      });
    };
    // The reads run in one transaction: a savepoint lets the exact query follow a failed one.
    await client.query('SAVEPOINT moments');
    const summary = await summaryOf(false).catch(async (err: unknown) => {
      if ((err as { code?: string }).code !== '22003') throw err;
      await client.query('ROLLBACK TO SAVEPOINT moments');
      return summaryOf(true);
    });
    const row = summary.rows[0] as unknown[];
    const count = Number(row[0]);
    const stats: ColumnStats[] = columns.map((c, i) => {
      const at = 1 + i * 8;
      return {
        name: c.name,
        type: c.type,
        count,
        nulls: count - Number(row[at]),
        distinct: Number(row[at + 1]),
        distinctIsApproximate: false,
        min: row[at + 2] ?? null,
        max: row[at + 3] ?? null,
        mean: (row[at + 4] as number | null) ?? null,
        stddev: (row[at + 5] as number | null) ?? null,
        topValues: [],
        histogram: [],
      };
    });

    const binned = columns
      .map((c, i) => ({ c, i, low: row[1 + i * 8 + 6] as number | null, high: row[1 + i * 8 + 7] as number | null }))
      .filter((r) => r.low !== null && r.high !== null)
      .map((r) => ({ ...r, edges: binEdges(r.low!, r.high!) }));
    for (const r of binned) {
      if (!r.edges && r.low === r.high)
        stats[r.i].histogram = singleBin(r.low!, count - stats[r.i].nulls, isTemporalType(r.c.type));
    }
    const withEdges = binned.filter((r) => r.edges);
    if (withEdges.length) {
      const values = withEdges
        .map((r, k) => {
          const [low, high] = [r.edges![0], r.edges![r.edges!.length - 1]];
          // The maximum lands in bucket n+1; it is folded into the last bin below (not with least(), which ignores NULLs).
          return `(${k}, width_bucket(${numericOf(r.c, quoteIdent(r.c.name))}, ${low}::float8, ${high}::float8, ${r.edges!.length - 1}))`;
        })
        .join(', ');
      const histogram = await queryOne<{ k: number; bucket: number; n: string }>(
        client,
        `SELECT k, bucket, count(*) AS n FROM ${relation} CROSS JOIN LATERAL (VALUES ${values}) AS bins(k, bucket) WHERE bucket IS NOT NULL GROUP BY k, bucket`,
      );
      withEdges.forEach((r, k) => {
        const counts = new Array<number>(r.edges!.length - 1).fill(0);
        for (const h of histogram.rows)
          if (h.k === k) counts[Math.min(Math.max(h.bucket, 1), counts.length) - 1] += Number(h.n);
        stats[r.i].histogram = toHistogram(r.edges!, counts, isTemporalType(r.c.type));
      });
    }

    const tops = columns.map((c) => {
      const ident = /^(json|xml)/i.test(c.type) ? `${quoteIdent(c.name)}::text` : quoteIdent(c.name);
      return `(SELECT coalesce(json_agg(t), '[]') FROM (SELECT ${ident} AS value, count(*) AS count FROM ${relation} WHERE ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP_VALUES}) AS t)`;
    });
    const top = await queryOne(client, `SELECT ${tops.join(', ')}`, [], { rowMode: 'array' });
    columns.forEach((_, i) => {
      stats[i].topValues = ((top.rows[0] as unknown[])[i] as { value: unknown; count: number }[]).map((t) => ({
        value: t.value,
        count: Number(t.count),
      }));
    });
    return stats;
  });
}

/**
 * Reads a query with a server-side cursor, `FETCH_ROWS` rows at a time. The client is in the
 * caller's read-only transaction (a cursor lives in one), which the caller rolls back.
 */
async function* cursorBatches(
  client: pg.PoolClient,
  sql: string,
  params: unknown[],
  types: pg.CustomTypesConfig,
): AsyncGenerator<unknown[][]> {
  try {
    await queryOne(client, `DECLARE llano_export NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const batch = await client.query({ text: `FETCH ${FETCH_ROWS} FROM llano_export`, rowMode: 'array', types });
      if (batch.rows.length === 0) break;
      yield batch.rows as unknown[][];
    }
  } catch (error) {
    throw postgresError(error);
  }
}

/** Filtered, sorted rows of a PostgreSQL source as a stream (cursor batches; Parquet via a temporary file). */
export async function postgresExport(
  db: DuckDb,
  source: PostgresTableSource,
  format: ExportFormat,
  options: ExportOptions,
): Promise<Readable> {
  if (format === 'parquet' || format === 'arrow') {
    const dir = await mkdtemp(join(tmpdir(), 'llano-export-'));
    const file = join(dir, 'export.parquet');
    let stream: Readable;
    try {
      await materializeToParquet(db, source, file, options);
      // Arrow from the rows as DuckDB typed them (the same types as a Parquet export).
      stream =
        format === 'arrow' ? await exportData(db, { kind: 'parquet', paths: [file] }, 'arrow') : streamAndDelete(file);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    stream.on('close', () => void rm(dir, { recursive: true, force: true }));
    return stream;
  }
  const relation = postgresRelation(source);
  const pool = postgresPool(db, source.connection);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw postgresError(error);
  }
  let released = false;
  // The export reads in one read-only transaction (see withReadOnlyPostgresClient), rolled back when it ends.
  const release = () => {
    if (released) return;
    released = true;
    client.query('ROLLBACK').then(
      () => client.release(),
      () => client.release(true),
    );
  };
  let columns: ColumnInfo[];
  let select: { sql: string; params: string[] };
  try {
    await client.query('BEGIN READ ONLY');
    columns = await postgresColumnKinds(client, relation);
    const where = whereClause(options.filters ?? [], columns, 'postgres');
    select = {
      sql: exportSelect({
        relation,
        where: where.sql,
        columns,
        sort: options.sort ?? [],
        dialect: 'postgres',
        escapeFormulas: escapesFormulas(format, options.formulas),
      }),
      params: where.params,
    };
  } catch (error) {
    release();
    throw postgresError(error);
  }
  let started = false;
  async function* batches(): AsyncGenerator<unknown[][]> {
    started = true;
    try {
      yield* cursorBatches(client, select.sql, select.params, jsonTypes);
    } finally {
      release();
    }
  }
  const stream = textExport(
    format,
    columns.map((c) => c.name),
    batches(),
  );
  stream.on('close', () => {
    if (!started) release();
  });
  return stream;
}

/** A PostgreSQL array type as `format_type` names it (`integer[]`, `text[]`; the same for any number of dimensions). */
const isArrayType = (type: string) => type.endsWith('[]');

/**
 * DuckDB type for a PostgreSQL column (as `format_type` names it) and the cast from what the copy
 * reads: PostgreSQL's text output, and for an array its JSON (`array_to_json`), which becomes a
 * DuckDB LIST of the element's type (`integer[]` → `INTEGER[]`, `text[]` → `VARCHAR[]`; elements
 * DuckDB has no type for, and bytea, as their text). A multi-dimensional array has no LIST of
 * that type: see `nestedArrayColumns`.
 */
export function duckdbColumn(type: string, ident: string): { type: string; expression: string } {
  const t = type.toLowerCase();
  if (isArrayType(t)) {
    const element = duckdbColumn(type.slice(0, -2), ident).type;
    const list = `${element === 'BLOB' ? 'VARCHAR' : element}[]`;
    return { type: list, expression: `CAST(CAST(${ident} AS JSON) AS ${list})` };
  }
  const cast = (duck: string) => ({ type: duck, expression: `CAST(${ident} AS ${duck})` });
  if (t === 'smallint') return cast('SMALLINT');
  if (t === 'integer') return cast('INTEGER');
  if (t === 'bigint') return cast('BIGINT');
  if (t === 'real') return cast('FLOAT');
  if (t === 'double precision') return cast('DOUBLE');
  const decimal = /^numeric\((\d+),(\d+)\)$/.exec(t);
  if (decimal && Number(decimal[1]) <= 38) return cast(`DECIMAL(${decimal[1]}, ${decimal[2]})`);
  if (t.startsWith('numeric')) return cast('DOUBLE');
  if (t === 'boolean') return cast('BOOLEAN');
  if (t === 'date') return cast('DATE');
  if (t.startsWith('timestamp') && t.includes('with time zone')) return cast('TIMESTAMPTZ');
  if (t.startsWith('timestamp')) return cast('TIMESTAMP');
  if (t.startsWith('time') && !t.includes('with time zone')) return cast('TIME');
  if (t === 'uuid') return cast('UUID');
  if (t === 'bytea') return { type: 'BLOB', expression: `from_hex(substr(${ident}, 3))` };
  return { type: 'VARCHAR', expression: ident };
}

/** The columns of a source's copy for DuckDB (see `duckdbColumn`), from PostgreSQL's description of it: no row is read. */
export function postgresCopyColumns(db: DuckDb, source: PostgresTableSource): Promise<ColumnInfo[]> {
  return readPostgresOr400(db, source.connection, async (client) =>
    (await postgresColumns(client, postgresRelation(source))).map((c) => ({
      name: c.name,
      type: duckdbColumn(c.type, c.name).type,
    })),
  );
}

/**
 * The array columns (by position) holding a multi-dimensional array in some row: PostgreSQL types
 * `integer[]` and `integer[][]` alike, and a DuckDB LIST has one level. Those columns are copied
 * as the arrays' JSON text (VARCHAR, `[[1,2],[3,4]]`), which DuckDB's JSON functions read.
 */
async function nestedArrayColumns(
  conn: DuckDBConnection,
  staging: string,
  columns: ColumnInfo[],
): Promise<Set<number>> {
  const arrays = columns.flatMap((c, i) => (isArrayType(c.type) ? [i] : []));
  if (arrays.length === 0) return new Set();
  const checks = arrays.map((i) => `bool_or(json_type(c${i}, '$[0]') = 'ARRAY')`).join(', ');
  const found = (await conn.runAndReadAll(`SELECT ${checks} FROM temp.main.${staging}`)).getRows()[0];
  return new Set(arrays.filter((_, k) => found[k] === true));
}

/**
 * Copies a PostgreSQL source into a Parquet file so DuckDB recipes can join it with other
 * datasets: rows come through a server-side cursor in batches and are appended (as
 * PostgreSQL's text) into a DuckDB temp table, then one COPY casts them to proper types and
 * writes the Parquet file (temp file + rename, like every other write).
 */
export async function materializeToParquet(
  db: DuckDb,
  source: PostgresTableSource,
  path: string,
  /** `limit`: at most so many rows, the limit sent to PostgreSQL (a preview's sample). */
  options: { sort?: SortKey[]; filters?: Filter[]; onProgress?: ProgressCallback; limit?: number } = {},
): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }> {
  const relation = postgresRelation(source);
  return readPostgresOr400(db, source.connection, async (client) => {
    const columns = await postgresColumns(client, relation);
    if (columns.length === 0) throw badRequest('The PostgreSQL source has no columns');
    const where = whereClause(options.filters ?? [], columns, 'postgres');
    // Arrays travel as JSON: PostgreSQL's text form ({a,"b c"}) is not something DuckDB reads.
    const selected = columns
      .map((c) =>
        isArrayType(c.type)
          ? `array_to_json(${quoteIdent(c.name)})::text AS ${quoteIdent(c.name)}`
          : quoteIdent(c.name),
      )
      .join(', ');
    const limit = options.limit === undefined ? '' : ` LIMIT ${Math.floor(options.limit)}`;
    const sql = `SELECT ${selected} FROM ${relation} ${where.sql} ${orderByClause(options.sort ?? [], columns)}${limit}`;
    return db.withConnection(async (conn) => {
      const staging = `llano_staging_${Math.random().toString(36).slice(2)}`;
      await conn.run(`CREATE TEMP TABLE ${staging} (${columns.map((_, i) => `c${i} VARCHAR`).join(', ')})`);
      try {
        const appender = await conn.createAppender(staging, 'main', 'temp');
        let rows = 0;
        for await (const batch of cursorBatches(client, sql, where.params, textTypes)) {
          for (const row of batch) {
            for (const value of row) {
              if (value === null || value === undefined) appender.appendNull();
              else appender.appendVarchar(value as string);
            }
            appender.endRow();
          }
          rows += batch.length;
          options.onProgress?.({ phase: 'write', percent: -1, rows });
        }
        appender.closeSync();
        const nested = await nestedArrayColumns(conn, staging, columns);
        const select = columns
          .map((c, i) =>
            nested.has(i)
              ? `c${i} AS ${quoteIdent(c.name)}`
              : `${duckdbColumn(c.type, `c${i}`).expression} AS ${quoteIdent(c.name)}`,
          )
          .join(', ');
        return await copySelectToParquet(conn, `SELECT ${select} FROM temp.main.${staging}`, path);
      } finally {
        await conn.run(`DROP TABLE IF EXISTS temp.main.${staging}`);
      }
    });
  });
}

/** Explores PostgreSQL sources in PostgreSQL: paging, filters, sorting and statistics run on the server. */
export const postgresReader: SourceReader<PostgresTableSource> = {
  readRows: (db, source, options = {}) => postgresReadRows(db, source, { ...options, ...pageBounds(options) }),
  columnStats: (db, source, options) => postgresColumnStats(db, source, options?.limits),
  exportData: (db, source, format, options = {}) => postgresExport(db, source, format, options),
  materialize: (db, source, path, options) => materializeToParquet(db, source, path, options),
};
