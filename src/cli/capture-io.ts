import type { CliIo } from './io.js';

/** A CliIo that keeps what the CLI prints, for tests and for running `llano` inside another program. */
export function captureIo(
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = {},
  stdin = '',
): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    isTty: false,
    env,
    cwd,
    readStdin: () => Promise.resolve(stdin),
    // Not a terminal: nobody to ask.
    promptSecret: () => Promise.resolve(null),
    promptLine: () => Promise.resolve(null),
  };
  return io;
}
