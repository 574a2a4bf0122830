import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST } from '../../workspace/process-liveness.js';
import type { Workspace } from '../../workspace/workspace.js';
import { withBuildLock } from './package-build-lock.js';

/** Two servers: two workspaces of this process with their own ids, sharing the environment's folder. */
const server = (id: string) => ({ processId: `${process.pid}-${id}` }) as unknown as Workspace;

describe('the lock of an environment build', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'llano-build-lock-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets one server build while the other waits, then tells the other it waited', async () => {
    const order: string[] = [];
    let release!: () => void;
    const first = withBuildLock(server('1'), root, 60_000, async (waited) => {
      order.push(`first starts (waited ${waited})`);
      await new Promise<void>((r) => (release = r));
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = withBuildLock(server('2'), root, 60_000, (waited) => {
      order.push(`second starts (waited ${waited})`);
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(order).toEqual(['first starts (waited false)']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts (waited false)', 'first ends', 'second starts (waited true)']);
    expect(existsSync(path.join(root, 'build.lock'))).toBe(false);
  });

  it('takes over the lock of a process that is gone, and one of another host older than the stale time', async () => {
    const lock = path.join(root, 'build.lock');
    // A pid above Linux's largest: no such process.
    writeFileSync(lock, JSON.stringify({ owner: '4194999-0', host: HOST }));
    expect(await withBuildLock(server('1'), root, 60_000, (waited) => Promise.resolve(waited))).toBe(false);
    writeFileSync(lock, JSON.stringify({ owner: '1-0', host: 'another-host' }));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(lock, twoMinutesAgo, twoMinutesAgo);
    expect(await withBuildLock(server('1'), root, 60_000, (waited) => Promise.resolve(waited))).toBe(false);
  });
});
