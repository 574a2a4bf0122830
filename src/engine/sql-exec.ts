import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import type { DuckDb } from './duckdb.js';
import { openSandbox, type DuckDbSandbox, type SandboxOptions, type SandboxScope } from './duckdb-sandbox.js';
import { engineError } from './engine-errors.js';
import { interruptible, type QueryLimits } from './query-limits.js';
import { trimSql } from './sql-text.js';
import {
  copySelectToParquet,
  type DatasetColumn,
  type PreparedColumn,
  type ProgressCallback,
} from './parquet-output.js';

export { trimSql } from './sql-text.js';
import type { ColumnInfo } from './table-query.js';
import { duckdbRelation, type TableSource } from './table-source.js';

export interface SelectRecipe {
  /**
   * Dataset name → where its rows are; the SQL refers to each input by that name. Sources of
   * other connections (databases) are materialized to Parquet by their connection type first.
   */
  inputs: Record<string, TableSource>;
  sql: string;
  /** Folders the SQL may read and write (e.g. the project's data); runs of one scope share a sandbox instance. */
  scope?: SandboxScope;
}

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'PIVOT', 'UNPIVOT', '(']);

export function filePaths(source: TableSource): string[] {
  if (source.kind === 'parquet') return source.paths;
  if (source.kind === 'file') return [source.path];
  return [];
}

/**
 * Checks that `sql` is exactly one SELECT (or WITH … SELECT) without parameters and returns
 * its result columns, all without running it: DuckDB parses and binds (prepares) it.
 */
export async function checkSelect(conn: DuckDBConnection, sql: string): Promise<(ColumnInfo & { alias?: string })[]> {
  // DuckDB rewrites some statements (PRAGMA version, SHOW, DESCRIBE) into SELECTs, so the text must start like a query too.
  const start = sql.replace(LEADING_COMMENTS, '');
  const keyword = /^(\(|[A-Za-z]+)/.exec(start)?.[1]?.toUpperCase() ?? '';
  // One round trip when the text is one statement (DuckDB refuses to prepare several at once); counting them otherwise.
  const prepared = await conn.prepare(sql).catch(async (error: unknown) => {
    const statements = await conn.extractStatements(sql);
    if (statements.count !== 1)
      throw badRequest(
        `Recipes, previews and notebook cells run exactly one SELECT statement; this text has ${statements.count}`,
      );
    if (!QUERY_KEYWORDS.has(keyword)) throw notAQuery(keyword, start);
    throw error;
  });
  if (!QUERY_KEYWORDS.has(keyword)) throw notAQuery(keyword, start);
  if (prepared.statementType !== StatementType.SELECT) {
    throw badRequest(
      `Recipes, previews and notebook cells run SELECT queries only; ${StatementType[prepared.statementType] ?? 'these'} statements are not allowed`,
    );
  }
  if (prepared.parameterCount > 0)
    throw badRequest('This SQL cannot have parameters ($1, ?): recipes, previews and notebook cells run it as written');
  const columns = Array.from({ length: prepared.columnCount }, (_, i) => ({
    name: prepared.columnName(i),
    type: String(prepared.columnType(i)),
    alias: prepared.columnType(i).alias,
  }));
  // A pooled connection outlives the run: its statements would pile up until it closes.
  prepared.destroySync();
  return columns;
}

/**
 * Whether `sql` can be described in the call that creates its input views instead of being
 * prepared on its own (one engine round trip less per run). Only a text that cannot be more than
 * one statement (no `;` at all, even quoted) and starts like a plain query: `DESCRIBE` then
 * accepts exactly what `checkSelect` accepts, except PIVOT (whose dynamic form runs several
 * statements, which DESCRIBE allows and a prepared statement refuses) and parameters (DESCRIBE
 * fails: such a text takes the prepared path, which words the error).
 */
export function describableInOneCall(sql: string): boolean {
  if (sql.includes(';') || /pivot/i.test(sql)) return false;
  const keyword = /^(\(|[A-Za-z]+)/.exec(sql.replace(LEADING_COMMENTS, ''))?.[1]?.toUpperCase() ?? '';
  return DESCRIBABLE_KEYWORDS.has(keyword);
}

const DESCRIBABLE_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', '(']);

function notAQuery(keyword: string, start: string) {
  return badRequest(
    `Recipes, previews and notebook cells run SELECT queries only; this text cannot start with ${keyword || JSON.stringify(start.slice(0, 10))}`,
  );
}

/** The sandbox of a run, with views named after its inputs (created by the sandbox, in one call with the drop of the last run's). */
function openWithInputViews(
  db: DuckDb,
  parentDir: string,
  inputs: Record<string, TableSource>,
  options: Omit<SandboxOptions, 'views'>,
) {
  const views: Record<string, string> = {};
  for (const [name, source] of Object.entries(inputs)) views[name] = duckdbRelation(source);
  return openSandbox(db, parentDir, Object.values(inputs).flatMap(filePaths), { ...options, views });
}

/**
 * Validates a SQL recipe without running it and returns its output columns. The SQL runs in a
 * sandbox (see `openSandbox`): it can read its inputs and nothing else, so `read_csv('/etc/…')`,
 * `FROM 'file.parquet'`, `glob()`, `ATTACH` fail with a permission error (400).
 */
export async function describeSelect(db: DuckDb, recipe: SelectRecipe): Promise<{ columns: ColumnInfo[] }> {
  const sql = trimSql(recipe.sql);
  const allowed = Object.values(recipe.inputs).flatMap(filePaths);
  const sandbox = await openWithInputViews(db, db.sandboxes.dir, recipe.inputs, { scope: recipe.scope }).catch(
    (error: unknown) => Promise.reject(engineError(error, allowed)),
  );
  let failed = true;
  try {
    const columns = (await checkSelect(sandbox.conn, sql)).map(({ name, type }) => ({ name, type }));
    failed = false;
    return { columns };
  } catch (error) {
    throw engineError(error, allowed);
  } finally {
    await sandbox.close({ discard: failed });
  }
}

/**
 * The COPY of a checked SELECT into the recipe's output (through a temporary file in the
 * sandbox's folder), within the recipe's limits, telling its progress.
 */
export async function copyCheckedSelect(
  sandbox: DuckDbSandbox,
  sql: string,
  recipe: { outputPath: string; onProgress?: ProgressCallback; limits?: QueryLimits },
  columns: PreparedColumn[],
): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }> {
  const tempPath = join(sandbox.workDir, 'output.parquet');
  recipe.onProgress?.({ phase: 'start', percent: 0 });
  try {
    const result = await interruptible(sandbox.conn, recipe.limits, () =>
      copySelectToParquet(sandbox.conn, `\n${sql}\n`, recipe.outputPath, {
        onProgress: recipe.onProgress,
        tempPath,
        columns,
      }),
    );
    recipe.onProgress?.({ phase: 'done', percent: 100, rows: result.rowCount });
    return result;
  } finally {
    // A pooled sandbox keeps its work folder for the next run: an interrupted output must not stay in it.
    rmSync(tempPath, { force: true });
  }
}

/**
 * Runs a SQL recipe into a Parquet file: in a sandboxed DuckDB, views named after the inputs,
 * then `COPY (sql) TO <temp> (FORMAT parquet)` and a rename into `outputPath`.
 */
export async function executeSelectToParquet(
  db: DuckDb,
  recipe: SelectRecipe & { outputPath: string; onProgress?: ProgressCallback; limits?: QueryLimits },
): Promise<{ rowCount: number; columns: DatasetColumn[]; contentHash: string }> {
  const sql = trimSql(recipe.sql);
  // The sandbox creates its folder and the COPY the output's.
  const outputDir = dirname(recipe.outputPath);
  const files = Object.values(recipe.inputs).flatMap(filePaths);
  const sandbox = await openWithInputViews(db, outputDir, recipe.inputs, {
    trackProgress: recipe.onProgress !== undefined,
    scope: recipe.scope,
    describe: describableInOneCall(sql) ? sql : undefined,
  }).catch((error: unknown) => Promise.reject(engineError(error, [...files, recipe.outputPath])));
  let failed = true;
  try {
    const columns = sandbox.described ?? (await checkSelect(sandbox.conn, sql));
    const result = await copyCheckedSelect(sandbox, sql, recipe, columns);
    failed = false;
    return result;
  } catch (error) {
    throw engineError(error, [...files, recipe.outputPath, sandbox.workDir]);
  } finally {
    // A failed or interrupted run does not hand its connection to the next one.
    await sandbox.close({ discard: failed });
  }
}
