import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { realpathOr } from '../common/real-path.js';
import { findInterpreter, interpreterPath, type Interpreter } from './interpreters.js';
import type { CodeLanguage } from './types.js';

/** An interpreter found on the machine, that a code environment may name. */
export interface DiscoveredInterpreter extends Interpreter {
  version: string;
  /** Where it was found: the workspace's default, the admin's list, the PATH or pyenv. */
  source: 'default' | 'setting' | 'path' | 'pyenv';
  /** The one code of the language runs with when its environment names none. */
  default: boolean;
}

export interface DiscoveryOptions {
  /** LLANO_PYTHON (the default Python). */
  python?: string;
  /** LLANO_PYTHON_INTERPRETERS: more interpreters the admin lists. */
  extraPython?: readonly string[];
  /** Folders searched for python3.x (default: the PATH's, /usr/bin and /usr/local/bin). */
  searchPath?: readonly string[];
  /** pyenv roots whose versions/<v>/bin/python3 are candidates (default: $PYENV_ROOT, ~/.pyenv). */
  pyenvRoots?: readonly string[];
}

const PYTHON_NAME = /^python3(\.\d+)?$/;

/** Python candidates in order of preference, each with where it was found (existing files only). */
function pythonCandidates(options: DiscoveryOptions): { path: string; source: DiscoveredInterpreter['source'] }[] {
  const found: { path: string; source: DiscoveredInterpreter['source'] }[] = [];
  found.push({ path: interpreterPath('python', options.python), source: 'default' });
  for (const p of options.extraPython ?? []) found.push({ path: p, source: 'setting' });
  const folders = options.searchPath ?? [...(process.env.PATH ?? '').split(':'), '/usr/local/bin', '/usr/bin'];
  // pyenv's shims are shell scripts that pick a version by the working folder: its versions are listed instead.
  for (const folder of folders.filter((f) => f && path.isAbsolute(f) && !f.endsWith('/shims') && existsSync(f)))
    for (const name of safeList(folder)
      .filter((n) => PYTHON_NAME.test(n))
      .sort())
      found.push({ path: path.join(folder, name), source: 'path' });
  const roots = options.pyenvRoots ?? [process.env.PYENV_ROOT ?? '', path.join(homedir(), '.pyenv')];
  for (const root of roots.filter(Boolean))
    for (const version of safeList(path.join(root, 'versions')).sort())
      found.push({ path: path.join(root, 'versions', version, 'bin', 'python3'), source: 'pyenv' });
  return found.filter((c) => c.path === 'python3' || existsSync(c.path));
}

const safeList = (folder: string): string[] => {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
};

/**
 * The interpreters of this machine, with their versions: Python 3 (the default, the admin's
 * LLANO_PYTHON_INTERPRETERS, python3.x on the PATH, pyenv's versions; one entry per executable,
 * links followed), R's Rscript and this Node. An interpreter that does not answer its version is left out.
 */
export async function discoverInterpreters(options: DiscoveryOptions = {}): Promise<DiscoveredInterpreter[]> {
  const seen = new Set<string>();
  const candidates = pythonCandidates(options).filter((c) => {
    const real = realpathOr(c.path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  const pythons = await Promise.all(
    candidates.map(async (c, i) => ({
      ...(await findInterpreter('python', c.path)),
      source: c.source,
      default: i === 0,
    })),
  );
  const others = await Promise.all(
    (['r', 'typescript'] as CodeLanguage[]).map(async (language) => ({
      ...(await findInterpreter(language)),
      source: 'default' as const,
      default: true,
    })),
  );
  return [...pythons, ...others].filter(
    (i): i is DiscoveredInterpreter => i.version !== null && (i.language !== 'python' || i.version.startsWith('3.')),
  );
}

/**
 * Whether `candidate` is where discovery looks for an interpreter of `language`, found without
 * starting any process: what a run checks (discovery starts one per candidate, Rscript's alone
 * taking ~0.2 s), the interpreter itself then failing clearly if it no longer works.
 */
export function isInterpreterCandidate(
  language: CodeLanguage,
  candidate: string,
  options: DiscoveryOptions = {},
): boolean {
  if (language !== 'python') return candidate === interpreterPath(language);
  return pythonCandidates(options).some((c) => c.path === candidate);
}

/** Discovery takes a process per candidate: its answer is kept a minute (an admin who installs one waits that long). */
const CACHE_MS = 60_000;
let cached: { key: string; at: number; list: Promise<DiscoveredInterpreter[]> } | undefined;

export function machineInterpreters(options: DiscoveryOptions = {}): Promise<DiscoveredInterpreter[]> {
  const key = JSON.stringify(options);
  if (!cached || cached.key !== key || Date.now() - cached.at > CACHE_MS)
    cached = { key, at: Date.now(), list: discoverInterpreters(options) };
  return cached.list;
}
