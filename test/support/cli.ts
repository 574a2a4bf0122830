import { captureIo } from '../../src/cli/capture-io.js';
import { runCli } from '../../src/cli/main.js';

/** Runs `llano …` in-process and captures what it prints. */
export async function llano(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd, env);
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
