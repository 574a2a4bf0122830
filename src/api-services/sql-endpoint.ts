import path from 'node:path';
import { StatementType, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { resolveSource } from '../datasets/datasets.js';
import { openSandbox, type SandboxScope } from '../engine/duckdb-sandbox.js';
import { engineError } from '../engine/engine-errors.js';
import { interruptible } from '../engine/query-limits.js';
import { trimSql } from '../engine/sql-text.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { bindValues, parameterise, type BoundValue } from './sql-params.js';
import { jsonRows } from './json-rows.js';
import { discard, preparedStatements, type ReadyStatement } from './prepared-sql.js';
import type { SqlEndpoint } from './types.js';

export const DEFAULT_SQL_ROWS = 1_000;

export interface SqlAnswer {
  columns: string[];
  rows: Record<string, unknown>[];
  /** More rows matched than the endpoint answers (`maxRows`). */
  truncated: boolean;
}

/** The SQL of an endpoint as run: `$i` placeholders, wrapped so at most maxRows + 1 rows come back. */
export function compiledSql(endpoint: SqlEndpoint): { sql: string; order: string[]; words: string[] } {
  const types = Object.fromEntries(endpoint.parameters.map((p) => [p.name, p.type]));
  const { sql, order, words } = parameterise(trimSql(endpoint.sql), types);
  const limit = (endpoint.maxRows ?? DEFAULT_SQL_ROWS) + 1;
  return { sql: `SELECT * FROM (\n${sql}\n) LIMIT ${limit}`, order, words };
}

/** The project datasets a query names (its bare or quoted words that are dataset names). */
export function datasetsNamed(words: string[], datasets: Iterable<string>): string[] {
  const named = new Set(words);
  return [...datasets].filter((d) => named.has(d)).sort();
}

function bind(prepared: DuckDBPreparedStatement, values: BoundValue[]): void {
  values.forEach((v, i) => {
    const at = i + 1;
    if (v.kind === 'string') prepared.bindVarchar(at, v.value);
    else if (v.kind === 'integer') prepared.bindBigInt(at, v.value);
    else if (v.kind === 'number') prepared.bindDouble(at, v.value);
    else if (v.kind === 'boolean') prepared.bindBoolean(at, v.value);
    else prepared.bindNull(at);
  });
}

/** Where each input's rows are now; a caller may cache this briefly (see runtime.ts). */
export async function resolveInputs(
  ws: Workspace,
  projectKey: string,
  inputs: string[],
): Promise<Record<string, TableSource>> {
  const sources: Record<string, TableSource> = {};
  for (const name of inputs) sources[name] = (await resolveSource(ws, projectKey, name)).source;
  return sources;
}

/**
 * Runs a SQL endpoint in the project's DuckDB sandbox (it reads the project's data folder and
 * nothing else): views named after its input datasets, the statement prepared, the call's
 * values bound as parameters. With `body` undefined it is only prepared (deploy checks it).
 */
export async function runSqlEndpoint(
  ws: Workspace,
  projectKey: string,
  endpoint: SqlEndpoint,
  sources: Record<string, TableSource>,
  body: unknown,
  signal?: AbortSignal,
): Promise<SqlAnswer> {
  const { sql, order } = compiledSql(endpoint);
  const values = body === undefined ? null : bindValues(endpoint.parameters, order, body);
  const relations = Object.entries(sources).map(([name, source]) => {
    if (source.kind === 'external')
      throw badRequest(
        `Dataset ${name} is a table of a database connection: a SQL endpoint reads managed and file datasets`,
      );
    return [name, duckdbRelation(source)] as const;
  });
  const root = path.join(ws.config.home, 'data', projectKey);
  const scope = { roots: [root], scratchDir: path.join(root, '.scratch') };
  const files = Object.values(sources).flatMap((s) =>
    s.kind === 'parquet' ? s.paths : s.kind === 'file' ? [s.path] : [],
  );
  const limits = { timeoutMs: ws.config.queryTimeoutSeconds * 1000, setting: 'LLANO_QUERY_TIMEOUT_SECONDS', signal };
  const key = JSON.stringify([projectKey, sql, relations]);
  const statements = preparedStatements(ws);
  // Owned by the endpoint: a hammered endpoint leaves a place to users and other endpoints.
  const turn = { signal, owner: `endpoint:${projectKey}/${endpoint.id}`, maxWaitMs: limits.timeoutMs };
  return ws.duck.gates.userSql.run(turn, async () => {
    let ready = statements.take(key);
    let reusable = false;
    try {
      ready ??= await prepareStatement(ws, scope, files, relations, sql);
      if (ready.prepared.statementType !== StatementType.SELECT)
        throw badRequest(`endpoint ${endpoint.id}: the SQL of an endpoint is one SELECT query`);
      reusable = true;
      if (!values) return { columns: [], rows: [], truncated: false };
      ready.prepared.clearBindings();
      bind(ready.prepared, values);
      // An interrupted or failed run may leave the connection mid-statement: it is not kept.
      reusable = false;
      const { conn } = ready.sandbox;
      const reader = await interruptible(conn, limits, () => ready!.prepared.runAndReadAll());
      reusable = true;
      const rows = jsonRows(reader);
      const max = endpoint.maxRows ?? DEFAULT_SQL_ROWS;
      return { columns: reader.columnNames(), rows: rows.slice(0, max), truncated: rows.length > max };
    } catch (error) {
      throw engineError(error, files, `endpoint ${endpoint.id}: `);
    } finally {
      if (ready) {
        if (reusable) statements.keep(key, ready);
        else discard(ready);
      }
    }
  });
}

/** Opens a sandbox on the endpoint's inputs and prepares its statement there. */
async function prepareStatement(
  ws: Workspace,
  scope: SandboxScope,
  files: string[],
  relations: (readonly [string, string])[],
  sql: string,
): Promise<ReadyStatement> {
  const sandbox = await openSandbox(ws.duck, scope.scratchDir, files, { scope });
  const views = relations.map(([name]) => name);
  try {
    if (relations.length)
      await sandbox.conn.run(
        relations.map(([name, rel]) => `CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${rel}`).join(';\n'),
      );
    return { sandbox, views, prepared: await sandbox.conn.prepare(sql), idleSince: Date.now() };
  } catch (error) {
    await sandbox.close({ tempViews: views });
    throw error;
  }
}
