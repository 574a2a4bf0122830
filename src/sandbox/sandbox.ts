import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlanoError } from '../common/errors.js';
import { realpathOr } from '../common/real-path.js';
import { interpreterPath } from './interpreters.js';
import { rCommand } from './r-confinement.js';
import { codeEnvironment, limitMessage, logLine, spawnLimited, type LimitedProcess } from './spawn-limited.js';
import { bundleTypeScript } from './typescript-bundle.js';
import { userTraceback } from './user-traceback.js';
import { SandboxError, type SandboxExit, type SandboxOutcome, type SandboxSpec } from './types.js';

const HARNESS_DIR = fileURLToPath(new URL('./harness/', import.meta.url));
/** The Python module of checks both Python sandboxes make (code, webapp backends). */
export const PYTHON_GUARD = path.join(HARNESS_DIR, 'llano_guard.py');
/** The Python that confines R (llano_landlock.py): the system's, whatever a project's code uses. */
const SYSTEM_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface CallOptions {
  /** Stop the process when the call takes longer (default: the spec's wallSeconds). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Receives what the code sends while the call runs (`llano.emit(data)`: a notebook cell's outputs as they come). */
  onEvent?: (data: unknown) => void;
}

/** A running process of user code whose top-level functions can be called. */
export interface Sandbox {
  readonly pid: number;
  /** The entry's functions, as the code defined them. */
  readonly functions: readonly string[];
  call(fn: string, args: unknown[], options?: CallOptions): Promise<unknown>;
  stop(reason?: string): Promise<SandboxExit>;
  /** Sends SIGINT (Python raises KeyboardInterrupt where the code is); the code decides what to do with it. */
  interrupt(): void;
  readonly exit: Promise<SandboxExit>;
}

interface Message {
  t: 'ready' | 'loadError' | 'result' | 'host' | 'event';
  id?: number;
  ok?: boolean;
  value?: unknown;
  outcome?: SandboxOutcome;
  error?: { message?: string; traceback?: string };
  functions?: string[];
  method?: string;
  args?: unknown[];
  data?: unknown;
}

/**
 * The largest message a process of user code may send (a result, a host call's arguments), in MB
 * of JSON: the server holds it whole, as a string and then parsed. A larger one fails its call.
 */
export const MAX_MESSAGE_MB = 64;

/** Python writes NaN and Infinity, which JSON does not have: they are read as null. Null when not a message. */
function parseMessage(text: string): Message | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = JSON.parse(text.replace(/\b(-?Infinity|NaN)\b/g, 'null'));
    } catch {
      return null;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Message) : null;
}

/** The kind and id of a message from its start (every harness writes `t` and `id` first). */
function messageHead(text: string): { t?: string; id?: number } {
  const head = text.slice(0, 200);
  const t = /^\{\s*"t"\s*:\s*"(\w+)"/.exec(head)?.[1];
  const id = /^\{\s*"t"\s*:\s*"\w+"\s*,\s*"id"\s*:\s*(\d+)/.exec(head)?.[1];
  return { t, id: id === undefined ? undefined : Number(id) };
}

/** `what`: the subject and its verb ("The result is"). */
const tooLargeMessage = (what: string, chars: number, limitMb: number) =>
  `${what} ${(chars / 1024 / 1024).toFixed(1)} MB of JSON, more than the ${limitMb} MB a call may pass between Llano and the code`;

/**
 * The child side of a TypeScript process started ahead of its code (see warm.ts): it waits for
 * one line `{"bundle": path}` on stdin and imports that bundle, whose harness then serves calls.
 */
const DEFERRED_LOADER = `import { pathToFileURL } from 'node:url';
let text = '';
const onData = (chunk) => {
  text += chunk;
  const nl = text.indexOf('\\n');
  if (nl < 0) return;
  process.stdin.off('data', onData);
  process.stdin.off('end', onEnd);
  process.stdin.pause();
  import(pathToFileURL(JSON.parse(text.slice(0, nl)).bundle).href);
};
const onEnd = () => process.exit();
process.stdin.setEncoding('utf8');
process.stdin.on('data', onData);
process.stdin.on('end', onEnd);
`;

/**
 * The command line that runs the harness of a language on the entry. `deferred`: the process
 * starts before its code exists and loads it when told (TypeScript: a loader waits for the
 * bundle's path; Python: the harness waits for a line before loading the entry).
 */
async function commandFor(
  spec: SandboxSpec,
  configuredPython?: string,
  deferred = false,
): Promise<{ command: string; args: string[]; bundle?: string; env?: Record<string, string> }> {
  const { language, workDir, limits } = spec;
  if (language === 'typescript') {
    let script: string;
    let bundle: string | undefined;
    if (deferred) {
      script = path.join(workDir, '.llano-code', 'loader.mjs');
      mkdirSync(path.dirname(script), { recursive: true });
      writeFileSync(script, DEFERRED_LOADER);
    } else {
      bundle = await bundleTypeScript(spec.entry, workDir, spec.libraryPaths, spec.readPaths);
      script = bundle;
    }
    const reads = [workDir, ...(spec.readPaths ?? [])].map((p) => `--allow-fs-read=${path.resolve(p)}`);
    return {
      command: process.execPath,
      args: [
        '--experimental-permission',
        ...reads,
        `--allow-fs-write=${path.resolve(workDir)}`,
        `--max-old-space-size=${limits.memoryMb}`,
        '--disable-warning=ExperimentalWarning',
        '--enable-source-maps',
        script,
      ],
      bundle,
    };
  }
  if (language === 'python') {
    return {
      command: interpreterPath('python', spec.python ?? configuredPython),
      args: ['-u', '-B', path.join(HARNESS_DIR, 'llano_harness.py'), path.resolve(spec.entry)],
    };
  }
  if (deferred) throw new Error('R processes are not started ahead of their code');
  const entry = path.resolve(spec.entry);
  const rLibrary = spec.rLibrary ? [path.resolve(spec.rLibrary)] : [];
  const command = await rCommand({
    script: path.join(HARNESS_DIR, 'llano_harness.R'),
    args: [entry],
    workDir: path.resolve(workDir),
    readPaths: [entry, ...(spec.readPaths ?? []), ...(spec.libraryPaths ?? []), ...rLibrary].map((p) =>
      path.resolve(p),
    ),
    python: SYSTEM_PYTHON,
    launcher: path.join(HARNESS_DIR, 'llano_landlock.py'),
  });
  // R's own start-up profile puts R_LIBS's folders first in .libPaths(), before the machine's libraries.
  return rLibrary.length ? { ...command, env: { ...command.env, R_LIBS: rLibrary[0] } } : command;
}

const failureOf = (exit: SandboxExit) =>
  new SandboxError(exit.outcome === 'ok' ? 'exited' : exit.outcome, exit.message);

/**
 * Starts a process running `spec.entry` under the spec's limits, and resolves once the entry has
 * loaded (a load or compile error rejects with the language's traceback). Python and R calls run
 * one at a time; TypeScript calls may overlap.
 */
export async function startSandbox(
  spec: SandboxSpec,
  options: { python?: string; lifetimeSeconds?: number } = {},
): Promise<Sandbox> {
  return (await launch(spec, options, false)).load(spec);
}

/** A process of user code started ahead of its code: `load` gives it the code (once). */
export interface DeferredSandbox {
  readonly exit: Promise<SandboxExit>;
  /** Whether the process has ended (it is of no use then). */
  readonly ended: boolean;
  /** Loads `spec.entry` (same language, work folder, libraries and limits as at start) and resolves once loaded. */
  load(spec: SandboxSpec): Promise<Sandbox>;
  stop(reason?: string): Promise<SandboxExit>;
}

/**
 * Starts the process for `base` (its language, work folder, library and read folders, limits and
 * environment) without code: the interpreter's start-up, and what `preload` names (Python
 * modules), are paid before the code is known. See warm.ts.
 */
export function startDeferredSandbox(
  base: SandboxSpec,
  options: { python?: string; preload?: string[] } = {},
): Promise<DeferredSandbox> {
  return launch(base, options, true);
}

async function launch(
  base: SandboxSpec,
  options: { python?: string; lifetimeSeconds?: number; preload?: string[] },
  deferred: boolean,
): Promise<DeferredSandbox> {
  mkdirSync(base.workDir, { recursive: true });
  const { command, args, bundle: startBundle, env: commandEnv } = await commandFor(base, options.python, deferred);
  // The code's own callbacks (log, host functions) and wall limit are those of the spec it is loaded with.
  let spec = base;
  const nonce = randomBytes(12).toString('hex');
  const marker = `\x1e${nonce} `;
  const env = codeEnvironment(path.resolve(spec.workDir), {
    ...spec.env,
    ...commandEnv,
    LLANO_SANDBOX_NONCE: nonce,
    LLANO_SANDBOX_HOST: JSON.stringify(Object.keys(spec.host ?? {})),
    LLANO_SANDBOX_READ: JSON.stringify(spec.readPaths ?? []),
    LLANO_SANDBOX_LIBRARIES: JSON.stringify(spec.libraryPaths ?? []),
    LLANO_SANDBOX_OUTBOUND_ALLOW: JSON.stringify(spec.limits.outboundAllow ?? []),
    PYTHONDONTWRITEBYTECODE: '1',
    ...(deferred ? { LLANO_SANDBOX_DEFERRED: '1', LLANO_SANDBOX_PRELOAD: (options.preload ?? []).join(',') } : {}),
  });
  const log = (line: string, stream: 'stdout' | 'stderr') => spec.onLog?.(line, stream);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const eventSinks = new Map<number, (data: unknown) => void>();
  let ready: { resolve: (functions: string[]) => void; reject: (e: Error) => void } | null = null;
  const readyPromise = new Promise<string[]>((resolve, reject) => (ready = { resolve, reject }));
  // A process that ends before it is loaded is only noticed by `load`.
  readyPromise.catch(() => undefined);
  let proc: LimitedProcess | null = null;

  const reply = (message: Record<string, unknown>) => proc?.child.stdin?.write(`${JSON.stringify(message)}\n`);
  const answerHost = async (message: Message) => {
    const fn = spec.host?.[message.method ?? ''];
    const base = { t: 'hostReply', id: message.id };
    try {
      if (!fn) throw new LlanoError('bad_request', 400, `llano.${message.method} is not available here`);
      const value = (await fn(...(message.args ?? []))) ?? null;
      reply(
        spec.language === 'r' ? { ...base, ok: true, valueJson: JSON.stringify(value) } : { ...base, ok: true, value },
      );
    } catch (err) {
      reply({ ...base, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const onMessage = (message: Message) => {
    if (message.error) message.error = withoutServerFolders(message.error, spec);
    // From the user's code inward: the harnesses' frames (and their server paths) go.
    if (message.error?.traceback) message.error.traceback = userTraceback(spec.language, message.error.traceback);
    if (message.t === 'ready') ready?.resolve(message.functions ?? []);
    else if (message.t === 'loadError')
      ready?.reject(
        new SandboxError('error', `The code failed to load: ${message.error?.message ?? ''}`, message.error?.traceback),
      );
    else if (message.t === 'host') void answerHost(message);
    else if (message.t === 'event') eventSinks.get(message.id ?? -1)?.(message.data);
    else if (message.t === 'result') {
      const wait = pending.get(message.id ?? -1);
      pending.delete(message.id ?? -1);
      if (message.ok) wait?.resolve(message.value ?? null);
      else {
        const error = message.error ?? {};
        const outcome = message.outcome ?? 'error';
        const text = outcome === 'memory' ? limitMessage.memory(spec.limits) : (error.message ?? 'The code failed');
        if (error.traceback) for (const line of error.traceback.trimEnd().split('\n')) log(line, 'stderr');
        wait?.reject(new SandboxError(outcome === 'ok' ? 'error' : outcome, text, error.traceback ?? ''));
      }
    }
  };
  const maxMessageMb = base.maxMessageMb ?? MAX_MESSAGE_MB;
  const maxMessageChars = maxMessageMb * 1024 * 1024;
  /** A message over the limit fails what it carries (a call's result, a host call), not the process. */
  const onTooLarge = (text: string, chars: number) => {
    const { t, id } = messageHead(text);
    const wait = pending.get(id ?? -1);
    if (t === 'result' && wait) {
      pending.delete(id!);
      const message = tooLargeMessage('The result is', chars, maxMessageMb);
      wait.reject(new SandboxError('error', message, '', 502, 'code_result_too_large'));
    } else if (t === 'host' && id !== undefined) {
      const method = /"method"\s*:\s*"(\w+)"/.exec(text.slice(0, 300))?.[1] ?? 'call';
      const message = tooLargeMessage(`The arguments of llano.${method} are`, chars, maxMessageMb);
      reply({ t: 'hostReply', id, ok: false, error: message });
    } else throw new Error(tooLargeMessage('A message is', chars, maxMessageMb));
  };
  proc = spawnLimited({
    command,
    args,
    workDir: spec.workDir,
    limits: spec.limits,
    env,
    onLog: log,
    boundAddressSpace: spec.language !== 'typescript',
    lifetimeSeconds: options.lifetimeSeconds,
    maxStdoutLine: maxMessageChars + marker.length,
    onStdoutLine: (line, dropped) => {
      const at = line.indexOf(marker);
      if (at < 0) return log(logLine(line, dropped), 'stdout');
      if (at > 0) log(logLine(line.slice(0, at)), 'stdout');
      const text = line.slice(at + marker.length);
      if (dropped > 0) return onTooLarge(text, text.length + dropped);
      const message = parseMessage(text);
      if (!message) throw new Error(`a message is not a JSON object: ${text.slice(0, 80)}`);
      onMessage(message);
    },
  });
  const running = proc;
  void running.exit.then((exit) => {
    ready?.reject(failureOf(exit));
    for (const wait of pending.values()) wait.reject(failureOf(exit));
    pending.clear();
  });
  let ended = false;
  void running.exit.then(() => (ended = true));
  let loaded = false;

  const load = async (loadSpec: SandboxSpec): Promise<Sandbox> => {
    if (loaded) throw new Error('a sandbox process loads its code once');
    loaded = true;
    let bundle = startBundle;
    try {
      if (deferred) {
        const same =
          loadSpec.language === base.language &&
          path.resolve(loadSpec.workDir) === path.resolve(base.workDir) &&
          path.resolve(loadSpec.entry) === path.resolve(base.entry) &&
          JSON.stringify(loadSpec.libraryPaths ?? []) === JSON.stringify(base.libraryPaths ?? []) &&
          JSON.stringify(loadSpec.readPaths ?? []) === JSON.stringify(base.readPaths ?? []) &&
          loadSpec.limits.memoryMb === base.limits.memoryMb &&
          loadSpec.limits.cpuSeconds === base.limits.cpuSeconds;
        if (!same) throw new Error('the code must run in the folder, with the libraries and limits, its process has');
        spec = loadSpec;
        if (spec.language === 'typescript') {
          bundle = await bundleTypeScript(spec.entry, spec.workDir, spec.libraryPaths, spec.readPaths);
          proc?.child.stdin?.write(`${JSON.stringify({ bundle })}\n`);
        } else reply({ t: 'load' });
      }
      return makeSandbox(await readyPromise);
    } catch (err) {
      await running.stop();
      throw err;
    } finally {
      // Read once at start: the loaded module needs it no more.
      if (bundle) rmSync(bundle, { force: true });
    }
  };

  let nextId = 0;
  // Python and R answer one call at a time; queueing here keeps a slow call's time limit its own.
  let queue: Promise<unknown> = Promise.resolve();
  const callNow = (fn: string, callArgs: unknown[], opts: CallOptions): Promise<unknown> => {
    const id = ++nextId;
    const limitMs = opts.timeoutMs ?? spec.limits.wallSeconds * 1000;
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (opts.onEvent) eventSinks.set(id, opts.onEvent);
      const timer = setTimeout(() => void running.stop(limitMessage.timeout(spec.limits), 'timeout'), limitMs);
      const onAbort = () => void running.stop('The call was cancelled');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        eventSinks.delete(id);
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const wait = pending.get(id)!;
      pending.set(id, {
        resolve: (v) => (done(), wait.resolve(v)),
        reject: (e) => (done(), wait.reject(e)),
      });
      const message =
        spec.language === 'r'
          ? { t: 'call', id, fn, argsJson: callArgs.map((a) => JSON.stringify(a ?? null)) }
          : { t: 'call', id, fn, args: callArgs };
      reply(message);
    });
  };

  const makeSandbox = (functions: string[]): Sandbox => ({
    pid: running.pid,
    functions,
    exit: running.exit,
    stop: (reason) => running.stop(reason),
    interrupt: () => void running.child.kill('SIGINT'),
    call(fn, callArgs, opts = {}) {
      if (opts.signal?.aborted) return Promise.reject(new SandboxError('stopped', 'The call was cancelled'));
      if (spec.language === 'typescript') return callNow(fn, callArgs, opts);
      const result = queue.then(() => callNow(fn, callArgs, opts));
      queue = result.catch(() => undefined);
      return result;
    },
  });

  return {
    exit: running.exit,
    get ended() {
      return ended;
    },
    load,
    stop: (reason) => running.stop(reason),
  };
}

/** One-shot: starts the code, calls `fn` once, stops it. The wall limit covers the whole run, start included. */
export async function runInSandbox(
  spec: SandboxSpec,
  fn: string,
  args: unknown[],
  options: { python?: string; signal?: AbortSignal } = {},
): Promise<unknown> {
  const sandbox = await startSandbox(spec, { python: options.python, lifetimeSeconds: spec.limits.wallSeconds });
  try {
    return await sandbox.call(fn, args, { signal: options.signal });
  } finally {
    await sandbox.stop();
  }
}

/**
 * The code's error as users see it, its files named by their names: the server's work folder and
 * the project's library folders (as given and as resolved) say nothing to them and are not theirs
 * to know. Every language's messages and tracebacks pass here (`File "recipe.py", line 1`,
 * `at run (recipe.ts:3:9)`).
 */
function withoutServerFolders(
  error: { message?: string; traceback?: string },
  spec: SandboxSpec,
): { message?: string; traceback?: string } {
  const folders: [string, string][] = [
    [spec.workDir, ''],
    ...(spec.libraryPaths ?? []).map((p): [string, string] => [p, 'libraries/']),
  ].flatMap(([folder, shown]): [string, string][] => {
    const resolved = realpathOr(folder);
    return resolved === folder
      ? [[folder, shown]]
      : [
          [folder, shown],
          [resolved, shown],
        ];
  });
  const strip = (text: string | undefined) =>
    text === undefined
      ? undefined
      : folders.reduce((t, [folder, shown]) => t.split(`${path.resolve(folder)}${path.sep}`).join(shown), text);
  return { message: strip(error.message), traceback: strip(error.traceback) };
}
