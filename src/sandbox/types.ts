import { LlanoError } from '../common/errors.js';

/** Languages user code is written in. */
export type CodeLanguage = 'typescript' | 'python' | 'r';
export const CODE_LANGUAGES: readonly CodeLanguage[] = ['typescript', 'python', 'r'];

/** What one process of user code may use. */
export interface SandboxLimits {
  /** Resident memory (and for TypeScript, the JavaScript heap), in MB. */
  memoryMb: number;
  /** Longest one call may take (a one-shot run is one call), in seconds. */
  wallSeconds: number;
  /** CPU time of the whole process (`ulimit -t`), in seconds. */
  cpuSeconds: number;
  /**
   * Internal hosts, addresses or ranges the code may connect to (LLANO_OUTBOUND_ALLOW); other
   * loopback, private and link-local addresses are refused, as for HTTP steps and webhooks.
   */
  outboundAllow?: readonly string[];
}

/** Where a line the code printed came from. */
export type LogStream = 'stdout' | 'stderr';
export type LogSink = (line: string, stream: LogStream) => void;

/** Functions the code may call back, by name (the code sees them as methods of its `llano` argument). */
export type HostFunctions = Record<string, (...args: unknown[]) => unknown>;

export interface SandboxSpec {
  language: CodeLanguage;
  /**
   * The code file whose top-level functions are called: a .ts/.js module (bundled with esbuild, so
   * its relative imports resolve), a .py file or a .R file.
   */
  entry: string;
  /** The folder the code runs in; it may write only here (and read here and in `readPaths`). */
  workDir: string;
  /** Other folders the code may read. */
  readPaths?: string[];
  /** Folders of shared code the entry may import (Python sys.path, R `source`, TypeScript imports). */
  libraryPaths?: string[];
  limits: SandboxLimits;
  /** The Python interpreter (a project's virtual environment); unset: the workspace's (LLANO_PYTHON). */
  python?: string;
  /** An R library folder (a project's, see recipes/code/r-libraries.ts) put first in .libPaths(), readable by the code. */
  rLibrary?: string;
  /** Environment of the code; the server's own environment (and its secrets) is not inherited. */
  env?: Record<string, string>;
  onLog?: LogSink;
  host?: HostFunctions;
  /** The largest message (a result, a host call's arguments) in MB of JSON; default MAX_MESSAGE_MB (sandbox.ts). */
  maxMessageMb?: number;
}

/** How a process of user code ended, or why a call failed. */
export type SandboxOutcome = 'ok' | 'error' | 'timeout' | 'memory' | 'cpu' | 'exited' | 'stopped';

export interface SandboxExit {
  outcome: SandboxOutcome;
  exitCode: number | null;
  signal: string | null;
  /** One sentence for people: what happened, naming the limit when one was hit. */
  message: string;
}

/**
 * A call into user code that failed: the code raised (`outcome` 'error', `traceback` is the
 * language's own), or its process was stopped (a limit, an exit, a stop). The message is one line
 * for people; the traceback goes to the log.
 */
export class SandboxError extends LlanoError {
  constructor(
    readonly outcome: Exclude<SandboxOutcome, 'ok'>,
    message: string,
    readonly traceback = '',
    status = 422,
    code = `code_${outcome}`,
  ) {
    super(code, status, message, { outcome });
    this.name = 'SandboxError';
  }
}
