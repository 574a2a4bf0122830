import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

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
      env: { ...process.env, LLANO_ADMIN_PASSWORD: 'admin-password-for-tests', ...env },
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

/** Stops a spawned server with the given signal and waits for it to exit. */
export function stopServer(s: SpawnedServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill(signal);
  });
}
