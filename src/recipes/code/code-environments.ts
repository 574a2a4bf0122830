import { z } from 'zod';
import type { Principal } from '../../catalog/access.js';
import { badRequest } from '../../common/errors.js';
import { assertObjectName } from '../../common/names.js';
import { parseOr400 } from '../../common/parse.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * Code environments of a project: which interpreter and which packages a code recipe runs with.
 * Environments are "from the machine": the interpreter the sandbox finds (LLANO_PYTHON or
 * /usr/bin/python3, Rscript, this Node) with the packages installed there; an environment names
 * the packages whose versions each run records (in the output version's lineage), so a result
 * can be traced to what computed it. Per-project virtual environments (pip/renv) are not built:
 * the machine has no package index to install from.
 */
export const ENVIRONMENT_KIND = 'code-environment';
export const CODE_LANGUAGES = ['typescript', 'python', 'r'] as const;
export type CodeRecipeLanguage = (typeof CODE_LANGUAGES)[number];

export const CodeEnvironmentSchema = z.object({
  name: z.string(),
  language: z.enum(CODE_LANGUAGES),
  /** Only "machine" for now: the interpreter found on the machine. */
  source: z.literal('machine').default('machine'),
  packages: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'packages: names of installed packages'))
    .max(500)
    .default([]),
  description: z.string().max(10_000).optional(),
});
export type CodeEnvironment = z.output<typeof CodeEnvironmentSchema>;

function info(stored: { body: CodeEnvironment; revision: number; updatedAt: string; updatedBy: string }) {
  return { ...stored.body, revision: stored.revision, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
}

export async function listCodeEnvironments(ws: Workspace, principal: Principal, projectKey: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<CodeEnvironment>(projectKey, ENVIRONMENT_KIND)).map(info);
}

export async function getCodeEnvironment(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(await ws.catalog.objects.require<CodeEnvironment>(projectKey, ENVIRONMENT_KIND, name));
}

export async function saveCodeEnvironment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
) {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const env = parseOr400(CodeEnvironmentSchema, input, 'code environment');
  assertObjectName(env.name, 'environment name');
  const stored = await ws.catalog.objects.put({
    projectKey,
    kind: ENVIRONMENT_KIND,
    name: env.name,
    body: env,
    author: principal.username,
    ...options,
  });
  await ws.catalog.projects.touch(projectKey);
  return info(stored);
}

export async function deleteCodeEnvironment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: ENVIRONMENT_KIND, name, author: principal.username });
}

/** The environment a recipe names (checked against its language), or the machine's default one. */
export async function recipeEnvironment(
  ws: Workspace,
  projectKey: string,
  language: CodeRecipeLanguage,
  name: string | undefined,
): Promise<CodeEnvironment> {
  if (name === undefined) return { name: 'machine', language, source: 'machine', packages: [] };
  const stored = await ws.catalog.objects.get<CodeEnvironment>(projectKey, ENVIRONMENT_KIND, name);
  if (!stored) throw badRequest(`environment: no code environment ${name} in project ${projectKey}`);
  if (stored.body.language !== language)
    throw badRequest(`environment: ${name} is a ${stored.body.language} environment, not ${language}`);
  return stored.body;
}
