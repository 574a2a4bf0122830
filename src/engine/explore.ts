import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { binEdges, EXACT_DISTINCT_ROWS, singleBin, toHistogram, type ColumnStats } from './column-stats.js';
import { isNestedType, isNumericType, isTemporalType } from './column-types.js';
import { jsonValue, type DuckDb } from './duckdb.js';
import { engineError } from './engine-errors.js';
import { escapesFormulas, exportSelect, type CsvFormulaMode } from './csv-formula-cells.js';
import { streamAndDelete, textExport, type ExportFormat } from './export-format.js';
import { copySelectToParquet, type DatasetColumn } from './parquet-output.js';
import { jsonConverter } from './json-value.js';
import { interruptible, type QueryLimits } from './query-limits.js';
import { withReadConnection } from './connection-pool.js';
import { SUBQUERIES_UP_TO, topValues, wideDistinctCounts } from './top-values.js';
import {
  MAX_PAGE_ROWS,
  orderByClause,
  whereClause,
  type ColumnInfo,
  type Filter,
  type SortKey,
} from './table-query.js';
import { duckdbRelation, type FileTableSource, type TableSource } from './table-source.js';

export type { ColumnStats, HistogramBin } from './column-stats.js';

export interface ReadRowsOptions {
  offset?: number;
  limit?: number;
  sort?: SortKey[];
  filters?: Filter[];
  /** Time limit and cancellation of the queries. */
  limits?: QueryLimits;
  /** Lets the caller answer or remember the total (e.g. per dataset version); `count` computes it. */
  countRows?: (count: () => Promise<number>) => Promise<number>;
  /** The source's columns when the caller knows them (a dataset version records them): saves a DESCRIBE. */
  columns?: ColumnInfo[];
}

export interface RowsPage {
  columns: ColumnInfo[];
  rows: unknown[][];
  /** Rows matching the filters (not just this page). */
  total: number;
}

export interface ExportOptions {
  sort?: SortKey[];
  filters?: Filter[];
  /** CSV only: text cells that start like a formula are escaped unless `keep`. */
  formulas?: CsvFormulaMode;
}

/**
 * How one kind of source is explored. DuckDB reads Parquet and files (`duckdbReader`); each
 * connection type that keeps its own rows (a database) brings a reader for its external sources.
 */
export interface SourceReader<S extends TableSource = TableSource> {
  readRows(db: DuckDb, source: S, options?: ReadRowsOptions): Promise<RowsPage>;
  columnStats(db: DuckDb, source: S, options?: { limits?: QueryLimits }): Promise<ColumnStats[]>;
  exportData(db: DuckDb, source: S, format: ExportFormat, options?: ExportOptions): Promise<Readable>;
  /**
   * Copies the rows into a Parquet file (written aside, then renamed) so DuckDB can join them with
   * other datasets; `limit`: only the first so many, read as such where the rows are (a preview's sample).
   */
  materialize(
    db: DuckDb,
    source: S,
    path: string,
    options?: { limit?: number },
  ): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }>;
}

/** Checks paging bounds shared by every engine. */
export function pageBounds(options: ReadRowsOptions): { offset: number; limit: number } {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('offset must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit must be a positive integer');
  if (limit > MAX_PAGE_ROWS) throw badRequest(`limit is at most ${MAX_PAGE_ROWS} rows`);
  return { offset, limit };
}

async function describe(db: DuckDb, conn: DuckDBConnection, relation: string): Promise<ColumnInfo[]> {
  const described = await db.query(`DESCRIBE SELECT * FROM ${relation}`, undefined, conn);
  return described.rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
}

const filePaths = (source: TableSource) =>
  source.kind === 'parquet' ? source.paths : source.kind === 'file' ? [source.path] : [];

/**
 * Runs `fn` with a pooled connection (reads leave nothing on it), turning engine errors (bad
 * files, conversion of filter values) into 400s; `limits` interrupt it (time limit, client gone).
 */
async function onConnection<T>(
  db: DuckDb,
  source: TableSource,
  fn: (conn: DuckDBConnection, relation: string) => Promise<T>,
  limits?: QueryLimits,
): Promise<T> {
  const relation = duckdbRelation(source);
  const paths = filePaths(source);
  return withReadConnection(db, (conn) =>
    interruptible(conn, limits, async () => {
      try {
        return await fn(conn, relation);
      } catch (error) {
        throw engineError(error, paths);
      }
    }),
  );
}

/** `onConnection` under `limits`. */
const limitedTo =
  (limits: QueryLimits | undefined) =>
  <T>(db: DuckDb, source: TableSource, fn: (conn: DuckDBConnection, relation: string) => Promise<T>) =>
    onConnection(db, source, fn, limits);

/** One page of rows, filtered and sorted, with the total number of matching rows. */
export async function readRows(db: DuckDb, source: TableSource, options: ReadRowsOptions = {}): Promise<RowsPage> {
  const { offset, limit } = pageBounds(options);
  return limitedTo(options.limits)(db, source, async (conn, relation) => {
    const columns = options.columns ?? (await describe(db, conn, relation));
    const where = whereClause(options.filters ?? [], columns, 'duckdb');
    const orderBy = orderByClause(options.sort ?? [], columns);
    const count = async () =>
      Number((await db.query(`SELECT count(*) FROM ${relation} ${where.sql}`, where.params, conn)).rows[0][0]);
    const total = options.countRows ? await options.countRows(count) : await count();
    // Bounds are checked integers, written in the text: without parameters the binding runs the
    // statement in one call instead of three (extract, prepare, execute), a third of a page's time.
    const page = await db.query(
      `SELECT * FROM ${relation} ${where.sql} ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
      where.params.length ? where.params : undefined,
      conn,
    );
    return { columns, rows: page.rows, total };
  });
}

/** Above this magnitude a column's sum of squares may overflow a double (√1.8e308 ≈ 1.3e154). */
const OVERFLOWING_MAGNITUDE = 1e150;
const isOutOfRange = (err: unknown) => err instanceof Error && /out of range/i.test(err.message);

export interface ColumnStatsOptions {
  /** Row count up to which distinct counts are exact (default {@link EXACT_DISTINCT_ROWS}). */
  exactDistinctUpTo?: number;
  /** Time limit and cancellation of the queries. */
  limits?: QueryLimits;
}

/**
 * Statistics of every column in three scans: counts, distinct counts, min, max, mean and
 * stddev in one aggregate query; all histograms in one `histogram()` query; exact top values
 * by {@link topValues}. Distinct counts are exact up to `exactDistinctUpTo`
 * rows and DuckDB's `approx_count_distinct` (HyperLogLog, a few percent off) above, flagged by
 * `distinctIsApproximate`; the row count that decides is read from the Parquet footer for managed datasets.
 */
export async function columnStats(
  db: DuckDb,
  source: TableSource,
  options: ColumnStatsOptions = {},
): Promise<ColumnStats[]> {
  return limitedTo(options.limits)(db, source, async (conn, relation) => {
    const columns = await describe(db, conn, relation);
    if (columns.length === 0) return [];
    const rows = Number((await db.query(`SELECT count(*) FROM ${relation}`, undefined, conn)).rows[0][0]);
    const approximate = rows > (options.exactDistinctUpTo ?? EXACT_DISTINCT_ROWS);
    const numericOf = (c: ColumnInfo, ident: string) =>
      isTemporalType(c.type) ? `epoch_us(${ident})` : `CAST(${ident} AS DOUBLE)`;
    const hasRange = (c: ColumnInfo) => isNumericType(c.type) || isTemporalType(c.type);
    // Wide relations count distinct values apart (see wideDistinctCounts).
    const wide = columns.length > SUBQUERIES_UP_TO;
    const summaryOf = (scales: Map<string, number> = new Map()) => {
      const aggregates = ['count(*)'];
      columns.forEach((c) => {
        const ident = quoteIdent(c.name);
        const nested = isNestedType(c.type);
        const numeric = isNumericType(c.type);
        const scale = scales.get(c.name);
        const [mean, stddev] = scale
          ? [`avg(${ident}::DOUBLE / ${scale}) * ${scale}`, `stddev_samp(${ident}::DOUBLE / ${scale}) * ${scale}`]
          : [`avg(${ident})::DOUBLE`, `stddev_samp(${ident})::DOUBLE`];
        aggregates.push(
          `count(${ident})`,
          wide && !nested ? 'NULL' : approximate ? `approx_count_distinct(${ident})` : `count(DISTINCT ${ident})`,
          nested ? 'NULL' : `min(${ident})`,
          nested ? 'NULL' : `max(${ident})`,
          numeric ? mean : 'NULL',
          numeric ? stddev : 'NULL',
          hasRange(c) ? `min(${numericOf(c, ident)})::DOUBLE` : 'NULL',
          hasRange(c) ? `max(${numericOf(c, ident)})::DOUBLE` : 'NULL',
        );
      });
      return db.query(`SELECT ${aggregates.join(', ')} FROM ${relation}`, undefined, conn);
    };
    const summary = await summaryOf().catch(async (err: unknown) => {
      if (!isOutOfRange(err)) throw err;
      // Values near the largest double (1e308) overflow the sum of squares: those columns' moments
      // are taken over values scaled by their largest magnitude, the others as usual.
      const numeric = columns.filter((c) => isNumericType(c.type));
      const peaks = await db.query(
        `SELECT ${numeric.map((c) => `max(abs(${quoteIdent(c.name)}::DOUBLE))`).join(', ')} FROM ${relation}`,
        undefined,
        conn,
      );
      const scales = new Map<string, number>();
      numeric.forEach((c, k) => {
        const peak = Number(peaks.rows[0][k]);
        if (peak > OVERFLOWING_MAGNITUDE) scales.set(c.name, peak);
      });
      return summaryOf(scales);
    });
    const row = summary.rows[0];
    if (wide) {
      const flat = columns.filter((c) => !isNestedType(c.type));
      const counts = await wideDistinctCounts(db, conn, relation, flat, approximate);
      flat.forEach((c, k) => (row[2 + columns.indexOf(c) * 8] = counts[k]));
    }
    const count = Number(row[0]);
    const stats: ColumnStats[] = [];
    const ranges: { index: number; low: number; high: number }[] = [];
    columns.forEach((c, i) => {
      const at = 1 + i * 8;
      const nonNull = Number(row[at]);
      const low = row[at + 6] as number | null;
      const high = row[at + 7] as number | null;
      stats.push({
        name: c.name,
        type: c.type,
        count,
        nulls: count - nonNull,
        distinct: Math.min(Number(row[at + 1]), nonNull),
        distinctIsApproximate: approximate,
        min: row[at + 2],
        max: row[at + 3],
        mean: row[at + 4] as number | null,
        stddev: row[at + 5] as number | null,
        topValues: [],
        histogram: [],
      });
      if (low !== null && high !== null) ranges.push({ index: i, low, high });
    });

    const binned = ranges.map((r) => ({ ...r, edges: binEdges(r.low, r.high) }));
    for (const r of binned) {
      if (!r.edges && r.low === r.high)
        stats[r.index].histogram = singleBin(
          r.low,
          count - stats[r.index].nulls,
          isTemporalType(columns[r.index].type),
        );
    }
    const withEdges = binned.filter((r) => r.edges);
    if (withEdges.length) {
      const parts = withEdges.map((r) => {
        const c = columns[r.index];
        const upper = r
          .edges!.slice(1)
          .map((e) => `${e}::DOUBLE`)
          .join(', ');
        return `histogram(${numericOf(c, quoteIdent(c.name))}::DOUBLE, [${upper}])`;
      });
      const histograms = await db.query(`SELECT ${parts.join(', ')} FROM ${relation}`, undefined, conn);
      withEdges.forEach((r, k) => {
        const map = (histograms.rows[0][k] ?? []) as { key: number; value: string | number }[];
        const counts = map.map((entry) => Number(entry.value));
        stats[r.index].histogram = toHistogram(r.edges!, counts, isTemporalType(columns[r.index].type));
      });
    }

    const groupable = columns.map((c, i) => ({ c, i })).filter(({ c }) => !isNestedType(c.type));
    const tops = await topValues(
      db,
      conn,
      relation,
      groupable.map(({ c }) => c),
    );
    groupable.forEach(({ c, i }, k) => {
      stats[i].topValues = tops[k].map((t) => ({ value: jsonValue(t.value, c.type), count: Number(t.count) }));
    });
    return stats;
  });
}

/**
 * The dataset (filtered and sorted) as a stream. CSV, JSON and Arrow IPC are produced from
 * DuckDB's streaming result one chunk at a time; Parquet is written by DuckDB to a temporary file
 * that is streamed and then deleted.
 */
export async function exportData(
  db: DuckDb,
  source: TableSource,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<Readable> {
  const relation = duckdbRelation(source);
  const paths = filePaths(source);
  const conn = await db.connect();
  let handedOver = false;
  try {
    const columns = await describe(db, conn, relation);
    const where = whereClause(options.filters ?? [], columns, 'duckdb');
    const select = exportSelect({
      relation,
      where: where.sql,
      columns,
      sort: options.sort ?? [],
      dialect: 'duckdb',
      escapeFormulas: escapesFormulas(format, options.formulas),
    });
    if (format === 'parquet') {
      const dir = await mkdtemp(join(tmpdir(), 'llano-export-'));
      try {
        await conn.run(
          `COPY (${select}) TO ${quoteLiteral(join(dir, 'export.parquet'))} (FORMAT parquet)`,
          where.params,
        );
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      const stream = streamAndDelete(join(dir, 'export.parquet'));
      stream.on('close', () => void rm(dir, { recursive: true, force: true }));
      return stream;
    }
    // Arrow's library is some 150 modules: the first Arrow export loads it, not the server's start.
    const arrow = format === 'arrow' ? await import('./arrow-export.js') : null;
    const result = await conn.stream(select, where.params);
    // The connection now belongs to the stream: closed when it ends or is destroyed.
    handedOver = true;
    let open = true;
    let started = false;
    const close = () => {
      if (open) conn.closeSync();
      open = false;
    };
    if (format === 'arrow') {
      const stream = arrow!.arrowExport(result, close);
      // A stream destroyed before its first read never runs the generator's `finally`.
      stream.on('close', close);
      return stream;
    }
    const convert = result.columnTypes().map((t) => jsonConverter(String(t)));
    async function* batches(): AsyncGenerator<unknown[][]> {
      started = true;
      try {
        for await (const rows of result.yieldRowsJson()) yield rows.map((r) => r.map((v, i) => convert[i](v)));
      } finally {
        close();
      }
    }
    const stream = textExport(format, result.columnNames(), batches());
    // A stream destroyed before its first read never runs the generator's `finally`.
    stream.on('close', () => {
      if (!started) close();
    });
    return stream;
  } catch (error) {
    throw engineError(error, paths);
  } finally {
    if (!handedOver) conn.closeSync();
  }
}

/** Parquet and files, read by DuckDB itself. */
export const duckdbReader: SourceReader<FileTableSource> = {
  readRows,
  columnStats,
  exportData,
  materialize: (db, source, path, options = {}) =>
    onConnection(db, source, (conn, relation) =>
      copySelectToParquet(
        conn,
        `SELECT * FROM ${relation}${options.limit === undefined ? '' : ` LIMIT ${Math.floor(options.limit)}`}`,
        path,
      ),
    ),
};
