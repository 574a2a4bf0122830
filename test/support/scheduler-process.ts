import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Lines of the child's stdout that carry a report start with this (anything else is logging). */
export const CHILD_MARK = '@scheduler-child ';
export type ChildCommand = { advance: number; stop?: undefined } | { stop: true };
export interface ChildReport {
  processId: string;
  /** The child's clock when it reported (ms). */
  now: number;
  stopped?: boolean;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * A scheduler in a child process (scheduler-child.ts) on the catalog at `catalogUrl`, its clock
 * at `at` until `advance` moves it. Every call waits for the child's answer however long it takes
 * (start-up alone can take 10 s on a loaded machine): only the test's own timeout bounds it.
 * If the child exits early, pending and later calls reject with everything it printed.
 */
export async function spawnSchedulerProcess(catalogUrl: string, home: string, at: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'support', 'scheduler-child.ts'), catalogUrl, home, String(at)],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const reports: ChildReport[] = [];
  let wake: (() => void) | null = null;
  let exited: string | null = null;
  child.stderr.on('data', (d) => (output += String(d)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    output += line + '\n';
    if (!line.startsWith(CHILD_MARK)) return;
    reports.push(JSON.parse(line.slice(CHILD_MARK.length)) as ChildReport);
    wake?.();
  });
  // 'close', not 'exit': by then every line the child wrote has been read.
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exited = `scheduler child exited with code ${code}`;
      wake?.();
      resolve(code);
    }),
  );

  const nextReport = async (): Promise<ChildReport> => {
    while (!reports.length) {
      if (exited) throw new Error(`${exited} before answering:\n${output}`);
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    return reports.shift()!;
  };
  const send = (command: ChildCommand) => child.stdin.write(JSON.stringify(command) + '\n');

  const ready = await nextReport();
  return {
    processId: ready.processId,
    /** Moves the child's clock by `ms` and resolves once it has handled everything due by then. */
    async advance(ms: number): Promise<ChildReport> {
      send({ advance: ms });
      return nextReport();
    },
    /** Stops the scheduler, closes the workspace and waits for the process to exit (code 0). */
    async stop(): Promise<void> {
      send({ stop: true });
      child.stdin.end(); // an open stdin would keep the child alive
      const report = await nextReport();
      if (!report.stopped) throw new Error(`scheduler child did not stop:\n${output}`);
      const code = await exit;
      if (code !== 0) throw new Error(`scheduler child exited with code ${code}:\n${output}`);
    },
    /** For a test that fails half-way: no child outlives it. */
    kill(): void {
      if (!exited) child.kill();
    },
    output: () => output,
  };
}
export type SchedulerProcess = Awaited<ReturnType<typeof spawnSchedulerProcess>>;
