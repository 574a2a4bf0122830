import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinePackagesHash } from './machine-packages.js';

describe("the machine's packages of an interpreter, hashed for code fingerprints", () => {
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

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-machine-packages-'));
    // A Python of its own (a venv copy of the machine's) whose packages the test changes.
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--copies', '--without-pip', path.join(dir, 'py')]);
    python = path.join(dir, 'py', 'bin', 'python3');
    const lib = path.join(dir, 'py', 'lib');
    sitePackages = path.join(lib, readdirSync(lib)[0], 'site-packages');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes when a package is installed, upgraded or removed, and stays while nothing changes', async () => {
    const none = await machinePackagesHash('python', python);
    expect(none).toMatch(/^[0-9a-f]{16}$/);
    expect(await machinePackagesHash('python', python)).toBe(none);
    const old = install('fakepkg', '1.0');
    const one = await machinePackagesHash('python', python);
    expect(one).not.toBe(none);
    expect(await machinePackagesHash('python', python)).toBe(one);
    // An upgrade as a Debian package or pip does it: the old metadata folder goes, the new one comes.
    rmSync(old, { recursive: true });
    install('fakepkg', '2.0');
    const upgraded = await machinePackagesHash('python', python);
    expect(upgraded).not.toBe(one);
    expect(upgraded).not.toBe(none);
    renameSync(path.join(sitePackages, 'fakepkg-2.0.dist-info'), path.join(dir, 'removed'));
    expect(await machinePackagesHash('python', python)).toBe(none);
  });

  it("lists R's installed packages; an interpreter that cannot be asked gives null", async () => {
    expect(await machinePackagesHash('r', 'Rscript')).toMatch(/^[0-9a-f]{16}$/);
    expect(await machinePackagesHash('python', path.join(dir, 'no-such-python'))).toBeNull();
  }, 30_000);
});
