import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInterpreter } from '../../sandbox/index.js';
import { interpreterFacts } from './interpreter-probe.js';

describe("an interpreter's version and machine packages, asked in one start for code fingerprints", () => {
  let dir: string;
  let python: string;
  let sitePackages: string;
  /** A package as pip leaves it: its metadata folder, which importlib.metadata lists. */
  const install = (name: string, version: string) => {
    const info = path.join(sitePackages, `${name}-${version}.dist-info`);
    mkdirSync(info);
    writeFileSync(path.join(info, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
    return info;
  };
  const packagesHash = async () => (await interpreterFacts('python', python)).machinePackages;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-interpreter-probe-'));
    // A Python of its own (a venv copy of the machine's) whose packages the test changes.
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--copies', '--without-pip', path.join(dir, 'py')]);
    python = path.join(dir, 'py', 'bin', 'python3');
    const lib = path.join(dir, 'py', 'lib');
    sitePackages = path.join(lib, readdirSync(lib)[0], 'site-packages');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes the packages hash when a package is installed, upgraded or removed, and keeps it while nothing changes', async () => {
    const none = await packagesHash();
    expect(none).toMatch(/^[0-9a-f]{16}$/);
    expect(await packagesHash()).toBe(none);
    const old = install('fakepkg', '1.0');
    const one = await packagesHash();
    expect(one).not.toBe(none);
    expect(await packagesHash()).toBe(one);
    // An upgrade as a Debian package or pip does it: the old metadata folder goes, the new one comes.
    rmSync(old, { recursive: true });
    install('fakepkg', '2.0');
    const upgraded = await packagesHash();
    expect(upgraded).not.toBe(one);
    expect(upgraded).not.toBe(none);
    renameSync(path.join(sitePackages, 'fakepkg-2.0.dist-info'), path.join(dir, 'removed'));
    expect(await packagesHash()).toBe(none);
  });

  it('says the version as the interpreter listing does (fingerprints signed before stay valid), for Python and R', async () => {
    expect((await interpreterFacts('python', python)).version).toBe((await findInterpreter('python', python)).version);
    const r = await interpreterFacts('r', 'Rscript');
    expect(r.version).toBe((await findInterpreter('r')).version);
    expect(r.machinePackages).toMatch(/^[0-9a-f]{16}$/);
  }, 30_000);

  it('answers nulls for an interpreter that cannot be started', async () => {
    expect(await interpreterFacts('python', path.join(dir, 'no-such-python'))).toEqual({
      version: null,
      machinePackages: null,
    });
  });
});
