import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LogSink, SandboxExit, SandboxLimits, SandboxOutcome } from './types.js';

/** A line longer than this is cut in the log (a runaway print must not fill the server's memory). */
const MAX_LINE = 16_384;
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
  /**
   * Receives stdout line by line instead of the log (a caller that speaks a protocol there): each
   * line whole up to `maxStdoutLine` characters, else its first `maxStdoutLine` and the count of
   * those dropped. A throw there stops the process (it cannot reach the stream, nor end the server).
   */
  onStdoutLine?: (line: string, dropped: number) => void;
  /** The longest stdout line `onStdoutLine` receives whole (default: the log's 16 KB). */
  maxStdoutLine?: number;
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
 * Calls `emit` with each line of a stream (the rest is flushed at the end). A line longer than
 * `maxLine` is emitted once its end arrives, as its first `maxLine` characters with the count of
 * those dropped: what the server holds of one line stays bounded whatever the process writes.
 */
function splitLines(
  stream: NodeJS.ReadableStream,
  maxLine: number,
  emit: (line: string, dropped: number) => void,
): () => void {
  // The pieces of the line so far, joined once at its end (a 5 MB line arrives in 64 KB chunks).
  let pieces: string[] = [];
  let kept = 0;
  let dropped = 0;
  const take = (piece: string) => {
    const room = maxLine - kept;
    const taken = piece.length <= room ? piece : piece.slice(0, room);
    if (taken) pieces.push(taken);
    kept += taken.length;
    dropped += piece.length - taken.length;
  };
  const end = () => {
    const line = pieces.join('');
    const cut = dropped;
    pieces = [];
    kept = 0;
    dropped = 0;
    emit(line, cut);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', start)) >= 0) {
      take(chunk.slice(start, nl));
      end();
      start = nl + 1;
    }
    take(chunk.slice(start));
  });
  return () => {
    if (kept || dropped) end();
  };
}

/** A line of the log, cut at MAX_LINE characters with a note of how many more there were. */
export function logLine(line: string, dropped = 0): string {
  const over = Math.max(0, line.length - MAX_LINE) + dropped;
  return over ? `${line.slice(0, MAX_LINE)} … (${over} more characters not logged)` : line;
}

/**
 * `setpriv` (util-linux, on every Debian) sets the parent-death signal before it `exec`s the
 * program: the code's process is killed when the server dies, even by kill -9. Without it a
 * process whose server was killed ran on, orphaned, until its wall-time limit (an hour by default).
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Spawns a program with the limits of user code: CPU time and (optionally) address space through
 * `ulimit` in a shell that then `exec`s the program (so the pid is the program's), killed with the
 * server (see SETPRIV), resident memory read every 100 ms, an optional lifetime, a scrubbed
 * environment, cwd = workDir, output line by line.
 */
export function spawnLimited(spec: LimitedSpec): LimitedProcess {
  const { limits } = spec;
  const ulimits = [`ulimit -t ${Math.max(1, Math.ceil(limits.cpuSeconds))}`];
  // Headroom over the resident limit: shared libraries and allocator arenas are address space too.
  if (spec.boundAddressSpace) ulimits.push(`ulimit -v ${Math.ceil((limits.memoryMb * 2 + 512) * 1024)}`);
  const exec = SETPRIV ? `exec ${SETPRIV} --pdeathsig KILL -- "$0" "$@"` : 'exec "$0" "$@"';
  const child = spawn('/bin/sh', ['-c', `${ulimits.join(' && ')} && ${exec}`, spec.command, ...spec.args], {
    cwd: spec.workDir,
    env: spec.env ?? codeEnvironment(spec.workDir),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  let stopped: { outcome: SandboxOutcome; message: string } | null = null;
  let heapExhausted = false;
  const log = spec.onLog ?? (() => {});
  // Nothing thrown while reading the output may escape a stream handler: it would end the server.
  // What the stream says after a line it could not read is not read either (the process is stopping).
  const guarded = (read: (line: string, dropped: number) => void) => {
    let failed = false;
    return (line: string, dropped: number): void => {
      if (failed) return;
      try {
        read(line, dropped);
      } catch (err) {
        failed = true;
        const why = err instanceof Error ? err.message : String(err);
        void stop(`Llano could not read the output of the code's process (${why})`, 'stopped');
      }
    };
  };
  const flushOut = splitLines(
    child.stdout,
    spec.onStdoutLine ? (spec.maxStdoutLine ?? MAX_LINE) : MAX_LINE,
    guarded(spec.onStdoutLine ?? ((line, dropped) => log(logLine(line, dropped), 'stdout'))),
  );
  const flushErr = splitLines(
    child.stderr,
    MAX_LINE,
    guarded((line, dropped) => {
      if (/JavaScript heap out of memory|Reached heap limit/.test(line)) heapExhausted = true;
      log(logLine(line, dropped), 'stderr');
    }),
  );
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
