import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import {
  runInSandbox,
  sandboxPool,
  SandboxError,
  startSandbox,
  warmSandboxes,
  type CodeLanguage,
  type SandboxLimits,
  type SandboxSpec,
} from '../src/sandbox/index.js';
import { MAX_WAITING } from '../src/sandbox/warm.js';
import { failure } from './support/sandbox-failure.js';

/** The same small program in each language: a host call, a raised error, and the ways code goes wrong. */
const CODE: Record<CodeLanguage, { file: string; text: string }> = {
  typescript: {
    file: 'app.ts',
    text: `
import { readFileSync, writeFileSync } from 'node:fs';
import { double } from './lib.ts';
export async function hello(name: string, llano: any) { console.log('hello from ' + name); return { name, x: await llano.twice(double(5)), env: process.env.SANDBOX_SECRET ?? null }; }
export function boom() { throw new TypeError('kaboom'); }
export function spin() { for (;;) {} }
export function hog() { const a: unknown[] = []; for (;;) a.push(new Array(1e6).fill(1.5)); }
export function leave() { process.exit(3); }
export function steal() { return readFileSync('/etc/passwd', 'utf8'); }
export function scribble() { writeFileSync('/tmp/llano-sandbox-escape.txt', 'x'); }
export function refused(llano: any) { return llano.refuse(); }
`,
  },
  python: {
    file: 'app.py',
    text: `
import os
def hello(name, llano):
    print("hello from " + name)
    return {"name": name, "x": llano.twice(10), "env": os.environ.get("SANDBOX_SECRET")}
def boom():
    raise TypeError("kaboom")
def spin():
    while True:
        pass
def hog():
    a = []
    while True:
        a.append(bytearray(10**7))
def leave():
    import sys
    sys.exit(3)
def steal():
    return open("/etc/passwd").read()
def scribble():
    open("/tmp/llano-sandbox-escape.txt", "w").write("x")
def refused(llano):
    return llano.refuse()
`,
  },
  r: {
    file: 'app.R',
    text: `
hello <- function(name, llano) { cat("hello from", name, "\\n"); list(name = name, x = llano$twice(10), env = Sys.getenv("SANDBOX_SECRET", NA)) }
boom <- function() stop("kaboom")
spin <- function() repeat {}
hog <- function() { x <- list(); i <- 0; repeat { i <- i + 1; x[[i]] <- rep(1.5, 1e7) } }
leave <- function() quit(status = 3)
refused <- function(llano) llano$refuse()
`,
  },
};

const root = mkdtempSync(path.join(tmpdir(), 'llano-sandbox-'));
const limits: SandboxLimits = { memoryMb: 200, wallSeconds: 20, cpuSeconds: 60 };
const host = {
  twice: (n: unknown) => (n as number) * 2,
  refuse: () => {
    throw new Error('not allowed here');
  },
};

function specFor(language: CodeLanguage, overrides: Partial<SandboxSpec> = {}): SandboxSpec & { logs: string[] } {
  const workDir = path.join(root, language);
  const { file, text } = CODE[language];
  writeFileSync(path.join(root, 'lib.ts'), 'export const double = (n: number) => n * 2;\n');
  writeFileSync(path.join(root, file), text);
  const logs: string[] = [];
  return {
    language,
    entry: path.join(root, file),
    workDir,
    readPaths: [root],
    limits,
    host,
    onLog: (line) => logs.push(line),
    logs,
    ...overrides,
  };
}

process.env.SANDBOX_SECRET = 'the server environment must not leak';
afterAll(() => delete process.env.SANDBOX_SECRET);

describe.each(['typescript', 'python', 'r'] as const)('sandbox: %s', (language) => {
  it('calls a function with JSON in and out, answers its host calls, and keeps its prints in the log', async () => {
    const spec = specFor(language);
    const sandbox = await startSandbox(spec);
    try {
      expect(await sandbox.call('hello', ['ann'])).toEqual({ name: 'ann', x: 20, env: null });
      expect(spec.logs.join('\n')).toMatch(/hello from ann/);
      const refused = await failure(sandbox.call('refused', []));
      expect(refused.message).toMatch(/not allowed here/);
      // A raised error keeps the process: the next call works.
      const boom = await failure(sandbox.call('boom', []));
      expect(boom.outcome).toBe('error');
      expect(boom.message).toMatch(/kaboom/);
      expect(boom.traceback).toMatch(/kaboom/);
      expect(await sandbox.call('hello', ['bob'])).toMatchObject({ name: 'bob' });
      expect((await failure(sandbox.call('nothing', []))).message).toMatch(/no function nothing/);
    } finally {
      await sandbox.stop();
    }
  });

  it('stops code that runs past its time limit', async () => {
    const err = await failure(runInSandbox(specFor(language, { limits: { ...limits, wallSeconds: 2 } }), 'spin', []));
    expect(err.outcome).toBe('timeout');
    expect(err.message).toMatch(/longer than 2 s/);
  });

  it('stops code that uses more memory than its limit', async () => {
    const err = await failure(runInSandbox(specFor(language, { limits: { ...limits, wallSeconds: 120 } }), 'hog', []));
    expect(err.outcome).toBe('memory');
    expect(err.message).toMatch(/more than 200 MB/);
  });

  it('reports code that ends its own process', async () => {
    const err = await failure(runInSandbox(specFor(language), 'leave', []));
    expect(err.outcome).toBe('exited');
    expect(err.message).toMatch(/exit code 3/);
  });
});

describe.each(['typescript', 'python'] as const)('sandbox files: %s', (language) => {
  it('refuses reading and writing outside the folders it was given', async () => {
    const spec = specFor(language);
    const sandbox = await startSandbox(spec);
    try {
      expect((await failure(sandbox.call('steal', []))).message).toMatch(/restricted|may not read/);
      expect((await failure(sandbox.call('scribble', []))).message).toMatch(/restricted|may write only/);
      expect(existsSync('/tmp/llano-sandbox-escape.txt')).toBe(false);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('sandbox start', () => {
  it('names the file and line of a compile error', async () => {
    writeFileSync(path.join(root, 'broken.ts'), 'export const x = 1;\nexport const y = ;\n');
    const err = await failure(startSandbox(specFor('typescript', { entry: path.join(root, 'broken.ts') })));
    expect(err.message).toMatch(/broken\.ts:2:\d+: Unexpected ";"/);
  });

  it('gives the traceback of a Python module that fails to load', async () => {
    writeFileSync(path.join(root, 'broken.py'), 'import not_a_module_anywhere\n');
    const err = await failure(startSandbox(specFor('python', { entry: path.join(root, 'broken.py') })));
    expect(err.message).toMatch(/No module named 'not_a_module_anywhere'/);
    expect(err.traceback).toMatch(/broken\.py/);
  });

  it("names a Python syntax error's file without the server's work folder", async () => {
    const workDir = path.join(root, 'syntax-work');
    mkdirSync(workDir, { recursive: true });
    writeFileSync(path.join(workDir, 'recipe.py'), 'def run_recipe(:\n    pass\n');
    const err = await failure(startSandbox(specFor('python', { workDir, entry: path.join(workDir, 'recipe.py') })));
    expect(err.message).toMatch(/SyntaxError/);
    expect(err.traceback).toMatch(/File "recipe\.py", line 1/);
    expect(`${err.message}\n${err.traceback}`).not.toContain(root);
  });

  it("names a TypeScript error's file without the server's work folder", async () => {
    const workDir = path.join(root, 'ts-work');
    mkdirSync(workDir, { recursive: true });
    writeFileSync(path.join(workDir, 'recipe.ts'), "export function boom() { throw new TypeError('kaboom'); }\n");
    const sandbox = await startSandbox(specFor('typescript', { workDir, entry: path.join(workDir, 'recipe.ts') }));
    try {
      const err = await failure(sandbox.call('boom', []));
      expect(err.traceback).toMatch(/at boom \(recipe\.ts:1:\d+\)/);
      expect(`${err.message}\n${err.traceback}`).not.toContain(root);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('sandbox pool', () => {
  it('restarts a process that died and stops one left idle', async () => {
    const ws = await Workspace.open(loadConfig({ home: path.join(root, 'ws') }, {}));
    try {
      const pool = sandboxPool(ws);
      const spec = () => specFor('python');
      expect(await pool.call('app', spec, 'hello', ['ann'])).toMatchObject({ x: 20 });
      const firstPid = pool.running()[0].pid;
      expect((await failure(pool.call('app', spec, 'leave', []))).outcome).toBe('exited');
      // A call that hit a limit: the very next call gets a fresh process, not the dying one.
      expect((await failure(pool.call('app', spec, 'hog', []))).outcome).toBe('memory');
      expect(await pool.call('app', spec, 'hello', ['cy'])).toMatchObject({ name: 'cy' });
      expect(await pool.call('app', spec, 'hello', ['bob'], { idleSeconds: 0.5 })).toMatchObject({ name: 'bob' });
      expect(pool.running()[0].pid).not.toBe(firstPid);
      await new Promise((r) => setTimeout(r, 1500));
      expect(pool.running()).toEqual([]);
    } finally {
      await ws.close();
    }
  });
});

describe('processes started ahead of their runs', () => {
  /** Polls `ready` every 50 ms until it holds (the next process starts half a second after a run's ends). */
  const until = async (what: string, ready: () => boolean) => {
    for (let i = 0; i < 600 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!ready()) throw new Error(`gave up waiting for ${what}`);
  };

  it("keeps a process of a recipe's own limits waiting, which enforces them, and never more than MAX_WAITING", async () => {
    const ws = await Workspace.open(loadConfig({ home: path.join(root, 'ws-warm') }, {}));
    try {
      const warm = warmSandboxes(ws);
      /** Takes a process for Python code of `memoryMb` and calls `fn` in it; answers the run's folder and the call's outcome. */
      const run = async (memoryMb: number, fn: string) => {
        const taken = warm.take({
          language: 'python',
          limits: { ...limits, memoryMb, wallSeconds: 120 },
          entryName: 'app.py',
          libraryName: 'lib',
        });
        writeFileSync(path.join(taken.workDir, 'app.py'), `${CODE.python.text}\ndef ok():\n    return 1\n`);
        const sandbox = await taken.start({});
        const outcome = await sandbox.call(fn, []).then(
          () => 'ok',
          (error: unknown) => (error instanceof SandboxError ? `${error.outcome}: ${error.message}` : String(error)),
        );
        await sandbox.stop();
        return { folder: taken.workDir, outcome };
      };

      // The first run of a shape starts its process when taken; a memory bomb over its limit is stopped.
      expect((await run(200, 'hog')).outcome).toMatch(/^memory: .*more than 200 MB/);
      await until('a process of the same limits to wait', () => warm.waitingFolders().length === 1);
      const [waiting] = warm.waitingFolders();
      // The next run of the shape takes it, and its limit holds as in a process started for the run.
      const second = await run(200, 'hog');
      expect(second.folder).toBe(waiting);
      expect(second.outcome).toMatch(/^memory: .*more than 200 MB/);
      await until('the next process of those limits', () => warm.waitingFolders().length === 1);

      // One shape of limits after another: the processes waiting stay MAX_WAITING at most, the oldest stopped.
      const seen = new Set<string>();
      for (let i = 1; i <= MAX_WAITING + 1; i++) {
        const before = warm.waitingFolders();
        expect((await run(200 + i, 'ok')).outcome).toBe('ok');
        await until(`the process after run ${i}`, () => warm.waitingFolders().some((f) => !before.includes(f)));
        for (const f of warm.waitingFolders()) seen.add(f);
        expect(warm.waitingFolders().length).toBe(Math.min(i + 1, MAX_WAITING));
      }
      const kept = warm.waitingFolders();
      const stopped = [...seen].filter((f) => !kept.includes(f));
      expect(stopped.length).toBe(seen.size - MAX_WAITING);
      await until("the stopped processes' folders to be removed", () => stopped.every((f) => !existsSync(f)));
    } finally {
      await ws.close();
    }
  }, 120_000);
});
