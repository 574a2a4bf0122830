import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { resolveSource } from '../datasets/datasets.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { openSandbox } from '../engine/duckdb-sandbox.js';
import { engineError } from '../engine/engine-errors.js';
import { interruptible } from '../engine/query-limits.js';
import { describeSelect, trimSql } from '../engine/sql-exec.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import type { TableColumn } from './notebook-types.js';

export interface SqlRows {
  columns: TableColumn[];
  rows: unknown[][];
  /** Rows of the whole result, `rows` being its first ones. */
  total: number;
}

/**
 * The project's datasets the SQL names (as words), with data Llano can read: a cell does not
 * list its inputs like a recipe, so every readable dataset it mentions becomes a view. One
 * mentioned by chance (a column of the same name) costs a view and nothing else.
 */
async function mentionedDatasets(ws: Workspace, projectKey: string, sql: string) {
  const words = new Set((sql.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()));
  const inputs: Record<string, TableSource> = {};
  for (const d of await ws.catalog.objects.list(projectKey, DATASET_KIND)) {
    if (!words.has(d.name.toLowerCase())) continue;
    const { source } = await resolveSource(ws, projectKey, d.name).catch(() => ({ source: null }));
    if (!source || source.kind === 'external' || (source.kind === 'parquet' && source.paths.length === 0)) continue;
    inputs[d.name] = source;
  }
  return inputs;
}

/**
 * Runs one SELECT over the project's datasets the way a SQL recipe preview does: checked by
 * `describeSelect` (one SELECT, nothing but its inputs readable), then run in a locked-down
 * DuckDB sandbox, taking its turn among user queries (LLANO_MAX_USER_QUERIES) and stopped after
 * LLANO_QUERY_TIMEOUT_SECONDS or when `signal` aborts. Answers the first `limit` rows and the
 * total (counted by a second query only when there are more). Engine errors are 400s.
 */
export async function runProjectSql(
  ws: Workspace,
  projectKey: string,
  query: string,
  options: { limit: number; signal?: AbortSignal; /** Whose query (a user id): see QueryGate. */ owner?: string },
): Promise<SqlRows> {
  const sql = trimSql(query);
  if (!sql) throw badRequest('The SQL is empty');
  const inputs = await mentionedDatasets(ws, projectKey, sql);
  const allowed = Object.values(inputs).flatMap((s) =>
    s.kind === 'parquet' ? s.paths : s.kind === 'file' ? [s.path] : [],
  );
  const limits = {
    timeoutMs: ws.config.queryTimeoutSeconds * 1000,
    setting: 'LLANO_QUERY_TIMEOUT_SECONDS',
    signal: options.signal,
  };
  const release = await ws.duck.gates.userSql.acquire({
    signal: options.signal,
    owner: options.owner,
    maxWaitMs: limits.timeoutMs,
  });
  try {
    const { columns } = await describeSelect(ws.duck, { inputs, sql });
    const sandbox = await openSandbox(ws.duck, ws.duck.sandboxes.dir, allowed);
    try {
      for (const [name, source] of Object.entries(inputs))
        await sandbox.conn.run(`CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${duckdbRelation(source)}`);
      return await interruptible(sandbox.conn, limits, async () => {
        const result = await ws.duck.query(
          `SELECT * FROM (\n${sql}\n) AS llano_cell LIMIT ${options.limit + 1}`,
          undefined,
          sandbox.conn,
        );
        let total = result.rows.length;
        if (total > options.limit) {
          const count = await ws.duck.query(`SELECT count(*) FROM (\n${sql}\n) AS llano_cell`, undefined, sandbox.conn);
          total = Number(count.rows[0][0]);
        }
        return { columns, rows: result.rows.slice(0, options.limit), total };
      });
    } catch (error) {
      throw engineError(error, allowed);
    } finally {
      await sandbox.close();
    }
  } finally {
    release();
  }
}
