import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoginAnswer } from './api-types.js';
import { api } from './http.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The password of the `admin` a spawned server creates on a new workspace. */
export const SPAWNED_ADMIN_PASSWORD = 'admin-password-for-tests';

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts `llano serve` as a real child process and waits for its URL. */
export async function spawnServer(
  home: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<SpawnedServer> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'llano.js'), 'serve', '--home', home, '--port', '0', '--host', '127.0.0.1', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LLANO_ADMIN_PASSWORD: SPAWNED_ADMIN_PASSWORD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.on('data', (d) => (text += d));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: compiling and opening the workspace can take half a minute on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${text}`)), 180_000);
    const check = () => {
      const m = /running at (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${text}`));
    });
  });
  return { url, child, output: () => text };
}

/** A session token of the spawned server's `admin`. */
export async function adminTokenOf(s: SpawnedServer): Promise<string> {
  const { token } = await api<LoginAnswer>(s.url, null, 'POST', '/api/auth/login', {
    username: 'admin',
    password: SPAWNED_ADMIN_PASSWORD,
  });
  return token;
}

/** Stops a spawned server with the given signal and waits for it to exit. */
export function stopServer(s: SpawnedServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill(signal);
  });
}
