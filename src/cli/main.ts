import { Command, CommanderError } from 'commander';
import { toLlanoError } from '../common/errors.js';
import { VERSION } from '../common/version.js';
import { commandModules } from './commands/index.js';
import { cliWording } from './error-wording.js';
import { processIo, type CliIo } from './io.js';

/** Builds the `llano` program for the given output. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('llano')
    .description('Llano: data platform for observatory operations')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .option('--url <url>', 'a running Llano server (or LLANO_URL); without it the workspace is used directly')
    .option('--token <token>', 'session token or API key (or LLANO_TOKEN)')
    .option('--home <dir>', 'workspace folder (or LLANO_HOME; default ./.llano)')
    .option('-p, --project <key>', 'project key (or LLANO_PROJECT)')
    .option('--json', 'print JSON instead of tables');
  for (const add of commandModules) add(program, io);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 error, 2 usage error. Errors print one line. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    const e = toLlanoError(err);
    // One line: engine messages span lines (context, caret); keep their words, drop the layout.
    const oneLine = e.message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^\^+$/.test(l))
      .join(' ');
    io.err(`error: ${cliWording(oneLine)}\n`);
    return 1;
  }
}
