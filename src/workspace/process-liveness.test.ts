import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOST, ownerIsDead } from './process-liveness.js';

/** A shell that starts `sleep` in the background, prints its pid, then becomes a `sleep` that never reaps it. */
async function childOfANonReapingParent(): Promise<{ pid: number; stop: () => void }> {
  const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d)))));
  return { pid, stop: () => parent.kill('SIGKILL') };
}

describe.runIf(existsSync('/proc/self/stat'))('owner liveness on this host (/proc)', () => {
  it('takes a killed process that is still a zombie for dead', async () => {
    const child = await childOfANonReapingParent();
    try {
      const owner = `${child.pid}-${Date.now()}`;
      expect(ownerIsDead(owner, HOST)).toBe(false);
      process.kill(child.pid, 'SIGKILL');
      await expect.poll(() => ownerIsDead(owner, HOST), { timeout: 5_000, interval: 20 }).toBe(true);
      // Still there, as a zombie: kill(pid, 0) alone would have said alive.
      expect(existsSync(`/proc/${child.pid}`)).toBe(true);
    } finally {
      child.stop();
    }
  });

  it('takes a process that started after the owner registered (a reused pid) for dead', async () => {
    const child = await childOfANonReapingParent();
    try {
      expect(ownerIsDead(`${child.pid}-${Date.now() - 60_000}`, HOST)).toBe(true);
      expect(ownerIsDead(`${child.pid}-${Date.now()}`, HOST)).toBe(false);
    } finally {
      child.stop();
    }
  });

  it('knows a pid that does not exist is dead, and never judges another host', () => {
    expect(ownerIsDead('999999999-1', HOST)).toBe(true);
    expect(ownerIsDead('1-1', 'another-host')).toBe(false);
  });
});
