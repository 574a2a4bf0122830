import { LlanoError } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ExecuteContext } from './execute.js';
import type { FunctionEndpoint } from './types.js';

/** TypeScript function endpoints run in the shared code sandbox (src/sandbox), which this branch does not have yet. */
export function runFunctionEndpoint(
  _ws: Workspace,
  endpoint: FunctionEndpoint,
  _body: unknown,
  _ctx: ExecuteContext,
): Promise<unknown> {
  return Promise.reject(
    new LlanoError(
      'not_available',
      501,
      `endpoint ${endpoint.id}: TypeScript function endpoints need the code sandbox`,
    ),
  );
}
