import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';

/** Project variables: one versioned object per project, a map name → JSON value. */
export const VARIABLES_KIND = 'variables';
const NAME = 'project';

export const VariableValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const VariablesSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'variable names: letters, digits, _ . -'),
  VariableValueSchema,
);
export type Variables = z.infer<typeof VariablesSchema>;

export async function getVariables(ws: Workspace, principal: Principal, projectKey: string): Promise<Variables> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.get<Variables>(projectKey, VARIABLES_KIND, NAME))?.body ?? {};
}

/** Replaces the whole map (writer); also the saver used when reverting history. */
export async function saveVariables(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
): Promise<Variables> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const variables = parseOr400(VariablesSchema, input, 'variables');
  await ws.catalog.objects.put({
    projectKey,
    kind: VARIABLES_KIND,
    name: NAME,
    body: variables,
    author: principal.username,
  });
  return variables;
}

/** Sets one variable in a transaction, so two scenarios setting different variables do not lose either. */
export async function setVariable(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  value: z.infer<typeof VariableValueSchema>,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  parseOr400(VariablesSchema, { [name]: value }, 'variable');
  await ws.catalog.db.transaction().execute(async (trx) => {
    const current = (await ws.catalog.objects.get<Variables>(projectKey, VARIABLES_KIND, NAME, trx))?.body ?? {};
    await ws.catalog.objects.putIn(trx, {
      projectKey,
      kind: VARIABLES_KIND,
      name: NAME,
      body: { ...current, [name]: value },
      author: principal.username,
    });
  });
}
