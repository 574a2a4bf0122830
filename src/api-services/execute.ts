import { badRequest, conflict } from '../common/errors.js';
import { bigintsAsNumbers } from '../common/exact-json.js';
import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { runAnalyticsEndpoint } from './analytics-endpoint.js';
import { runFunctionEndpoint } from './function-endpoint.js';
import { answerLookup, lookupIndex } from './lookup-index.js';
import { checkNumbersInRange } from './out-of-range-numbers.js';
import { runSqlEndpoint } from './sql-endpoint.js';
import type { DeployedEndpoint } from './types.js';

export interface ExecuteContext {
  projectKey: string;
  service: string;
  /** The deployed version, or null for a test of the saved (undeployed) definition. */
  version: number | null;
  /** Where the datasets of a SQL endpoint are now (the runtime caches this briefly). */
  sources: (inputs: string[]) => Promise<Record<string, TableSource>>;
  signal?: AbortSignal;
}

/** Answers one call of one endpoint; a LlanoError (4xx) for bad input. */
export async function executeEndpoint(
  ws: Workspace,
  endpoint: DeployedEndpoint,
  body: unknown,
  ctx: ExecuteContext,
): Promise<unknown> {
  checkNumbersInRange(body);
  // An integer past ±2^53 reaches SQL exactly (a bigint bound as BIGINT); the other endpoint
  // types compute with doubles, as before.
  if (endpoint.type === 'sql-query')
    return runSqlEndpoint(ws, ctx.projectKey, endpoint, await ctx.sources(endpoint.inputs ?? []), body, ctx.signal);
  body = bigintsAsNumbers(body);
  switch (endpoint.type) {
    case 'lookup': {
      if (!endpoint.datasetVersion) throw conflict(`endpoint ${endpoint.id}: the lookup has no data version`);
      const index = await lookupIndex(ws, ctx.projectKey, endpoint, endpoint.datasetVersion);
      return answerLookup(endpoint, index, body);
    }
    case 'analytics':
      return runAnalyticsEndpoint(endpoint, body);
    case 'typescript-function':
      return runFunctionEndpoint(ws, endpoint, body, ctx);
    default:
      throw badRequest(`Unknown endpoint type ${(endpoint as { type: string }).type}`);
  }
}
