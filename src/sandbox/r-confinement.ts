import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LlanoError } from '../common/errors.js';
import { realpathOr } from '../common/real-path.js';

const run = promisify(execFile);

/**
 * R has no permission model (Node has one, Python an audit hook), so R code is confined by the
 * kernel: `llano_landlock.py` sets a Landlock ruleset (Linux 5.13+) and then becomes R's own binary.
 * Landlock also refuses to run any program but the ones granted, so R is started as its binary
 * `bin/exec/R`, not through the `R`/`Rscript` shell scripts, with the environment those scripts set.
 */

/** What R is on this machine: its binary and the environment and folders it needs to start. */
export interface RInstallation {
  /** `R_HOME/bin/exec/R`, resolved. */
  binary: string;
  /** R_HOME, R_SHARE_DIR, R_INCLUDE_DIR, R_DOC_DIR, LD_LIBRARY_PATH as R's start-up script sets them. */
  env: Record<string, string>;
  /** Folders R reads: its home, shared files, package libraries, the libraries it loads. */
  folders: string[];
}

const R_VARIABLES = ['R_HOME', 'R_SHARE_DIR', 'R_INCLUDE_DIR', 'R_DOC_DIR', 'LD_LIBRARY_PATH'];

/** Asks R once (unconfined, no user code) where it lives. */
async function probeR(): Promise<RInstallation> {
  const expression = `cat(paste0(c(${R_VARIABLES.map((v) => `"${v}"`).join(', ')}), "=", Sys.getenv(c(${R_VARIABLES.map((v) => `"${v}"`).join(', ')}))), paste0("LIB=", .libPaths()), sep = "\\n")`;
  const { stdout } = await run('Rscript', ['--vanilla', '-e', expression], { timeout: 30_000 });
  const env: Record<string, string> = {};
  const folders: string[] = [];
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0) continue;
    const [name, value] = [line.slice(0, at), line.slice(at + 1)];
    if (name === 'LIB') folders.push(value);
    else if (value) env[name] = value;
  }
  if (!env.R_HOME) throw new Error(`R did not say where it lives: ${stdout.slice(0, 200)}`);
  folders.push(env.R_HOME, ...['R_SHARE_DIR', 'R_INCLUDE_DIR', 'R_DOC_DIR'].map((v) => env[v] ?? ''));
  folders.push(...(env.LD_LIBRARY_PATH ?? '').split(':'));
  // R_HOME/etc's files may be links elsewhere (Debian: /etc/R); Landlock checks where they lead.
  const etc = path.join(env.R_HOME, 'etc');
  if (existsSync(etc)) folders.push(...readdirSync(etc).map((name) => path.dirname(realpathOr(path.join(etc, name)))));
  return { binary: realpathSync(path.join(env.R_HOME, 'bin', 'exec', 'R')), env, folders };
}

let rInstallation: Promise<RInstallation> | undefined;
const findR = () =>
  (rInstallation ??= probeR().catch((err: unknown) => {
    rInstallation = undefined;
    throw err;
  }));

const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as 'x64' | 'arm64'] ?? '';
/** The ELF loaders a dynamically linked binary is started by (Landlock checks their execution too). */
const ELF_LOADERS = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-linux-aarch64.so.1'];
/** System folders every R needs: shared libraries, locales, time zones. */
const SYSTEM_READS = [
  `/usr/lib/${MULTIARCH}`,
  `/lib/${MULTIARCH}`,
  '/usr/lib64',
  '/lib64',
  '/usr/lib/locale',
  '/usr/share/zoneinfo',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/dev/urandom',
  '/dev/random',
];

/** Each path that exists, resolved (Landlock checks where links lead), once. */
const existing = (paths: string[]): string[] => [
  ...new Set(paths.filter((p) => p && path.isAbsolute(p) && existsSync(p)).map((p) => realpathSync(p))),
];

/** Landlock's ABI on this kernel (0: none), asked once of the launcher. */
let landlockAbi: Promise<number> | undefined;
function findLandlock(python: string, launcher: string): Promise<number> {
  return (landlockAbi ??= run(python, ['-I', '-S', launcher, '--abi'], { timeout: 30_000 }).then(
    ({ stdout }) => Number(stdout.trim()) || 0,
    () => 0,
  ));
}

/** Whether R code may run unconfined where the kernel cannot confine it (LLANO_R_UNCONFINED=1). */
export const rUnconfinedAllowed = (env: NodeJS.ProcessEnv = process.env) => env.LLANO_R_UNCONFINED === '1';

/**
 * How R code runs on a kernel with Landlock ABI `abi`: confined, or (no Landlock) unconfined only
 * when the workspace allows it, else refused with an error that says why and what to set.
 */
export function rConfinementMode(abi: number, allowUnconfined: boolean): 'confined' | 'unconfined' {
  if (abi >= 1) return 'confined';
  if (allowUnconfined) return 'unconfined';
  throw new LlanoError(
    'r_not_confinable',
    501,
    'R code cannot run on this machine: its kernel has no Landlock (Linux 5.13 or later), which Llano needs to keep R code ' +
      'to its own folder. Set LLANO_R_UNCONFINED=1 to run R code anyway, limited in time and memory only.',
  );
}

export interface RCommandOptions {
  /** The R script Llano runs (the harness) and its arguments. */
  script: string;
  args: string[];
  workDir: string;
  /** Folders and files the code may read besides its work folder (inputs, libraries, the harness). */
  readPaths: string[];
  /** Python that runs the launcher (the system's, not a project's virtual environment). */
  python: string;
  /** llano_landlock.py. */
  launcher: string;
}

/**
 * The command that runs an R script confined (read: its work folder, `readPaths`, R's and the
 * system's libraries; write: its work folder; run: no program but R), or plain Rscript where the
 * kernel cannot confine it and LLANO_R_UNCONFINED=1 allows that. `env`: variables R needs.
 */
export async function rCommand(
  options: RCommandOptions,
): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
  const mode = rConfinementMode(await findLandlock(options.python, options.launcher), rUnconfinedAllowed());
  if (mode === 'unconfined')
    return { command: 'Rscript', args: ['--vanilla', options.script, ...options.args], env: {} };
  const r = await findR();
  const rules = {
    read: existing([...r.folders, ...SYSTEM_READS, ...options.readPaths, options.script]),
    write: existing([options.workDir, '/dev/null']),
    execute: existing([r.binary, ...ELF_LOADERS]),
  };
  return {
    command: options.python,
    args: [
      '-I',
      '-S',
      options.launcher,
      JSON.stringify(rules),
      r.binary,
      '--no-echo',
      '--no-restore',
      '--vanilla',
      `--file=${options.script}`,
      '--args',
      ...options.args,
    ],
    // Packages are attached by the harness once programs are refused (utils runs `which` on load).
    // LLANO_SANDBOX_READABLE: the harness names a folder it may not list (R lists one it cannot read as empty).
    env: {
      ...r.env,
      R_DEFAULT_PACKAGES: 'NULL',
      LLANO_SANDBOX_CONFINED: '1',
      LLANO_SANDBOX_READABLE: JSON.stringify([...rules.read, ...rules.write]),
    },
  };
}
