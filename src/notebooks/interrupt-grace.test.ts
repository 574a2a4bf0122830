import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processActivity } from '../common/proc-stat.js';
import { stopsWhenGivenTheChance } from './interrupt-grace.js';

const grace = { graceMs: 300, cpuMs: 200, maxMs: 20_000, pollMs: 50 };
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A real process that ignores SIGINT, as a stubborn cell's kernel does: it sleeps, or it spins. */
function stubborn(kind: 'sleeps' | 'spins'): number {
  const body = kind === 'sleeps' ? 'setInterval(() => {}, 1000);' : 'for (;;) {}';
  const child = spawn(process.execPath, ['-e', `process.on('SIGINT', () => {}); ${body}`], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}
const never = new Promise<never>(() => {});
const after = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('the grace of an interrupted cell', () => {
  it('is over once a kernel that ignores the interrupt sleeps, or spins on with the CPU it gets', async () => {
    for (const kind of ['sleeps', 'spins'] as const) {
      const pid = stubborn(kind);
      await after(100);
      const seen = await stopsWhenGivenTheChance(never, pid, grace);
      expect(seen.stopped).toBe(false);
      expect(seen.waitedMs).toBeGreaterThanOrEqual(grace.graceMs);
      if (kind === 'spins') expect(processActivity(pid)!.cpuMs).toBeGreaterThan(0);
    }
  });

  it('lasts while the kernel waits for a core without getting one, so a cell that then stops keeps its kernel', async () => {
    // A starved kernel: runnable, its CPU time not growing (what /proc shows on a machine at load 27).
    const starved = () => ({ runnable: true, cpuMs: 10 });
    const done = after(3 * grace.graceMs);
    const seen = await stopsWhenGivenTheChance(done, 12345, grace, starved);
    expect(seen).toMatchObject({ stopped: true });
    expect(seen.waitedMs).toBeGreaterThanOrEqual(2 * grace.graceMs);
    // …but not beyond the longest wait.
    const bounded = await stopsWhenGivenTheChance(never, 12345, { ...grace, maxMs: 800 }, starved);
    expect(bounded.stopped).toBe(false);
    expect(bounded.waitedMs).toBeGreaterThanOrEqual(800);
  });

  it('ends when the cell stops, and falls back on the grace alone without a process to look at', async () => {
    expect((await stopsWhenGivenTheChance(after(50), null, grace)).stopped).toBe(true);
    expect((await stopsWhenGivenTheChance(never, null, grace)).stopped).toBe(false);
  });
});
