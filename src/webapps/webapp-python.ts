import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LlanoError } from '../common/errors.js';
import { namedPythonInterpreter } from '../recipes/code/code-environments.js';
import { LIBRARY_FOLDER, librariesStamp, projectLibraries, writeLibraryFiles } from '../recipes/code/code-libraries.js';
import { interpreterPath, PYTHON_GUARD, sandboxLimits, spawnLimited, type LimitedProcess } from '../sandbox/index.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { LLANO_MODULE, WSGI_RUNNER } from './python-runner-source.js';
import { appendWebappLog } from './webapp-logs.js';
import { webappLimits, webappRunRoot, writeWebappFiles } from './webapp-runtime.js';
import type { Webapp, WebappCaller } from './webapp-types.js';

/** How long a Python app may take to import and listen. */
const START_TIMEOUT_MS = 20_000;

interface PythonApp {
  revision: number;
  /** The project's libraries it started with (see projectLibraries): others start it again. */
  libraries: string;
  port: number;
  process: LimitedProcess;
  idleTimer?: NodeJS.Timeout;
  startedAt: string;
}

/** Running Python webapps of this server by `KEY/id`, each a promise while it starts. */
const running = workspaceSlot(
  'webapps.python',
  () => new Map<string, Promise<PythonApp>>(),
  async (apps) => {
    await Promise.all(
      [...apps.values()].map((p) => p.then((app) => app.process.stop('Server stopping')).catch(() => {})),
    );
  },
);

const keyOf = (projectKey: string, id: string) => `${projectKey}/${id}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`; rejects when the process ends first or after the start timeout. */
async function listening(port: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LlanoError(
    'webapp_failed',
    502,
    gone
      ? 'The Python app stopped while starting: see its log (an error in app.py, or no WSGI `app`)'
      : `The Python app did not listen within ${START_TIMEOUT_MS / 1000} s`,
  );
}

async function start(
  ws: Workspace,
  projectKey: string,
  stored: { webapp: Webapp; revision: number },
): Promise<PythonApp> {
  const { webapp, revision } = stored;
  const log = (stream: 'stdout' | 'stderr' | 'llano', line: string) =>
    appendWebappLog(ws, projectKey, webapp.id, stream, line);
  const root = path.join(webappRunRoot(ws, projectKey, webapp.id), `python-r${revision}`);
  const workDir = path.join(root, 'app');
  const lib = path.join(root, 'lib');
  await writeWebappFiles(workDir, webapp);
  // The project's libraries, imported by name as in code recipes (`import bands`; see llano_wsgi.py).
  const libraries = await projectLibraries(ws, projectKey);
  await writeLibraryFiles(ws, projectKey, path.join(workDir, LIBRARY_FOLDER), libraries.files);
  await mkdir(lib, { recursive: true });
  await writeFile(path.join(lib, 'llano_wsgi.py'), WSGI_RUNNER);
  await writeFile(path.join(lib, 'llano.py'), LLANO_MODULE);
  // The checks the code sandbox makes too (SQLite files, native code), from the same file.
  await copyFile(PYTHON_GUARD, path.join(lib, 'llano_guard.py'));
  // The app's Python environment (a project venv, built first when needed; its failure is the start's).
  const python = await namedPythonInterpreter(ws, projectKey, webapp.environment, (line) => log('llano', line));
  const port = await freePort();
  const limits = webappLimits(webapp);
  const workspace = sandboxLimits(ws);
  log('llano', `starting app.py (revision ${revision}) on 127.0.0.1:${port}`);
  const child = spawnLimited({
    command: python ?? interpreterPath('python', ws.config.python),
    args: ['-u', path.join(lib, 'llano_wsgi.py'), String(port)],
    workDir,
    // A server lives as long as it is used: only memory and CPU time bound it, idleness stops it.
    limits: { ...workspace, memoryMb: Math.min(limits.memoryMb, workspace.memoryMb) },
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    onLog: (line, stream) => log(stream, line),
  });
  void child.exit.then((exit) => {
    log('llano', `app.py stopped: ${exit.message}`);
    const apps = running(ws);
    const key = keyOf(projectKey, webapp.id);
    void apps.get(key)?.then(
      (app) => {
        if (app.process === child) apps.delete(key);
      },
      () => {},
    );
  });
  try {
    await listening(port, child.exit);
  } catch (error) {
    await child.stop('It did not start');
    throw error;
  }
  return { revision, libraries: libraries.stamp, port, process: child, startedAt: new Date().toISOString() };
}

/** The running app of this revision, started if there is none (an older revision's is stopped first). */
async function appFor(ws: Workspace, projectKey: string, stored: { webapp: Webapp; revision: number }) {
  const apps = running(ws);
  const key = keyOf(projectKey, stored.webapp.id);
  const existing = await apps.get(key)?.catch(() => null);
  const libraries = existing && (await librariesStamp(ws, projectKey));
  if (existing && existing.revision === stored.revision && existing.libraries === libraries) return existing;
  if (existing)
    await existing.process.stop(
      existing.revision === stored.revision ? "The project's libraries changed" : 'A newer revision was saved',
    );
  const starting = start(ws, projectKey, stored);
  apps.set(key, starting);
  starting.catch(() => {
    if (apps.get(key) === starting) apps.delete(key);
  });
  return starting;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  // The viewer's Llano credentials never reach the app; X-Llano-User and X-Llano-Role say who is calling.
  'cookie',
  'authorization',
]);

export interface ProxiedRequest {
  method: string;
  /** The path below the webapp's prefix, with its query string: `/`, `/chart?band=3`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Readable | null;
  /** What the app is mounted under for this viewer (SCRIPT_NAME). */
  prefix: string;
  /** The URL the app's `llano` module calls for data (the viewer's token path). */
  dataApi: string;
  caller: WebappCaller;
}

export interface ProxiedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: http.IncomingMessage;
}

/**
 * Forwards one request to a Python webapp (started on demand): the body streams through, the
 * viewer's cookie and Authorization stay behind, `X-Llano-User` names the viewer, `X-Llano-Role`
 * gives their effective role (`WebappCaller`) and `X-Llano-Api-Key` is `true` for a key. A request
 * longer than `limits.timeoutSeconds` is answered 504; the app stops after `limits.idleSeconds`
 * without requests.
 */
export async function proxyToPython(
  ws: Workspace,
  projectKey: string,
  stored: { webapp: Webapp; revision: number },
  request: ProxiedRequest,
  retried = false,
): Promise<ProxiedAnswer> {
  const app = await appFor(ws, projectKey, stored);
  const limits = webappLimits(stored.webapp);
  clearTimeout(app.idleTimer);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers))
    if (!HOP_BY_HOP.has(name) && !name.startsWith('x-llano-')) headers[name] = value;
  headers['x-llano-user'] = request.caller.username;
  headers['x-llano-role'] = request.caller.role;
  headers['x-llano-api-key'] = String(request.caller.apiKey);
  headers['x-llano-script-name'] = request.prefix;
  headers['x-llano-api'] = request.dataApi;
  headers['x-forwarded-proto'] = 'http';
  try {
    return await new Promise<ProxiedAnswer>((resolve, reject) => {
      const upstream = http.request(
        { host: '127.0.0.1', port: app.port, method: request.method, path: request.path, headers },
        (answer) => {
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers))
            if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'set-cookie' && name !== 'content-length')
              out[name] = value;
          if (answer.headers['content-length']) out['content-length'] = answer.headers['content-length'];
          resolve({ status: answer.statusCode ?? 502, headers: out, body: answer });
        },
      );
      upstream.setTimeout(limits.timeoutSeconds * 1000, () =>
        upstream.destroy(
          new LlanoError(
            'webapp_timeout',
            504,
            `The Python app did not answer within ${limits.timeoutSeconds} s (time limit: the webapp's limits.timeoutSeconds)`,
          ),
        ),
      );
      upstream.once('error', (error) =>
        reject(
          error instanceof LlanoError
            ? error
            : new LlanoError('webapp_failed', 502, `The Python app did not answer: ${error.message}`),
        ),
      );
      if (request.body) request.body.pipe(upstream);
      else upstream.end();
    });
  } catch (error) {
    appendWebappLog(ws, projectKey, stored.webapp.id, 'llano', (error as Error).message);
    // Refused right after a crash, before its exit was noticed: forget the dead app and, for a
    // request without a body (nothing consumed), start it again once.
    if (!retried && !request.body && /ECONNREFUSED/.test((error as Error).message)) {
      await forgetDeadApp(ws, projectKey, stored.webapp.id, app.process);
      return proxyToPython(ws, projectKey, stored, request, true);
    }
    throw error;
  } finally {
    app.idleTimer = setTimeout(() => {
      appendWebappLog(ws, projectKey, stored.webapp.id, 'llano', `idle for ${limits.idleSeconds} s: stopping app.py`);
      void app.process.stop('Idle');
    }, limits.idleSeconds * 1000);
    app.idleTimer.unref();
  }
}

export async function stopPythonApp(ws: Workspace, projectKey: string, id: string): Promise<void> {
  const apps = running(ws);
  const key = keyOf(projectKey, id);
  const app = apps.get(key);
  apps.delete(key);
  const started = await app?.catch(() => null);
  clearTimeout(started?.idleTimer);
  await started?.process.stop('Stopped');
}

/** Running Python apps of a webapp (for its log view and tests). */
export async function pythonAppStatus(ws: Workspace, projectKey: string, id: string) {
  const app = await running(ws)
    .get(keyOf(projectKey, id))
    ?.catch(() => null);
  return app ? { pid: app.process.pid, revision: app.revision, startedAt: app.startedAt } : null;
}

/** Drops an app that refuses connections from the running ones (stopping it if it has not exited within 2 s). */
async function forgetDeadApp(
  ws: Workspace,
  projectKey: string,
  id: string,
  process: Awaited<ReturnType<typeof start>>['process'],
): Promise<void> {
  const exited = await Promise.race([
    process.exit.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 2_000)),
  ]);
  if (!exited) await process.stop('It refused connections');
  const apps = running(ws);
  const key = keyOf(projectKey, id);
  const current = await apps.get(key)?.catch(() => null);
  if (current?.process === process) apps.delete(key);
}
