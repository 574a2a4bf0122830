import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LlanoError } from '../../common/errors.js';
import { nowIso } from '../../common/ids.js';
import { codeEnvironment, interpreterPath, sandboxLimits, spawnLimited } from '../../sandbox/index.js';
import { workspaceSlot, type Workspace } from '../../workspace/workspace.js';

/**
 * Per-project Python virtual environments: a code environment that declares
 * `{"python": {"venv": true, "requirements": [...]}}` runs its recipes, notebook kernels and
 * webapps in a venv of the machine's Python (`--system-site-packages`, so pandas & co. stay
 * there) with the requirements installed by pip from the wheel folder LLANO_PIP_FIND_LINKS or the
 * index LLANO_PIP_INDEX_URL. It lives in data/<project>/.environments/<name>/venv-<hash>, the
 * hash of what it is built from: a change of the requirements (or of where pip installs from)
 * builds a new one.
 */
export interface VenvRequest {
  projectKey: string;
  name: string;
  requirements: string[];
}

export interface VenvState {
  hash: string;
  status: 'ready' | 'failed';
  /** The venv's interpreter (ready only). */
  python?: string;
  /** `pip freeze --local`: what was installed into the venv, `name==version` each. */
  frozen?: string[];
  /** Why the build failed, naming the package pip could not install. */
  error?: string;
  builtAt: string;
}

export const venvRoot = (ws: Workspace, projectKey: string, name: string) =>
  path.join(ws.config.home, 'data', projectKey, '.environments', name);

const stateFile = (root: string) => path.join(root, 'state.json');

/** Where pip installs from, as pip arguments; null when the workspace names no source. */
function pipSource(ws: Workspace): string[] | null {
  if (ws.config.pipFindLinks) return ['--no-index', '--find-links', ws.config.pipFindLinks];
  if (ws.config.pipIndexUrl) return ['--index-url', ws.config.pipIndexUrl];
  return null;
}

/** What the venv is built from: its requirements, the base interpreter and where pip installs from. */
export function venvHash(ws: Workspace, requirements: string[]): string {
  const basis = [interpreterPath('python', ws.config.python), pipSource(ws), requirements];
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex').slice(0, 16);
}

export function readVenvState(ws: Workspace, projectKey: string, name: string): VenvState | null {
  try {
    return JSON.parse(readFileSync(stateFile(venvRoot(ws, projectKey, name)), 'utf8')) as VenvState;
  } catch {
    return null;
  }
}

/** The venv's state when it was built from these requirements; null when it must be (re)built. */
export function currentVenvState(ws: Workspace, request: VenvRequest): VenvState | null {
  const state = readVenvState(ws, request.projectKey, request.name);
  if (!state || state.hash !== venvHash(ws, request.requirements)) return null;
  if (state.status === 'ready' && !(state.python && existsSync(state.python))) return null;
  return state;
}

/** The error a failed build gave, as recipes of the environment report it. */
export function venvFailure(name: string, state: VenvState): LlanoError {
  return new LlanoError('environment_failed', 422, state.error ?? `Code environment ${name} could not be built`);
}

/** Builds in progress, by project and environment, with the hash each builds: a recipe that needs one waits for it. */
const building = workspaceSlot('code.venv-builds', () => new Map<string, { hash: string; done: Promise<VenvState> }>());

export const venvBuilding = (ws: Workspace, request: VenvRequest) =>
  building(ws).has(`${request.projectKey}/${request.name}`);

/**
 * Builds the venv (again, when `force`), one build per environment at a time; `log` receives
 * what venv and pip print. Resolves with the state, failed or ready (never rejects for pip).
 */
export async function buildVenv(
  ws: Workspace,
  request: VenvRequest,
  log: (line: string) => void,
  options: { force?: boolean } = {},
): Promise<VenvState> {
  const key = `${request.projectKey}/${request.name}`;
  const hash = venvHash(ws, request.requirements);
  let inFlight = building(ws).get(key);
  // A build of other requirements (saved since) ends first: the two share the environment's folder.
  while (inFlight && inFlight.hash !== hash) {
    await inFlight.done.catch(() => undefined);
    inFlight = building(ws).get(key);
  }
  if (inFlight) return inFlight.done;
  if (!options.force) {
    const state = currentVenvState(ws, request);
    if (state) return state;
  }
  const done = buildNow(ws, request, log).finally(() => {
    if (building(ws).get(key)?.done === done) building(ws).delete(key);
  });
  building(ws).set(key, { hash, done });
  return done;
}

/** The venv's interpreter and frozen packages, built first when missing or out of date; throws its failure. */
export async function readyVenv(
  ws: Workspace,
  request: VenvRequest,
  log: (line: string) => void,
): Promise<VenvState & { python: string }> {
  const state = await buildVenv(ws, request, log);
  if (state.status !== 'ready' || !state.python) throw venvFailure(request.name, state);
  return { ...state, python: state.python };
}

/** Runs a program with the limits of user code; resolves with its exit code and what it printed. */
async function run(ws: Workspace, command: string, args: string[], workDir: string, log: (line: string) => void) {
  const lines: string[] = [];
  const proc = spawnLimited({
    command,
    args,
    workDir,
    limits: sandboxLimits(ws),
    // pip reads nothing of the server's configuration (nor of the machine's pip.conf): only what is passed here.
    env: codeEnvironment(workDir, {
      PIP_CONFIG_FILE: '/dev/null',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PYTHONNOUSERSITE: '1',
    }),
    onLog: (line) => {
      lines.push(line);
      log(line);
    },
  });
  const exit = await proc.exit;
  return { ok: exit.exitCode === 0, message: exit.message, lines };
}

/** pip's reason in one sentence naming the requirement, from its output. */
function pipError(ws: Workspace, name: string, lines: string[]): string {
  const where = ws.config.pipFindLinks
    ? `the wheel folder LLANO_PIP_FIND_LINKS (${ws.config.pipFindLinks})`
    : `the index LLANO_PIP_INDEX_URL (${ws.config.pipIndexUrl ?? ''})`;
  const missing = lines.map((l) => /No matching distribution found for (\S+)/.exec(l)?.[1]).find(Boolean);
  if (missing) return `Code environment ${name}: pip found no package ${missing} in ${where}`;
  const error = [...lines].reverse().find((l) => l.startsWith('ERROR:'));
  return `Code environment ${name}: pip could not install the requirements: ${error?.replace(/^ERROR:\s*/, '') ?? 'see the log'}`;
}

async function buildNow(ws: Workspace, request: VenvRequest, log: (line: string) => void): Promise<VenvState> {
  const { name, requirements } = request;
  const root = venvRoot(ws, request.projectKey, name);
  const hash = venvHash(ws, requirements);
  const dir = path.join(root, `venv-${hash}`);
  mkdirSync(root, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  const finish = (state: Omit<VenvState, 'hash' | 'builtAt'>): VenvState => {
    const full: VenvState = { hash, builtAt: nowIso(), ...state };
    writeFileSync(stateFile(root), JSON.stringify(full, null, 2));
    // Older venvs of the environment are of no use once this one is ready (or it failed: the recipe fails too).
    for (const entry of readdirSync(root))
      if (entry.startsWith('venv-') && (entry !== `venv-${hash}` || state.status === 'failed'))
        rmSync(path.join(root, entry), { recursive: true, force: true });
    log(state.status === 'ready' ? `Environment ${name} is ready` : (state.error ?? 'The build failed'));
    return full;
  };
  const base = interpreterPath('python', ws.config.python);
  log(`Creating the virtual environment of ${name} with ${base} (system site packages kept)`);
  // Without its own pip: the machine's pip (a system site package) installs into the venv, in a fraction of the time.
  const created = await run(ws, base, ['-m', 'venv', '--system-site-packages', '--without-pip', dir], root, log);
  if (!created.ok) return finish({ status: 'failed', error: `Code environment ${name}: ${base} -m venv failed` });
  const python = path.join(dir, 'bin', 'python');
  if (requirements.length > 0) {
    const source = pipSource(ws);
    if (!source)
      return finish({
        status: 'failed',
        error: `Code environment ${name}: set LLANO_PIP_FIND_LINKS (a folder of wheels) or LLANO_PIP_INDEX_URL to install its requirements`,
      });
    const file = path.join(root, 'requirements.txt');
    writeFileSync(file, `${requirements.join('\n')}\n`);
    log(`Installing ${requirements.join(', ')}`);
    const pip = await run(ws, python, ['-m', 'pip', 'install', ...source, '-r', file], root, log);
    if (!pip.ok) return finish({ status: 'failed', error: pipError(ws, name, pip.lines) });
  }
  const freeze = await run(ws, python, ['-m', 'pip', 'freeze', '--local'], root, () => {});
  if (!freeze.ok) return finish({ status: 'failed', error: `Code environment ${name}: pip freeze failed` });
  const frozen = freeze.lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  log(`Installed: ${frozen.join(', ') || 'nothing besides the machine’s packages'}`);
  return finish({ status: 'ready', python, frozen });
}

/** Removes an environment's venvs (the environment was deleted). */
export function removeVenv(ws: Workspace, projectKey: string, name: string): void {
  rmSync(venvRoot(ws, projectKey, name), { recursive: true, force: true });
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
