import { z } from 'zod';
import type { Principal } from '../../catalog/access.js';
import { badRequest } from '../../common/errors.js';
import { assertObjectName } from '../../common/names.js';
import { parseOr400 } from '../../common/parse.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  currentVenvState,
  frozenPackages,
  readyVenv,
  removeVenv,
  venvBuilding,
  venvHash,
  type VenvRequest,
} from './python-venvs.js';
import { revisionStamp } from '../../catalog/object-stamp.js';

/**
 * Code environments of a project: which interpreter and which packages a code recipe runs with.
 * By default an environment is "from the machine": the interpreter the sandbox finds
 * (LLANO_PYTHON or /usr/bin/python3, Rscript, this Node) with the packages installed there; an
 * environment names the packages whose versions each run records (in the output version's
 * lineage), so a result can be traced to what computed it. A Python environment may instead ask
 * for a virtual environment of its own (`python.venv`, see python-venvs.ts), built from its
 * requirements; then the venv's `pip freeze` is recorded. renv for R is not offered: the machine
 * has no R package repository (and Debian has no r-cran-renv).
 */
export const ENVIRONMENT_KIND = 'code-environment';
export const CODE_LANGUAGES = ['typescript', 'python', 'r'] as const;
export type CodeRecipeLanguage = (typeof CODE_LANGUAGES)[number];

/** `name`, `name[extra]`, with optional version specifiers (`==1.0`, `>=2,<3`): never a pip option. */
const REQUIREMENT =
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(\[[A-Za-z0-9._,-]{1,100}\])?(\s*(==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]{1,50}(\s*,\s*(==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]{1,50})*)?$/;

export const CodeEnvironmentSchema = z
  .object({
    name: z.string(),
    language: z.enum(CODE_LANGUAGES),
    /** Only "machine" for now: the interpreter found on the machine. */
    source: z.literal('machine').default('machine'),
    packages: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'packages: names of installed packages'))
      .max(500)
      .default([]),
    description: z.string().max(10_000).optional(),
    python: z
      .object({
        venv: z.boolean().default(false),
        requirements: z
          .array(z.string().trim().regex(REQUIREMENT, 'a package with an optional version, e.g. pkg==1.0'))
          .max(500)
          .default([]),
      })
      .strict()
      .optional()
      .describe(
        'A virtual environment of the project, built with pip from LLANO_PIP_FIND_LINKS or LLANO_PIP_INDEX_URL',
      ),
  })
  .refine((env) => env.python === undefined || env.language === 'python', {
    message: 'python: only a Python environment has a virtual environment',
    path: ['python'],
  });
export type CodeEnvironment = z.output<typeof CodeEnvironmentSchema>;

function info(
  ws: Workspace,
  projectKey: string,
  stored: { body: CodeEnvironment; revision: number; updatedAt: string; updatedBy: string },
) {
  const venv = venvRequest(projectKey, stored.body);
  return {
    ...stored.body,
    ...(venv ? { venv: venvStatus(ws, venv) } : {}),
    ...revisionStamp(stored),
  };
}

/** The build request of an environment that runs in a venv of its own; null for one of the machine. */
export function venvRequest(projectKey: string, env: CodeEnvironment): VenvRequest | null {
  return env.python?.venv ? { projectKey, name: env.name, requirements: env.python.requirements } : null;
}

/** Where the environment's venv stands: built from its current requirements (ready or failed), building, or to build. */
export function venvStatus(ws: Workspace, request: VenvRequest) {
  const state = currentVenvState(ws, request);
  const status = venvBuilding(ws, request) ? 'building' : (state?.status ?? 'not built');
  return {
    status,
    hash: venvHash(ws, request.requirements),
    ...(state?.frozen ? { packages: state.frozen } : {}),
    ...(state?.error ? { error: state.error } : {}),
    ...(state ? { builtAt: state.builtAt } : {}),
  };
}

export async function listCodeEnvironments(ws: Workspace, principal: Principal, projectKey: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<CodeEnvironment>(projectKey, ENVIRONMENT_KIND)).map((e) =>
    info(ws, projectKey, e),
  );
}

export async function getCodeEnvironment(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(ws, projectKey, await ws.catalog.objects.require<CodeEnvironment>(projectKey, ENVIRONMENT_KIND, name));
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
  return info(ws, projectKey, stored);
}

export async function deleteCodeEnvironment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: ENVIRONMENT_KIND, name, author: principal.username });
  removeVenv(ws, projectKey, name);
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

/**
 * The interpreter code of the environment runs with: its venv's (built first when missing or out
 * of date, `log` receiving pip's output; a failed build throws its error), or undefined for the
 * machine's. `packages`: the venv's `pip freeze`, for the lineage.
 */
export async function environmentInterpreter(
  ws: Workspace,
  projectKey: string,
  env: CodeEnvironment,
  log: (line: string) => void,
): Promise<{ python?: string; packages?: Record<string, string | null> }> {
  const request = venvRequest(projectKey, env);
  if (!request) return {};
  const state = await readyVenv(ws, request, log);
  return { python: state.python, packages: frozenPackages(state.frozen ?? []) };
}

/** The named Python environment of a notebook or webapp (none: the machine's), checked like a recipe's. */
export async function namedPythonInterpreter(
  ws: Workspace,
  projectKey: string,
  name: string | undefined,
  log: (line: string) => void,
): Promise<string | undefined> {
  if (name === undefined) return undefined;
  return (await environmentInterpreter(ws, projectKey, await recipeEnvironment(ws, projectKey, 'python', name), log))
    .python;
}
