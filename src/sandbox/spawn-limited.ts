import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { LogSink, SandboxExit, SandboxLimits, SandboxOutcome } from './types.js';

/** A line longer than this is cut in the log (a runaway print must not fill the server's memory). */
const MAX_LINE = 16_384;
/**
 * Longest protocol message (a line holding `messageMarker`): a notebook cell's outputs, with
 * their tables and images, are one message, often longer than a log line.
 */
const MAX_MESSAGE = 64 * 1024 * 1024;
/** How often the resident memory of the process is read (Linux /proc). */
const MEMORY_POLL_MS = 100;
/** Grace between SIGTERM and SIGKILL when a process is stopped. */
const STOP_GRACE_MS = 500;

export interface LimitedSpec {
  command: string;
  args: string[];
  workDir: string;
  limits: SandboxLimits;
  env?: Record<string, string>;
  onLog?: LogSink;
  /** Receives stdout line by line instead of the log (a caller that speaks a protocol there). */
  onStdoutLine?: (line: string) => void;
  /** Lines of stdout holding this are the caller's protocol messages: cut at MAX_MESSAGE, not MAX_LINE. */
  messageMarker?: string;
  /**
   * Also bound the address space (`ulimit -v`), so that one huge allocation fails at once in the
   * code (Python MemoryError, R "cannot allocate") instead of between two memory reads. Not for
   * Node, whose heap reserves far more address space than it uses.
   */
  boundAddressSpace?: boolean;
  /** Stop the process after this long whatever it does (one-shot runs); unset: no lifetime limit. */
  lifetimeSeconds?: number;
}

export interface LimitedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Settles when the process has ended, with why. */
  readonly exit: Promise<SandboxExit>;
  /** Stops the process; `outcome` says why (a limit the caller watches, or a plain stop). */
  stop(reason?: string, outcome?: Extract<SandboxOutcome, 'stopped' | 'timeout' | 'memory'>): Promise<SandboxExit>;
}

/** The environment user code gets: enough to run, nothing of the server's (its secrets stay out). */
export function codeEnvironment(workDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: workDir,
    TMPDIR: workDir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // Numeric libraries start a thread per core by default; user code shares the server's cores.
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    ...extra,
  };
}

export const limitMessage = {
  memory: (l: SandboxLimits) =>
    `The code used more than ${l.memoryMb} MB of memory and was stopped (memory limit; default LLANO_CODE_MEMORY_MB)`,
  timeout: (l: SandboxLimits) =>
    `The code ran longer than ${l.wallSeconds} s and was stopped (time limit; default LLANO_CODE_WALL_SECONDS)`,
  cpu: (l: SandboxLimits) =>
    `The code used more than ${l.cpuSeconds} s of CPU time and was stopped (CPU limit; default LLANO_CODE_CPU_SECONDS)`,
};

/** Resident memory of a process in MB, or null once it is gone. */
async function residentMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/**
 * Calls `emit` with each whole line of a stream, cut at MAX_LINE (at MAX_MESSAGE when it holds
 * `marker`); the rest is flushed at the end.
 */
function splitLines(stream: NodeJS.ReadableStream, emit: (line: string) => void, marker?: string): () => void {
  let pending = '';
  // Whether the unfinished line is a protocol message (looked for once it is long).
  let message = false;
  const limitOf = (line: string) => (marker && line.includes(marker) ? MAX_MESSAGE : MAX_LINE);
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      emit(line.length > MAX_LINE ? line.slice(0, limitOf(line)) : line);
      pending = pending.slice(nl + 1);
      message = false;
    }
    if (pending.length > MAX_LINE) {
      message ||= limitOf(pending) === MAX_MESSAGE;
      if (pending.length > (message ? MAX_MESSAGE : MAX_LINE)) {
        emit(pending.slice(0, message ? MAX_MESSAGE : MAX_LINE));
        pending = '';
        message = false;
      }
    }
  });
  return () => {
    if (pending) emit(pending);
    pending = '';
  };
}

/**
 * Spawns a program with the limits of user code: CPU time and (optionally) address space through
 * `ulimit` in a shell that then `exec`s the program (so the pid is the program's), resident memory
 * read every 100 ms, an optional lifetime, a scrubbed environment, cwd = workDir, output line by line.
 */
export function spawnLimited(spec: LimitedSpec): LimitedProcess {
  const { limits } = spec;
  const ulimits = [`ulimit -t ${Math.max(1, Math.ceil(limits.cpuSeconds))}`];
  // Headroom over the resident limit: shared libraries and allocator arenas are address space too.
  if (spec.boundAddressSpace) ulimits.push(`ulimit -v ${Math.ceil((limits.memoryMb * 2 + 512) * 1024)}`);
  const child = spawn('/bin/sh', ['-c', `${ulimits.join(' && ')} && exec "$0" "$@"`, spec.command, ...spec.args], {
    cwd: spec.workDir,
    env: spec.env ?? codeEnvironment(spec.workDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  let stopped: { outcome: SandboxOutcome; message: string } | null = null;
  let heapExhausted = false;
  const log = spec.onLog ?? (() => {});
  const flushOut = splitLines(child.stdout, spec.onStdoutLine ?? ((line) => log(line, 'stdout')), spec.messageMarker);
  const flushErr = splitLines(child.stderr, (line) => {
    if (/JavaScript heap out of memory|Reached heap limit/.test(line)) heapExhausted = true;
    log(line, 'stderr');
  });
  // A closed stdin (the process ended first) must not become an unhandled error.
  child.stdin.on('error', () => {});

  const kill = (signal: NodeJS.Signals) => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };

  const exit = new Promise<SandboxExit>((resolve) => {
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearInterval(memoryWatch);
      clearTimeout(lifetime);
      flushOut();
      flushErr();
      resolve(classifyExit(exitCode, signal, stopped, heapExhausted, limits));
    };
    child.once('error', (err) => {
      stopped ??= { outcome: 'error', message: `Could not start ${spec.command}: ${err.message}` };
      finish(null, null);
    });
    child.once('close', finish);
  });

  const stop: LimitedProcess['stop'] = (reason, outcome = 'stopped') => {
    stopped ??= { outcome, message: reason ?? 'The code was stopped' };
    kill('SIGTERM');
    const hard = setTimeout(() => kill('SIGKILL'), STOP_GRACE_MS);
    return exit.finally(() => clearTimeout(hard));
  };

  const memoryWatch = setInterval(() => {
    void residentMb(pid).then((mb) => {
      if (mb !== null && mb > limits.memoryMb && !stopped) {
        stopped = { outcome: 'memory', message: limitMessage.memory(limits) };
        kill('SIGKILL');
      }
    });
  }, MEMORY_POLL_MS);
  memoryWatch.unref();
  const lifetime =
    spec.lifetimeSeconds === undefined
      ? undefined
      : setTimeout(() => void stop(limitMessage.timeout(limits), 'timeout'), spec.lifetimeSeconds * 1000);
  lifetime?.unref();

  return { pid, child, exit, stop };
}

function classifyExit(
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  stopped: { outcome: SandboxOutcome; message: string } | null,
  heapExhausted: boolean,
  limits: SandboxLimits,
): SandboxExit {
  if (stopped) return { outcome: stopped.outcome, exitCode, signal, message: stopped.message };
  if (signal === 'SIGXCPU') return { outcome: 'cpu', exitCode, signal, message: limitMessage.cpu(limits) };
  if (heapExhausted) return { outcome: 'memory', exitCode, signal, message: limitMessage.memory(limits) };
  if (signal) return { outcome: 'exited', exitCode, signal, message: `The code's process was killed (${signal})` };
  return {
    outcome: 'exited',
    exitCode,
    signal,
    message: `The code ended its process (exit code ${exitCode ?? 'unknown'})`,
  };
}
