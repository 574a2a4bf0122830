import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, startSandbox, type SandboxLimits, type SandboxSpec } from '../src/sandbox/index.js';

/**
 * What Python code may reach besides files (found by a trial: a notebook cell opened the catalog
 * with sqlite3 and made its user an admin, and connected to the server's own port): SQLite files
 * only in its work folder, no native code through ctypes, no internal addresses unless
 * LLANO_OUTBOUND_ALLOW lists them. numpy and pandas still work.
 */
const CODE = `
import sqlite3, socket, ctypes
def sqlite_outside(path):
    sqlite3.connect(path).execute("select 1")
def sqlite_inside():
    c = sqlite3.connect("mine.db")
    c.execute("create table t (x)")
    c.execute("insert into t values (42)")
    return c.execute("select x from t").fetchone()[0]
def sqlite_memory():
    return sqlite3.connect(":memory:").execute("select 7").fetchone()[0]
def libc_function():
    return ctypes.CDLL(None).getpid()
def load_library():
    ctypes.CDLL("libc.so.6")
def read_memory():
    return ctypes.c_char.from_address(id(b"x")).value
def connect(host, port):
    socket.create_connection((host, port), timeout=5).close()
    return "connected"
def frames():
    import numpy, pandas
    return int(pandas.DataFrame({"a": numpy.arange(4)}).a.sum())
`;

describe('sandbox: what Python code may reach', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-sandbox-reach-'));
  const secret = path.join(root, 'catalog.db');
  let listener: Server;
  let port = 0;
  beforeAll(async () => {
    mkdirSync(path.join(root, 'code'));
    writeFileSync(path.join(root, 'code', 'app.py'), CODE);
    writeFileSync(secret, '');
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const spec = (limits: Partial<SandboxLimits> = {}): SandboxSpec => ({
    language: 'python',
    entry: path.join(root, 'code', 'app.py'),
    workDir: path.join(root, 'work'),
    readPaths: [path.join(root, 'code')],
    limits: { memoryMb: 400, wallSeconds: 30, cpuSeconds: 60, ...limits },
  });
  const refusal = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxError);
    return (error as SandboxError).message;
  };

  it('opens SQLite databases in its work folder only, and no native code', async () => {
    const sandbox = await startSandbox(spec());
    try {
      expect(await refusal(sandbox.call('sqlite_outside', [secret]))).toMatch(
        /may open SQLite databases only inside its own folder/,
      );
      expect(await refusal(sandbox.call('sqlite_outside', [`file:${secret}?mode=ro`]))).toMatch(/SQLite/);
      expect(await sandbox.call('sqlite_inside', [])).toBe(42);
      expect(await sandbox.call('sqlite_memory', [])).toBe(7);
      for (const fn of ['libc_function', 'load_library', 'read_memory'])
        expect(await refusal(sandbox.call(fn, [])), fn).toMatch(/may not use native code through ctypes/);
      expect(await sandbox.call('frames', [])).toBe(6);
    } finally {
      await sandbox.stop();
    }
  });

  it('connects to no internal address unless LLANO_OUTBOUND_ALLOW lists it', async () => {
    const closed = await startSandbox(spec());
    try {
      for (const host of ['127.0.0.1', 'localhost', '::ffff:127.0.0.1'])
        expect(await refusal(closed.call('connect', [host, port])), host).toMatch(
          /may not connect to .*: an internal address \(LLANO_OUTBOUND_ALLOW/,
        );
    } finally {
      await closed.stop();
    }
    const open = await startSandbox(spec({ outboundAllow: ['127.0.0.1'] }));
    try {
      expect(await open.call('connect', ['127.0.0.1', port])).toBe('connected');
    } finally {
      await open.stop();
    }
  });

  it('TypeScript code too: fetch, http and net refuse internal addresses unless allowed', async () => {
    mkdirSync(path.join(root, 'ts'), { recursive: true });
    writeFileSync(
      path.join(root, 'ts', 'app.ts'),
      `import net from 'node:net';
export async function fetchIt(url: string) { return (await fetch(url)).status; }
export function socketTo(host: string, port: number) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => { s.end(); resolve('connected'); });
    s.on('error', reject);
  });
}
`,
    );
    const tsSpec = (limits: Partial<SandboxLimits> = {}): SandboxSpec => ({
      ...spec(limits),
      language: 'typescript',
      entry: path.join(root, 'ts', 'app.ts'),
      readPaths: [path.join(root, 'ts')],
    });
    const closed = await startSandbox(tsSpec());
    try {
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, 'http://169.254.169.254/latest/'])
        expect(await refusal(closed.call('fetchIt', [url])), url).toMatch(/fetch failed|may not connect/);
      expect(await refusal(closed.call('socketTo', ['127.0.0.1', port]))).toMatch(
        /may not connect to 127\.0\.0\.1: an internal address \(LLANO_OUTBOUND_ALLOW/,
      );
      expect(await refusal(closed.call('socketTo', ['localhost', port]))).toMatch(/may not connect to localhost/);
    } finally {
      await closed.stop();
    }
    const open = await startSandbox(tsSpec({ outboundAllow: ['127.0.0.1'] }));
    try {
      expect(await open.call('socketTo', ['127.0.0.1', port])).toBe('connected');
    } finally {
      await open.stop();
    }
  });
});
