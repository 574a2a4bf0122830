import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../common/config.js';
import { HOST } from './process-liveness.js';
import { processTmpDir } from './process-tmp.js';
import { Workspace } from './workspace.js';

describe('temporary folders of processes sharing one LLANO_HOME', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-tmp-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const open = () => Workspace.open(loadConfig({ home }, {}));

  it('a process starting keeps the files of a live one and sweeps those of dead ones', async () => {
    const tmpRoot = path.join(home, 'tmp');
    mkdirSync(tmpRoot, { recursive: true });
    // A process of this host that is gone (no such pid), one of another host, a loose file of an
    // older layout untouched for a day and one just written.
    const dead = processTmpDir(tmpRoot, '999999999-1');
    mkdirSync(dead);
    writeFileSync(path.join(dead, 'half-upload'), 'x');
    const otherHost = path.join(tmpRoot, `${HOST === 'elsewhere' ? 'other' : 'elsewhere'}-123-456`);
    mkdirSync(otherHost);
    const oldLoose = path.join(tmpRoot, 'old-upload');
    writeFileSync(oldLoose, 'x');
    utimesSync(oldLoose, new Date(Date.now() - 86400_000), new Date(Date.now() - 86400_000));
    const newLoose = path.join(tmpRoot, 'new-upload');
    writeFileSync(newLoose, 'x');

    const a = await open();
    expect(path.dirname(a.tmpDir)).toBe(tmpRoot);
    expect(path.dirname(a.tempPath('-upload'))).toBe(a.tmpDir);
    const inFlight = a.tempPath('-upload');
    writeFileSync(inFlight, 'an upload the other server is still receiving');
    expect([existsSync(dead), existsSync(otherHost), existsSync(oldLoose), existsSync(newLoose)]).toEqual([
      false,
      true,
      false,
      true,
    ]);

    const b = await open();
    try {
      expect(b.tmpDir).not.toBe(a.tmpDir);
      expect(existsSync(inFlight)).toBe(true);
    } finally {
      await b.close();
    }
    expect(existsSync(b.tmpDir)).toBe(false);
    expect(existsSync(inFlight)).toBe(true);
    await a.close();
    expect(existsSync(a.tmpDir)).toBe(false);
  });
});
