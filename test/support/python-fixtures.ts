import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A wheel of a one-module package (`llano-fixture` 1.2.0, `llano_fixture.greet()`), built with
 * the machine's pip without any index: the folder a venv's pip installs from (LLANO_PIP_FIND_LINKS).
 */
export function buildFixtureWheel(dir: string): string {
  const src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'llano_fixture'), { recursive: true });
  writeFileSync(
    path.join(src, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "llano-fixture"\nversion = "1.2.0"\n',
  );
  writeFileSync(path.join(src, 'llano_fixture', '__init__.py'), 'def greet():\n    return "hello from the venv"\n');
  const wheels = path.join(dir, 'wheels');
  execFileSync(
    '/usr/bin/python3',
    ['-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index', src, '-w', wheels],
    { env: { PATH: process.env.PATH, HOME: dir, PIP_CONFIG_FILE: '/dev/null' }, stdio: 'ignore' },
  );
  return wheels;
}

/** What an interpreter says of itself: the facts a run under it must reproduce. */
export function pythonFacts(python: string): { version: string; basePrefix: string } {
  const [version, basePrefix] = execFileSync(
    python,
    ['-c', 'import sys; print(sys.version.split()[0]); print(sys.base_prefix)'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  return { version, basePrefix };
}

/** An interpreter as GET /api/code-interpreters lists it. */
export interface ListedInterpreter {
  language: string;
  path: string;
  version: string;
  source: string;
  default: boolean;
}

/**
 * A second Python made from the machine's (`venv --copies`: its own executable), for a server
 * to list through LLANO_PYTHON_INTERPRETERS; with `module`, a module only it has (name → code).
 */
export function makeSecondPython(dir: string, module?: { name: string; code: string }): string {
  execFileSync('/usr/bin/python3', ['-m', 'venv', '--copies', '--without-pip', dir]);
  const python = path.join(dir, 'bin', 'python3');
  if (module) {
    const site = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], {
      encoding: 'utf8',
    }).trim();
    writeFileSync(path.join(site, `${module.name}.py`), module.code);
  }
  return python;
}
