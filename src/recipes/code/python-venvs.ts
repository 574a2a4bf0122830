import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { interpreterPath } from '../../sandbox/index.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { BuildStep, RunTool } from './package-builds.js';

/**
 * Per-project Python virtual environments: a code environment that declares
 * `{"python": {"venv": true, "requirements": [...]}}` runs its recipes, notebook kernels and
 * webapps in a venv of its interpreter (the one it names, else the machine's Python), created
 * with `--system-site-packages` so pandas & co. stay there, with the requirements installed by pip
 * from the wheel folder LLANO_PIP_FIND_LINKS or the index LLANO_PIP_INDEX_URL. Built and kept by
 * package-builds.ts.
 */

/** Where pip installs from, as pip arguments; null when the workspace names no source. */
export function pipSource(ws: Workspace): string[] | null {
  if (ws.config.pipFindLinks) return ['--no-index', '--find-links', ws.config.pipFindLinks];
  if (ws.config.pipIndexUrl) return ['--index-url', ws.config.pipIndexUrl];
  return null;
}

/** pip reads nothing of the server's configuration (nor of the machine's pip.conf): only what is passed here. */
const PIP_ENV = {
  PIP_CONFIG_FILE: '/dev/null',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  PIP_NO_INPUT: '1',
  PYTHONNOUSERSITE: '1',
};

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

/** A Python program printing, as JSON, whether the interpreter is a venv and its own site folders (purelib first). */
const SITE_FOLDERS =
  'import json, sys, sysconfig; p = sysconfig.get_paths(); ' +
  'print(json.dumps([sys.prefix != sys.base_prefix, list(dict.fromkeys([p["purelib"], p["platlib"]]))]))';

/**
 * Python makes a venv of an interpreter that is itself a venv (a `venv --copies` an admin lists
 * in LLANO_PYTHON_INTERPRETERS, a conda-like folder) a venv of the interpreter underneath: its
 * pyvenv.cfg's home is the base's folder, so the named interpreter's own packages were missing
 * and the code ran as if the machine's Python had been named. A .pth file in the new venv's
 * site-packages puts them back, after the venv's own packages and before the machine's. False when
 * an interpreter does not answer.
 */
async function keepOwnPackages(run: RunTool, base: string, python: string): Promise<boolean> {
  const named = await run(base, ['-c', SITE_FOLDERS], PIP_ENV, { quiet: true });
  const venv = await run(python, ['-c', SITE_FOLDERS], PIP_ENV, { quiet: true });
  if (!named.ok || !venv.ok) return false;
  const [isVenv, folders] = JSON.parse(named.lines.join('')) as [boolean, string[]];
  if (!isVenv) return true;
  const [, own] = JSON.parse(venv.lines.join('')) as [boolean, string[]];
  mkdirSync(own[0], { recursive: true });
  writeFileSync(path.join(own[0], 'llano-named-interpreter.pth'), `${folders.join('\n')}\n`);
  return true;
}

/** Creates the venv in `dir` and installs the requirements into it. */
export const buildPythonVenv: BuildStep = async (ws, request, dir, run, log) => {
  const { name, requirements } = request;
  const base = interpreterPath('python', request.interpreter ?? ws.config.python);
  log(`Creating the virtual environment of ${name} with ${base} (system site packages kept)`);
  // Without its own pip: the interpreter's pip (a system site package) installs into the venv, in a fraction of the time.
  const created = await run(base, ['-m', 'venv', '--system-site-packages', '--without-pip', dir], PIP_ENV);
  if (!created.ok) return { status: 'failed', error: `Code environment ${name}: ${base} -m venv failed` };
  const python = path.join(dir, 'bin', 'python');
  if (!(await keepOwnPackages(run, base, python)))
    return { status: 'failed', error: `Code environment ${name}: could not read the site folders of ${base}` };
  if (requirements.length > 0) {
    const source = pipSource(ws);
    if (!source)
      return {
        status: 'failed',
        error: `Code environment ${name}: set LLANO_PIP_FIND_LINKS (a folder of wheels) or LLANO_PIP_INDEX_URL to install its requirements`,
      };
    const file = path.join(path.dirname(dir), 'requirements.txt');
    writeFileSync(file, `${requirements.join('\n')}\n`);
    log(`Installing ${requirements.join(', ')}`);
    const pip = await run(python, ['-m', 'pip', 'install', ...source, '-r', file], PIP_ENV);
    if (!pip.ok) return { status: 'failed', error: pipError(ws, name, pip.lines) };
  }
  const freeze = await run(python, ['-m', 'pip', 'freeze', '--local'], PIP_ENV, { quiet: true });
  if (!freeze.ok) return { status: 'failed', error: `Code environment ${name}: pip freeze failed` };
  const frozen = freeze.lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  log(`Installed: ${frozen.join(', ') || 'nothing besides the interpreter’s packages'}`);
  return { status: 'ready', python, frozen };
};
