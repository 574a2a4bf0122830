import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/common/config.js';
import { buildServer } from '../../src/server/app.js';
import { startWorkspace } from '../../src/app/start-workspace.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import type { Job } from './api-types.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer {
  ws: Workspace;
  app: FastifyInstance;
  url: string;
  home: string;
  adminToken: string;
  /** JSON request with an optional Bearer token; returns status and parsed body (`T`: the body the test expects). */
  call<T = unknown>(
    method: string,
    url: string,
    options?: { token?: string | null; body?: unknown },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Multipart upload of `content` as field `file`. */
  upload<T = unknown>(
    url: string,
    content: string | Buffer,
    fileName: string,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  login(username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** A real Llano server on a random port over a fresh temporary workspace (one per test file). */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-test-'));
  const started = await startWorkspace(
    loadConfig({ home, adminPassword: ADMIN_PASSWORD, port: 0, host: '127.0.0.1', ...overrides }, {}),
  );
  const { ws } = started;
  const app = await buildServer(ws);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const call: TestServer['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(address + url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // text body (CSV, logs)
    }
    return { status: res.status, body: body as never, headers: res.headers };
  };
  const login = async (username: string, password: string) => {
    const r = await call<{ token: string }>('POST', '/api/auth/login', { body: { username, password } });
    if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
    return r.body.token;
  };
  const adminToken = await login('admin', ADMIN_PASSWORD);
  const upload: TestServer['upload'] = async (url, content, fileName, token = adminToken) => {
    const form = new FormData();
    form.set('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), fileName);
    const res = await fetch(address + url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };
  return {
    ws,
    app,
    url: address,
    home,
    adminToken,
    call,
    upload,
    login,
    stop: async () => {
      await app.close();
      await started.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls a job until it ends. */
export async function waitForJobEnd(
  server: TestServer,
  project: string,
  jobId: string,
  token = server.adminToken,
  timeoutMs = 180_000,
): Promise<Job> {
  // A deadline, not a count of tries: builds on a loaded machine are slow, not wrong.
  const deadline = Date.now() + timeoutMs;
  let status: string | undefined;
  do {
    const r = await server.call<Job>('GET', `/api/projects/${project}/jobs/${jobId}`, { token });
    status = r.body.status;
    if (['succeeded', 'failed', 'aborted'].includes(r.body.status)) return r.body;
    await new Promise((res) => setTimeout(res, 50));
  } while (Date.now() < deadline);
  throw new Error(`job ${jobId} did not end in ${timeoutMs / 1000} s (last status: ${status})`);
}

/** Builds the datasets (mode `only`) and waits for the job's end. */
export async function buildOnly(server: TestServer, project: string, targets: string[]): Promise<Job> {
  const r = await server.call<{ jobId: string }>('POST', `/api/projects/${project}/builds`, {
    token: server.adminToken,
    body: { targets, mode: 'only' },
  });
  if (r.status !== 202) throw new Error(`build of ${targets.join(', ')}: ${r.status} ${JSON.stringify(r.body)}`);
  return waitForJobEnd(server, project, r.body.jobId);
}
