import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverInterpreters, isInterpreterCandidate } from './interpreter-discovery.js';

/** A script that is a Python 3 (it runs the machine's): a file of its own, unlike a link. */
const wrapper = (file: string, body = 'exec /usr/bin/python3 "$@"') => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};

describe('interpreters of the machine', () => {
  let dir: string;
  const machineVersion = () =>
    execFileSync('/usr/bin/python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-interpreters-'));
    wrapper(path.join(dir, 'bin', 'python3.42'));
    // A link to the default one is the same interpreter: listed once.
    symlinkSync('/usr/bin/python3', path.join(dir, 'bin', 'python3'));
    // One that does not answer its version is left out, as is a Python 2 and pyenv's shims.
    wrapper(path.join(dir, 'bin', 'python3.43'), 'exit 1');
    wrapper(path.join(dir, 'shims', 'python3.44'));
    wrapper(path.join(dir, 'pyenv', 'versions', '2.7.18', 'bin', 'python3'), 'echo 2.7.18');
    wrapper(path.join(dir, 'pyenv', 'versions', '3.99.0', 'bin', 'python3'));
    wrapper(path.join(dir, 'extra', 'python'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the default Python, the admin’s, python3.x on the path and pyenv’s versions, each once, with versions', async () => {
    const found = await discoverInterpreters({
      python: '/usr/bin/python3',
      extraPython: [path.join(dir, 'extra', 'python')],
      searchPath: [path.join(dir, 'bin'), path.join(dir, 'shims')],
      pyenvRoots: [path.join(dir, 'pyenv')],
    });
    const version = machineVersion();
    expect(found.filter((i) => i.language === 'python')).toEqual([
      { language: 'python', path: '/usr/bin/python3', version, source: 'default', default: true },
      { language: 'python', path: path.join(dir, 'extra', 'python'), version, source: 'setting', default: false },
      { language: 'python', path: path.join(dir, 'bin', 'python3.42'), version, source: 'path', default: false },
      {
        language: 'python',
        path: path.join(dir, 'pyenv', 'versions', '3.99.0', 'bin', 'python3'),
        version,
        source: 'pyenv',
        default: false,
      },
    ]);
    expect(found.find((i) => i.language === 'typescript')).toMatchObject({
      path: process.execPath,
      version: process.version.slice(1),
      default: true,
    });
    expect(found.find((i) => i.language === 'r')).toMatchObject({ path: 'Rscript', default: true });
  });

  it('tells whether a path is one discovery looks at, without starting it', () => {
    const options = { python: '/usr/bin/python3', searchPath: [path.join(dir, 'bin')], pyenvRoots: [] };
    expect(isInterpreterCandidate('python', path.join(dir, 'bin', 'python3.42'), options)).toBe(true);
    expect(isInterpreterCandidate('python', '/usr/bin/python3', options)).toBe(true);
    expect(isInterpreterCandidate('python', path.join(dir, 'extra', 'python'), options)).toBe(false);
    expect(isInterpreterCandidate('python', '/bin/sh', options)).toBe(false);
    expect(isInterpreterCandidate('r', 'Rscript', options)).toBe(true);
    expect(isInterpreterCandidate('typescript', '/usr/bin/python3', options)).toBe(false);
  });
});
