import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './support/http.js';
import { adminTokenOf, spawnServer, stopServer, type SpawnedServer } from './support/spawn-server.js';

/** Pids of the processes whose command line holds every one of `parts` (from /proc). */
function processesWith(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (parts.every((p) => cmdline.includes(p))) pids.push(Number(entry));
  }
  return pids;
}

const alive = (pid: number) => {
  if (!existsSync(`/proc/${pid}`)) return false;
  // A zombie waiting for its new parent to reap it runs nothing.
  const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  return state !== 'Z' && state !== 'X';
};

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('user code dies with its server', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-orphans-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    for (const pid of processesWith('llano_harness.py', home)) process.kill(pid, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('a recipe’s Python process is killed when its server is killed with -9', { timeout: 300_000 }, async () => {
    server = await spawnServer(home);
    const token = await adminTokenOf(server);
    const P = '/api/projects/ORPH';
    await api(server.url, token, 'POST', '/api/projects', { key: 'ORPH' });
    const form = new FormData();
    form.set('file', new Blob(['x\n1\n']), 'seed.csv');
    const uploaded = await fetch(`${server.url}${P}/datasets/seed/upload`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(uploaded.status).toBe(201);
    await api(server.url, token, 'POST', `${P}/recipes`, {
      name: 'r_sleep',
      type: 'python',
      inputs: ['seed'],
      output: 'slept',
      // The file it writes in its work folder says it runs (warm spare processes of the pool run the harness too).
      code: 'import time\n\ndef run(inputs, output, variables, log):\n    open("started", "w").close()\n    time.sleep(120)\n    output.write({"x": 1})\n',
    });
    await api(server.url, token, 'POST', `${P}/builds`, { targets: ['slept'], mode: 'only' });
    await until('the recipe to start', () =>
      readdirSync(home, { recursive: true, encoding: 'utf8' }).some((f) => path.basename(f) === 'started'),
    );
    const pids = processesWith('llano_harness.py', home);
    expect(pids.length).toBeGreaterThan(0);

    server.child.kill('SIGKILL');
    await until('every Python process to end', () => !pids.some(alive), 20_000);
  });
});
