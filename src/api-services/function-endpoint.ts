import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../common/errors.js';
import { sha256 } from '../common/ids.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { sandboxLimits, sandboxPool } from '../sandbox/index.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ExecuteContext } from './execute.js';
import { compiledSql, datasetsNamed, runSqlEndpoint } from './sql-endpoint.js';
import type { ApiParameter, FunctionEndpoint, SqlEndpoint } from './types.js';

/** A function call taking longer than this or LLANO_QUERY_TIMEOUT_SECONDS is stopped (its process restarts on the next call). */
export const FUNCTION_TIMEOUT_MS = 30_000;
/** A function's process stops after this long without calls. */
const IDLE_SECONDS = 300;

/** `llano.sql(query, params)` of a function: the same bound parameters as a SQL endpoint, types read off the values. */
async function hostSql(ws: Workspace, ctx: ExecuteContext, endpointId: string, query: unknown, params: unknown) {
  if (typeof query !== 'string') throw badRequest('llano.sql(query, params): query is a string');
  const values = (params ?? {}) as Record<string, unknown>;
  if (typeof values !== 'object' || Array.isArray(values))
    throw badRequest('llano.sql(query, params): params is an object of :name values');
  const parameters: ApiParameter[] = Object.entries(values).map(([name, v]) => ({
    name,
    type:
      typeof v === 'boolean'
        ? 'boolean'
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? 'integer'
            : 'number'
          : 'string',
  }));
  const endpoint: SqlEndpoint = { id: endpointId, type: 'sql-query', sql: query, parameters, maxRows: 10_000 };
  const datasets = (await ws.catalog.objects.list(ctx.projectKey, DATASET_KIND)).map((d) => d.name);
  const inputs = datasetsNamed(compiledSql(endpoint).words, datasets);
  // No signal: the process (and this callback) outlives the call that started it.
  return runSqlEndpoint(ws, ctx.projectKey, endpoint, await ctx.sources(inputs), values);
}

/**
 * Runs `handler(body, llano)` of a TypeScript function endpoint in the shared code sandbox
 * (src/sandbox): a child process with the workspace's code limits, kept per code version in
 * the sandbox pool. Its folder is the endpoint's own; `llano.sql` reads the project's datasets.
 */
export async function runFunctionEndpoint(
  ws: Workspace,
  endpoint: FunctionEndpoint,
  body: unknown,
  ctx: ExecuteContext,
): Promise<unknown> {
  const hash = sha256(endpoint.code).slice(0, 16);
  const workDir = path.join(
    ws.config.home,
    'data',
    ctx.projectKey,
    '.api-services',
    ctx.service,
    `${endpoint.id}-${hash}`,
  );
  const entry = path.join(workDir, 'handler.ts');
  if (!existsSync(entry)) {
    mkdirSync(workDir, { recursive: true });
    writeFileSync(entry, endpoint.code);
  }
  const key = `api-service:${ctx.projectKey}/${ctx.service}/${endpoint.id}/${hash}`;
  return sandboxPool(ws).call(
    key,
    () => ({
      language: 'typescript',
      entry,
      workDir,
      limits: sandboxLimits(ws),
      host: { sql: (query: unknown, params: unknown) => hostSql(ws, ctx, endpoint.id, query, params) },
    }),
    'handler',
    [body],
    { timeoutMs: Math.min(FUNCTION_TIMEOUT_MS, ws.config.queryTimeoutSeconds * 1000), idleSeconds: IDLE_SECONDS },
  );
}
