import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import type { DuckDb } from '../../engine/duckdb.js';
import { engineError } from '../../engine/engine-errors.js';
import { copySelectToParquet, describeRelation } from '../../engine/parquet-output.js';
import { interruptible } from '../../engine/query-limits.js';
import { duckdbRelation, type TableSource } from '../../engine/table-source.js';
import type { RecipeContext, RecipeResult, RecipeTarget } from '../recipe-type.js';
import { duckInputs } from '../run-sql.js';
import { orderCodec, readGroupedSeries, type GroupedSeries, type OrderCodec } from './grouped-series.js';

/** The temporary table an analysis writes its per-group results to. */
export const RESULTS_TABLE = 'llano_results';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** What an analysis recipe type supplies: which rows it reads, its per-group work and its output query. */
export interface GroupedAnalysis {
  groupBy: readonly string[];
  orderBy?: string;
  column: string;
  rows: 'valid' | 'all';
  /** Output column names a group key must not take. */
  outputNames: readonly string[];
  /**
   * Runs over every group and writes {@link RESULTS_TABLE}; returns the number of result rows.
   * `relation` is what the series were read from, for a second read of some groups.
   */
  compute(
    conn: DuckDBConnection,
    series: GroupedSeries,
    codec: OrderCodec | undefined,
    relation: string,
  ): Promise<number>;
  /**
   * The output SELECT over the input relation, the groups table (`llano_groups`) and {@link RESULTS_TABLE}.
   * For a {@link byInputRow} analysis the relation has one more column, `row` (see {@link GroupedAnalysis.byInputRow}).
   */
  output(relation: string, codec: OrderCodec | undefined, row: string): string;
  /**
   * Results go back to the input rows by their place: the series then carry each row's place in
   * the scan (GroupedSeries.rowIds), and the output's relation has it in its column `row`, a name
   * no input column has.
   */
  byInputRow?: boolean;
  /** Frees what compute kept for the output query, once that has run (or failed). */
  release?(): void;
  /**
   * The per-group work does not depend on the order of a group's rows: they are read without
   * the ordering column and left unsorted (GroupedRead.unordered), which is quicker.
   */
  unordered?: boolean;
}

/** Rows of a preview: the first groups only, so that a preview of millions of rows stays quick. */
export const PREVIEW_GROUPS = 20;

type Mode =
  | { kind: 'describe' }
  | { kind: 'preview'; limit: number }
  | { kind: 'run'; target: RecipeTarget; onProgress?: (rows: number) => void };

/** Checks the analysis' columns against the input; returns the ordering column's codec and the input's column names. */
async function checkColumns(
  conn: DuckDBConnection,
  relation: string,
  a: GroupedAnalysis,
): Promise<{ codec: OrderCodec | undefined; names: string[] }> {
  const columns = await describeRelation(conn, relation);
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const need = (name: string, role: string) => {
    const type = types.get(name);
    if (type === undefined)
      throw badRequest(`${role} column "${name}" is not in the input; it has ${columns.map((c) => c.name).join(', ')}`);
    return type;
  };
  for (const key of a.groupBy) {
    need(key, 'groupBy');
    if (a.outputNames.includes(key))
      throw badRequest(`groupBy column "${key}" has the name of an output column; rename it in the input first`);
  }
  const valueType = need(a.column, 'value');
  if (!NUMERIC.test(valueType)) throw badRequest(`value column "${a.column}" is ${valueType}, not a number`);
  const codec = a.orderBy === undefined ? undefined : orderCodec(a.orderBy, need(a.orderBy, 'orderBy'));
  return { codec, names: columns.map((c) => c.name) };
}

/** A temporary table of the input rows that describe (none) and preview (those of the first groups) work on. */
const SAMPLE_TABLE = 'llano_input_sample';

async function sampleTable(conn: DuckDBConnection, relation: string, groupBy: readonly string[], groups: number) {
  const keys = groupBy.map(quoteIdent);
  const same = keys.map((k) => `r.${k} IS NOT DISTINCT FROM s.${k}`).join(' AND ');
  const rows =
    groups === 0
      ? `SELECT * FROM ${relation} LIMIT 0`
      : keys.length === 0
        ? `SELECT * FROM ${relation}`
        : `SELECT r.* FROM ${relation} r SEMI JOIN (SELECT DISTINCT ${keys.join(', ')} FROM ${relation} ORDER BY ALL NULLS LAST LIMIT ${groups}) s ON ${same}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${SAMPLE_TABLE} AS ${rows}`);
}

/**
 * How the input is scanned: `read` and, when results go back by position, `rowId` (each row's place
 * in that scan) and `added`, the columns the scan adds to the input's own. Parquet files number their
 * rows themselves (`file_row_number`); other inputs are first copied to a table, whose `rowid` does.
 */
interface InputScan {
  read: string;
  rowId?: string;
  added: string[];
}

async function inputScan(
  conn: DuckDBConnection,
  source: TableSource,
  byInputRow: boolean,
  inputColumns: readonly string[],
): Promise<InputScan> {
  const rows = duckdbRelation(source);
  if (!byInputRow) return { read: rows, added: [] };
  const paths =
    source.kind === 'parquet'
      ? source.paths
      : source.kind === 'file' && source.format === 'parquet'
        ? [source.path]
        : null;
  // DuckDB refuses to add a column a file already has (names compare without case).
  const own = new Set(inputColumns.map((name) => name.toLowerCase()));
  const clash = own.has('file_row_number') || (paths !== null && paths.length > 1 && own.has('filename'));
  if (!paths || clash) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${SAMPLE_TABLE} AS SELECT * FROM ${rows}`);
    return { read: SAMPLE_TABLE, rowId: 'rowid', added: [] };
  }
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  if (paths.length === 1)
    return {
      read: `read_parquet(${list}, file_row_number = true)`,
      rowId: 'file_row_number',
      added: ['file_row_number'],
    };
  // Several files are read one after another: a row's place is the rows of the files before it plus its own.
  const counts = (
    await conn.runAndReadAll(
      `SELECT file_name, sum(row_group_num_rows) FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata(${list})) GROUP BY file_name`,
    )
  ).getRowsJson();
  const rowsIn = new Map(counts.map((r) => [r[0] as string, Number(r[1])]));
  let offset = 0;
  const cases = paths.map((p) => {
    const c = `WHEN ${quoteLiteral(p)} THEN ${offset}`;
    offset += rowsIn.get(p) ?? 0;
    return c;
  });
  return {
    read: `read_parquet(${list}, file_row_number = true, filename = true)`,
    rowId: `file_row_number + CASE filename ${cases.join(' ')} END`,
    added: ['file_row_number', 'filename'],
  };
}

/**
 * What the output query of an analysis reads: the input itself, or for one whose results go back
 * by position ({@link GroupedAnalysis.byInputRow}) the scan that numbered its rows, with that number
 * in column `row` and without the columns the scan added.
 */
function outputRelation(scan: InputScan, input: string, row: string): string {
  if (scan.rowId === undefined) return input;
  const exclude = scan.added.length ? ` EXCLUDE (${scan.added.join(', ')})` : '';
  return `(SELECT *${exclude}, ${scan.rowId} AS ${row} FROM ${scan.read})`;
}

async function analyse(
  conn: DuckDBConnection,
  source: TableSource,
  a: GroupedAnalysis,
  mode: Mode,
  duck: DuckDb,
): Promise<unknown> {
  const input = duckdbRelation(source);
  const { codec, names } = await checkColumns(conn, input, a);
  let scan: InputScan;
  if (mode.kind === 'run') scan = await inputScan(conn, source, a.byInputRow === true, names);
  else {
    await sampleTable(conn, input, a.groupBy, mode.kind === 'describe' ? 0 : PREVIEW_GROUPS);
    scan = { read: SAMPLE_TABLE, rowId: a.byInputRow ? 'rowid' : undefined, added: [] };
  }
  try {
    const series = await readGroupedSeries(conn, {
      relation: scan.read,
      rowId: scan.rowId,
      groupBy: a.groupBy,
      orderBy: a.orderBy === undefined || !codec || a.unordered ? undefined : { column: a.orderBy, codec },
      column: a.column,
      rows: a.rows,
      unordered: a.unordered,
      // Every analysis computes through computeGroups, which sorts each batch as it hands it out.
      deferSort: true,
    });
    await a.compute(conn, series, codec, scan.read);
    // The row number's column takes a name no input column has.
    const row = `llano_row_${randomBytes(4).toString('hex')}`;
    const sql = a.output(outputRelation(scan, mode.kind === 'run' ? input : SAMPLE_TABLE, row), codec, row);
    if (mode.kind === 'describe') return { columns: await describeRelation(conn, `(${sql})`) };
    if (mode.kind === 'preview')
      return await duck.query(`SELECT * FROM (${sql}) LIMIT ${mode.limit + 1}`, undefined, conn);
    if (mode.target.kind !== 'parquet') throw badRequest('An analysis recipe writes a managed (Parquet) dataset');
    mode.onProgress?.(series.values.length);
    return await copySelectToParquet(conn, sql, mode.target.path);
  } finally {
    a.release?.();
  }
}

async function withInput<T>(
  ctx: RecipeContext,
  work: (conn: DuckDBConnection, source: TableSource) => Promise<T>,
): Promise<T> {
  if (ctx.inputs.length !== 1) throw badRequest('An analysis recipe reads exactly one input dataset');
  const { inputs, cleanup } = await duckInputs(ctx);
  try {
    const source = Object.values(inputs)[0];
    return await ctx.duck.withConnection((conn) =>
      interruptible(conn, ctx.limits, () => work(conn, source)).catch((error: unknown) => {
        throw engineError(error);
      }),
    );
  } finally {
    cleanup();
  }
}

/** The output columns, checked against the input without computing anything. */
export function describeGrouped(ctx: RecipeContext, a: GroupedAnalysis) {
  return withInput(ctx, (conn, source) => analyse(conn, source, a, { kind: 'describe' }, ctx.duck)) as Promise<{
    columns: { name: string; type: string }[];
  }>;
}

/** Reads, computes per group and writes the output Parquet file. */
export function runGrouped(ctx: RecipeContext, a: GroupedAnalysis, target: RecipeTarget): Promise<RecipeResult> {
  if (target.kind !== 'parquet')
    throw badRequest(`An analysis recipe writes a managed dataset, not a table of connection ${target.connectionName}`);
  ctx.log(`Analysing ${a.column} per ${a.groupBy.length ? a.groupBy.join(', ') : 'whole input'} in DuckDB`);
  return withInput(ctx, (conn, source) =>
    analyse(conn, source, a, { kind: 'run', target, onProgress: (rows) => ctx.onProgress?.(rows) }, ctx.duck),
  ) as Promise<RecipeResult>;
}

/** The first rows of the output, computed on the first {@link PREVIEW_GROUPS} groups. */
export function previewGrouped(ctx: RecipeContext, a: GroupedAnalysis, limit: number) {
  return withInput(ctx, (conn, source) => analyse(conn, source, a, { kind: 'preview', limit }, ctx.duck)) as Promise<{
    columns: string[];
    types: string[];
    rows: unknown[][];
  }>;
}
