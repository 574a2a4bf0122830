import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LlanoError } from '../../common/errors.js';
import { nowIso } from '../../common/ids.js';
import { codeEnvironment, interpreterPath, sandboxLimits, spawnLimited } from '../../sandbox/index.js';
import { workspaceSlot, type Workspace } from '../../workspace/workspace.js';
import { withBuildLock } from './package-build-lock.js';
import { buildPythonVenv, pipSource } from './python-venvs.js';
import { buildRLibrary } from './r-libraries.js';

/**
 * The packages of a code environment installed by Llano, in a folder of the project: a Python
 * virtual environment (python-venvs.ts, pip) or an R library (r-libraries.ts, install.packages).
 * Both are built the same way here: in data/<project>/.environments/<name>/<kind>-<hash>, the hash
 * of what it is built from (requirements, interpreter, where packages come from), so a change
 * builds a new one; one build per environment at a time in a process, its state in state.json.
 */
export interface PackagesRequest {
  projectKey: string;
  name: string;
  language: 'python' | 'r';
  requirements: string[];
  /** The Python the venv is created from (one found on the machine); unset: the workspace's. */
  interpreter?: string;
}

export interface PackagesState {
  hash: string;
  status: 'ready' | 'failed';
  /** The venv's interpreter (Python, ready only). */
  python?: string;
  /** The R library folder, put first in .libPaths() (R, ready only). */
  library?: string;
  /** What was installed: `name==version` each (pip freeze --local; installed.packages of the library). */
  frozen?: string[];
  /** Why the build failed, naming the package that could not be installed. */
  error?: string;
  builtAt: string;
}

/** What a language's build step gives: the state's fields besides hash and time. */
export type BuildOutcome = Omit<PackagesState, 'hash' | 'builtAt'>;
/** A language's build: fills `dir` (a venv, a library) with the request's requirements. */
export type BuildStep = (
  ws: Workspace,
  request: PackagesRequest,
  dir: string,
  run: RunTool,
  log: (line: string) => void,
) => Promise<BuildOutcome>;
/** Runs a program with the limits of user code; resolves with whether it succeeded and what it printed. */
export type RunTool = (
  command: string,
  args: string[],
  env?: Record<string, string>,
  options?: { quiet?: boolean },
) => Promise<{ ok: boolean; lines: string[] }>;

export const packagesRoot = (ws: Workspace, projectKey: string, name: string) =>
  path.join(ws.config.home, 'data', projectKey, '.environments', name);

const stateFile = (root: string) => path.join(root, 'state.json');
const folderPrefix = (request: PackagesRequest) => (request.language === 'python' ? 'venv-' : 'rlib-');

/** What the packages are built from: language, requirements, the interpreter and where packages come from. */
export function packagesHash(ws: Workspace, request: PackagesRequest): string {
  const basis =
    request.language === 'python'
      ? [interpreterPath('python', request.interpreter ?? ws.config.python), pipSource(ws), request.requirements]
      : ['r', ws.config.rRepos ?? null, request.requirements];
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex').slice(0, 16);
}

export function readPackagesState(ws: Workspace, projectKey: string, name: string): PackagesState | null {
  try {
    return JSON.parse(readFileSync(stateFile(packagesRoot(ws, projectKey, name)), 'utf8')) as PackagesState;
  } catch {
    return null;
  }
}

/** The state when built from this request; null when it must be (re)built. */
export function currentPackagesState(ws: Workspace, request: PackagesRequest): PackagesState | null {
  const state = readPackagesState(ws, request.projectKey, request.name);
  if (!state || state.hash !== packagesHash(ws, request)) return null;
  const built = state.python ?? state.library;
  if (state.status === 'ready' && !(built && existsSync(built))) return null;
  return state;
}

/** The error a failed build gave, as recipes of the environment report it. */
export function packagesFailure(name: string, state: PackagesState): LlanoError {
  const why = state.error?.replace(`Code environment ${name}: `, '') ?? 'its build failed';
  return new LlanoError('environment_failed', 422, `Code environment ${name} is not ready: ${why}`);
}

/** Builds in progress, by project and environment, with the hash each builds: a recipe that needs one waits for it. */
const building = workspaceSlot(
  'code.venv-builds',
  () => new Map<string, { hash: string; done: Promise<PackagesState> }>(),
);

export const packagesBuilding = (ws: Workspace, request: PackagesRequest) =>
  building(ws).has(`${request.projectKey}/${request.name}`);

/**
 * Builds the packages (again, when `force`), one build per environment at a time; `log` receives
 * what the tools print. Resolves with the state, failed or ready (never rejects for pip or R).
 */
export async function buildPackages(
  ws: Workspace,
  request: PackagesRequest,
  log: (line: string) => void,
  options: { force?: boolean } = {},
): Promise<PackagesState> {
  const key = `${request.projectKey}/${request.name}`;
  const hash = packagesHash(ws, request);
  let inFlight = building(ws).get(key);
  // A build of other requirements (saved since) ends first: the two share the environment's folder.
  while (inFlight && inFlight.hash !== hash) {
    await inFlight.done.catch(() => undefined);
    inFlight = building(ws).get(key);
  }
  if (inFlight) return inFlight.done;
  if (!options.force) {
    const state = currentPackagesState(ws, request);
    if (state) return state;
  }
  const done = buildNow(ws, request, log, options.force === true).finally(() => {
    if (building(ws).get(key)?.done === done) building(ws).delete(key);
  });
  building(ws).set(key, { hash, done });
  return done;
}

/** The ready state, built first when missing or out of date; throws the build's failure. */
export async function readyPackages(
  ws: Workspace,
  request: PackagesRequest,
  log: (line: string) => void,
): Promise<PackagesState> {
  const state = await buildPackages(ws, request, log);
  if (state.status !== 'ready') throw packagesFailure(request.name, state);
  return state;
}

/** A RunTool in `workDir`: the tool reads nothing of the server's environment but what is passed. */
function toolRunner(ws: Workspace, workDir: string, log: (line: string) => void): RunTool {
  return async (command, args, env = {}, options = {}) => {
    const lines: string[] = [];
    const proc = spawnLimited({
      command,
      args,
      workDir,
      limits: sandboxLimits(ws),
      env: codeEnvironment(workDir, env),
      onLog: (line) => {
        lines.push(line);
        if (!options.quiet) log(line);
      },
    });
    const exit = await proc.exit;
    return { ok: exit.exitCode === 0, lines };
  };
}

/** Builds under the environment's lock; a build another server finished meanwhile is taken as it is. */
async function buildNow(
  ws: Workspace,
  request: PackagesRequest,
  log: (line: string) => void,
  force: boolean,
): Promise<PackagesState> {
  const root = packagesRoot(ws, request.projectKey, request.name);
  mkdirSync(root, { recursive: true });
  const asked = nowIso();
  // A build runs under the limits of user code: a lock older than its wall time is a crashed server's.
  const staleMs = (sandboxLimits(ws).wallSeconds + 60) * 1000;
  return withBuildLock(ws, root, staleMs, async (waited) => {
    const state = waited ? currentPackagesState(ws, request) : null;
    if (state && (!force || state.builtAt >= asked)) {
      log(`Environment ${request.name} was built by another server`);
      return state;
    }
    return buildLocked(ws, request, log);
  });
}

async function buildLocked(
  ws: Workspace,
  request: PackagesRequest,
  log: (line: string) => void,
): Promise<PackagesState> {
  const root = packagesRoot(ws, request.projectKey, request.name);
  const hash = packagesHash(ws, request);
  const prefix = folderPrefix(request);
  const dir = path.join(root, `${prefix}${hash}`);
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const run = toolRunner(ws, root, log);
  const outcome =
    request.language === 'python'
      ? await buildPythonVenv(ws, request, dir, run, log)
      : await buildRLibrary(ws, request, dir, run, log);
  const full: PackagesState = { hash, builtAt: nowIso(), ...outcome };
  writeFileSync(stateFile(root), JSON.stringify(full, null, 2));
  // Older builds of the environment are of no use once this one is ready (or it failed: the recipe fails too).
  for (const entry of readdirSync(root))
    if (/^(venv|rlib)-/.test(entry) && (entry !== `${prefix}${hash}` || outcome.status === 'failed'))
      rmSync(path.join(root, entry), { recursive: true, force: true });
  log(outcome.status === 'ready' ? `Environment ${request.name} is ready` : (outcome.error ?? 'The build failed'));
  return full;
}

/** Removes an environment's built packages (the environment was deleted). */
export function removePackages(ws: Workspace, projectKey: string, name: string): void {
  rmSync(packagesRoot(ws, projectKey, name), { recursive: true, force: true });
}

/** `name==version` lines as a map, for the lineage. */
export function frozenPackages(frozen: string[]): Record<string, string | null> {
  return Object.fromEntries(
    frozen.map((line) => {
      const [pkg, version] = line.split('==');
      return [pkg.trim(), version?.trim() ?? null];
    }),
  );
}
