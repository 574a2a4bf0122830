import { z } from 'zod';
import type { Principal } from '../../catalog/access.js';
import { badRequest } from '../../common/errors.js';
import { assertObjectName } from '../../common/names.js';
import { parseOr400 } from '../../common/parse.js';
import { revisionStamp } from '../../catalog/object-stamp.js';
import { interpreterPath, isInterpreterCandidate, machineInterpreters } from '../../sandbox/index.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  currentPackagesState,
  frozenPackages,
  packagesBuilding,
  packagesHash,
  readyPackages,
  removePackages,
  type PackagesRequest,
  type PackagesState,
} from './package-builds.js';
import { R_REQUIREMENT } from './r-libraries.js';

/**
 * Code environments of a project: which interpreter and which packages a code recipe runs with.
 * By default an environment is "from the machine": the interpreter the sandbox finds
 * (LLANO_PYTHON or /usr/bin/python3, Rscript, this Node) with the packages installed there. It may
 * name another interpreter of the machine (`interpreter`: one `GET /api/code-interpreters` lists,
 * never any path a user types), and it names the packages whose versions each run records (in the
 * output version's lineage, with the interpreter's path and version), so a result can be traced
 * to what computed it. A Python environment may ask for a virtual environment of its own
 * (`python.venv`, python-venvs.ts), an R one for a library of its own (`r.library`,
 * r-libraries.ts), built from its requirements; then what was installed there is recorded.
 *
 * Why not renv for R: renv is itself a CRAN package (Debian has no r-cran-renv, and the machine
 * may have no CRAN access), and what it adds — a lockfile, a package cache shared between
 * projects, restoring from snapshots — Llano already keeps its own way (the environment's
 * revisions, the installed versions in each run's lineage). A library folder filled by base R's
 * install.packages from LLANO_R_REPOS needs nothing beyond R and works offline from a file://
 * repository, as a Python venv does from a wheel folder.
 */
export const ENVIRONMENT_KIND = 'code-environment';
export const CODE_LANGUAGES = ['typescript', 'python', 'r'] as const;
export type CodeRecipeLanguage = (typeof CODE_LANGUAGES)[number];

/** `name`, `name[extra]`, with optional version specifiers (`==1.0`, `>=2,<3`): never a pip option. */
const PIP_REQUIREMENT =
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
          .array(z.string().trim().regex(PIP_REQUIREMENT, 'a package with an optional version, e.g. pkg==1.0'))
          .max(500)
          .default([]),
      })
      .strict()
      .optional()
      .describe(
        'A virtual environment of the project, built with pip from LLANO_PIP_FIND_LINKS or LLANO_PIP_INDEX_URL',
      ),
    r: z
      .object({
        library: z.boolean().default(false),
        requirements: z
          .array(z.string().trim().regex(R_REQUIREMENT, 'an R package with an optional version, e.g. pkg or pkg>=1.0'))
          .max(500)
          .default([]),
      })
      .strict()
      .optional()
      .describe('An R library of the project, built with install.packages from LLANO_R_REPOS'),
    interpreter: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe('An interpreter of the machine, as GET /api/code-interpreters lists it; unset: the default one'),
  })
  .refine((env) => env.python === undefined || env.language === 'python', {
    message: 'python: only a Python environment has a virtual environment',
    path: ['python'],
  })
  .refine((env) => env.r === undefined || env.language === 'r', {
    message: 'r: only an R environment has an R library',
    path: ['r'],
  });
export type CodeEnvironment = z.output<typeof CodeEnvironmentSchema>;

function info(
  ws: Workspace,
  projectKey: string,
  stored: { body: CodeEnvironment; revision: number; updatedAt: string; updatedBy: string },
) {
  const request = packagesRequest(projectKey, stored.body);
  return {
    ...stored.body,
    // Python: `venv`; R: `library`; the same fields.
    ...(request ? { [request.language === 'python' ? 'venv' : 'library']: packagesStatus(ws, request) } : {}),
    ...revisionStamp(stored),
  };
}

/** The build request of an environment with packages of its own (a venv, an R library); null for one of the machine. */
export function packagesRequest(projectKey: string, env: CodeEnvironment): PackagesRequest | null {
  const base = { projectKey, name: env.name, ...(env.interpreter ? { interpreter: env.interpreter } : {}) };
  if (env.python?.venv) return { ...base, language: 'python', requirements: env.python.requirements };
  if (env.r?.library) return { ...base, language: 'r', requirements: env.r.requirements };
  return null;
}

/** Where the environment's packages stand: built from its current requirements (ready or failed), building, or to build. */
export function packagesStatus(ws: Workspace, request: PackagesRequest) {
  const state = currentPackagesState(ws, request);
  const status = packagesBuilding(ws, request) ? 'building' : (state?.status ?? 'not built');
  return {
    status,
    hash: packagesHash(ws, request),
    ...(state?.frozen ? { packages: state.frozen } : {}),
    ...(state?.error ? { error: state.error } : {}),
    ...(state ? { builtAt: state.builtAt } : {}),
  };
}

/** The interpreters of the machine an environment may name (LLANO_PYTHON_INTERPRETERS adds Pythons). */
const discoveryOptions = (ws: Workspace) => ({ python: ws.config.python, extraPython: ws.config.pythonInterpreters });

export function listInterpreters(ws: Workspace) {
  return machineInterpreters(discoveryOptions(ws));
}

/** The environment's interpreter when it is one the machine has, for its language; else a 400 that lists them. */
async function checkInterpreter(ws: Workspace, env: CodeEnvironment): Promise<void> {
  if (env.interpreter === undefined) return;
  const found = (await listInterpreters(ws)).filter((i) => i.language === env.language);
  if (!found.some((i) => i.path === env.interpreter))
    throw badRequest(
      `interpreter: ${env.interpreter} is not a ${env.language} interpreter found on this machine (${found.map((i) => i.path).join(', ') || 'none'}; GET /api/code-interpreters)`,
    );
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
  await checkInterpreter(ws, env);
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
  removePackages(ws, projectKey, name);
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

/** What a run of the environment uses, and records in the lineage besides what the harness does. */
export interface EnvironmentRun {
  /** The Python to run (a venv's, or the one the environment names); unset: the workspace's. */
  python?: string;
  /** The R library to put first in .libPaths(). */
  rLibrary?: string;
  lineage: Record<string, unknown>;
  /** A venv's or R library's state, ready: what the run's fingerprint signs (it may have just been built). */
  packages?: PackagesState;
}

/**
 * The interpreter and packages code of the environment runs with: its venv or R library (built
 * first when missing or out of date, `log` receiving the tools' output; a failed build throws its
 * error), the interpreter it names (checked again: a project imported from elsewhere may name one
 * this machine lacks), or the machine's. `lineage.packages`: what the build installed.
 */
export async function environmentInterpreter(
  ws: Workspace,
  projectKey: string,
  env: CodeEnvironment,
  log: (line: string) => void,
): Promise<EnvironmentRun> {
  // A run only checks the path is still one discovery considers (no process started); the full
  // discovery, which names the choices, runs when it is not.
  if (env.interpreter !== undefined && !isInterpreterCandidate(env.language, env.interpreter, discoveryOptions(ws)))
    await checkInterpreter(ws, env);
  const chosen = env.language === 'python' && env.interpreter ? { python: env.interpreter } : {};
  const request = packagesRequest(projectKey, env);
  if (!request) return { ...chosen, lineage: {} };
  const state = await readyPackages(ws, request, log);
  const packages = frozenPackages(state.frozen ?? []);
  if (request.language === 'r')
    return { rLibrary: state.library, lineage: { packages, library: true }, packages: state };
  const base = interpreterPath('python', env.interpreter ?? ws.config.python);
  return { python: state.python, lineage: { packages, venv: true, baseInterpreter: base }, packages: state };
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
