import { captureIo } from '../../src/cli/capture-io.js';
import { runCli } from '../../src/cli/main.js';

/** Runs `llano …` in-process and captures what it prints; `stdin` is what it reads from standard input. */
export async function llano(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd, env, stdin);
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
