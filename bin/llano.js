#!/usr/bin/env node
// The `llano` command. It runs the JavaScript compiled into dist/ (`npm install`, `npm start` and
// `npm run build` compile it), bundled into a few files (dist/cli-bundle/, see bin/bundle-cli.js),
// with stack traces mapped back to src/*.ts. When dist/ is missing or
// older than a source (after a `git pull` or an edit), it runs the sources through tsx instead and
// says so: never silently old code, and never a rebuild from here, which could swap dist/ under
// another running `llano`. LLANO_FROM_SOURCE=1 asks for the sources (development, benchmarks).
import { fileURLToPath } from 'node:url';
import { distProblem, packageNewerThanDist } from './build.js';
import { defaultThreadPoolSize } from './thread-pool.js';

// A reader that stops early (`llano … | head -1`) closes the pipe. The command then ends quietly
// with the status a program killed by SIGPIPE has (141, as cat or grep in its place), instead of a
// stack trace of the failed write; Node itself ignores SIGPIPE, so the write error is the signal.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(141);
  });

// Read when libuv's pool first runs work, which no import above does.
process.env.UV_THREADPOOL_SIZE ??= defaultThreadPoolSize();

const fromSource = process.env.LLANO_FROM_SOURCE === '1';
const argv = process.argv.slice(2);
let runCli;
// --version and --help need no command module: their text was written when dist/ was built. They
// skip the staleness check of the sources (a walk of src/, most of their start-up): a help text
// can lag an edit until the next build, which runs no old code; a newer package.json (a new
// version pulled) still sends them through the check.
const answer = fromSource || !quickFlag(argv) ? null : await quickFromDist(argv);
if (answer !== null) runCli = async () => (process.stdout.write(answer), 0);
else {
  const problem = fromSource ? null : distProblem();
  if (!fromSource && !problem) {
    process.setSourceMapsEnabled(true);
    ({ runCli } = await import('../dist/cli-bundle/main.js'));
  } else {
    if (problem)
      process.stderr.write(
        `llano: dist/ is ${problem === 'missing' ? 'missing' : 'older than src/'}; running the TypeScript sources (slower start). \`npm run build\` compiles them.\n`,
      );
    const { register } = await import('tsx/esm/api');
    register();
    ({ runCli } = await import('../src/cli/main.ts'));
  }
}
process.exitCode = await runCli(argv);

function quickFlag(args) {
  return args.length === 1 && ['--version', '-V', '--help', '-h'].includes(args[0]);
}

async function quickFromDist(args) {
  if (packageNewerThanDist() !== false) return null;
  const { quickAnswer } = await import('../dist/cli/quick-answer.js');
  return quickAnswer(args, fileURLToPath(new URL('../dist/quick-answers', import.meta.url)), process.stdout);
}
