import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { badRequest, LlanoError } from '../common/errors.js';
import { namedPythonInterpreter } from '../recipes/code/code-environments.js';
import { LIBRARY_FOLDER, writeLibraryFiles } from '../recipes/code/code-libraries.js';
import { assertObjectName } from '../common/names.js';
import { SandboxError, sandboxLimits, sandboxPool, type SandboxLimits, type SandboxSpec } from '../sandbox/index.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { CellOutput, KernelLanguage } from './notebook-types.js';
import { runProjectSql } from './sql-cell.js';
import { appendOutput } from './stream-outputs.js';
import { stopsWhenGivenTheChance } from './interrupt-grace.js';
import { prepareTypeScriptCell } from './typescript-cell.js';
import { bundleCellImport } from './typescript-cell-imports.js';

/** A kernel nobody ran a cell in for this long is stopped (its variables are lost, like a Jupyter kernel culled when idle). */
const KERNEL_IDLE_SECONDS = 30 * 60;
/** Most rows `sql()` and `dataset()` hand to a cell: they travel as JSON; aggregate in SQL for more. */
export const HOST_ROWS = 100_000;
/** How often a TypeScript cell that has not stopped yet is sent SIGINT again within the grace. */
const TS_INTERRUPT_REPEAT_MS = 500;

const KERNEL_ENTRIES: Record<KernelLanguage, string> = {
  python: fileURLToPath(new URL('./kernels/notebook_kernel.py', import.meta.url)),
  typescript: fileURLToPath(
    new URL(
      import.meta.url.endsWith('.ts') ? './kernels/typescript-kernel.ts' : './kernels/typescript-kernel.js',
      import.meta.url,
    ),
  ),
};

/** Which kernel: one process per notebook, client session and language. */
export interface KernelRef {
  projectKey: string;
  notebookId: string;
  session: string;
  /** The user running the cells: their SQL takes its turn as theirs (see QueryGate). */
  owner?: string;
}

const prefixOf = (k: Omit<KernelRef, 'session'> & { session?: string }) =>
  `notebook:${k.projectKey}:${k.notebookId}:${k.session === undefined ? '' : `${k.session}:`}`;

/** The folder kernels of a notebook work in: files a cell writes are there for the next cells and sessions. */
export const notebookWorkDir = (ws: Workspace, projectKey: string, notebookId: string) =>
  path.join(ws.config.home, 'data', projectKey, '.notebooks', notebookId);

/**
 * Functions a cell calls back (`sql(query)`, `dataset(name)` in the cell): the project's SQL
 * sandbox answers them, with the same limits as a SQL cell, up to `HOST_ROWS` rows.
 */
function hostFunctions(ws: Workspace, projectKey: string, owner: string | undefined): SandboxSpec['host'] {
  const rows = async (query: string) => {
    const result = await runProjectSql(ws, projectKey, query, { limit: HOST_ROWS, owner });
    if (result.total > HOST_ROWS)
      throw badRequest(
        `The query has ${result.total.toLocaleString('en-US')} rows; a cell receives at most ${HOST_ROWS.toLocaleString('en-US')}: aggregate or filter in SQL`,
      );
    return result;
  };
  return {
    sql: (query: unknown) => {
      if (typeof query !== 'string') throw badRequest('sql(query): the query is a string');
      return rows(query);
    },
    dataset: (name: unknown) => rows(`SELECT * FROM "${assertObjectName(String(name), 'dataset name')}"`),
  };
}

/** What happened to a kernel that stopped during a cell, as the cell's error output. */
function stoppedOutput(error: SandboxError): CellOutput {
  return {
    type: 'error',
    name: error.outcome === 'stopped' ? 'KernelInterrupted' : error.outcome === 'memory' ? 'MemoryError' : 'KernelDied',
    message: `${error.message}. The kernel starts again on the next run; its variables are lost.`,
    traceback: error.traceback || error.message,
  };
}

/** A cell running in a kernel, so that an interrupt finds it and a stopped kernel keeps what it printed. */
interface RunningCell {
  language: KernelLanguage;
  /** What the kernel sent so far (see stream-outputs.ts). */
  outputs: CellOutput[];
  /** Settles when the cell's call ends, however. */
  done?: Promise<unknown>;
  /** Set once `done` has settled: a repeated interrupt must not reach the kernel's next cell. */
  ended?: boolean;
  /** Set when an interrupt restarted the kernel: why, as the cell's last output says it. */
  restarted?: string;
}

/** Cells running now, by kernel key. */
const runningCells = workspaceSlot('notebooks.running-cells', () => new Map<string, RunningCell>());

/**
 * Runs one cell in the notebook session's kernel for `language`, started on first use (and
 * again after it died), stopped after `KERNEL_IDLE_SECONDS` without a run. The cell's own
 * errors come back as error outputs; so does a kernel stopped by a limit or an interrupt, after
 * what the cell sent before. `onOutput` receives the outputs as the kernel sends them.
 */
export async function runInKernel(
  ws: Workspace,
  ref: KernelRef,
  language: KernelLanguage,
  source: string,
  limits: Partial<SandboxLimits> = {},
  environment?: string,
  onOutput?: (output: CellOutput) => void,
): Promise<{ outputs: CellOutput[]; executionCount: number | null }> {
  let code = source;
  // The notebook's Python environment (a project venv, built first when needed); a failed build is the cell's error.
  let python: string | undefined;
  if (language === 'python')
    try {
      python = await namedPythonInterpreter(ws, ref.projectKey, environment, () => {});
    } catch (error) {
      if (!(error instanceof LlanoError)) throw error;
      return {
        outputs: [{ type: 'error', name: 'EnvironmentError', message: error.message, traceback: error.message }],
        executionCount: null,
      };
    }
  const workDir = notebookWorkDir(ws, ref.projectKey, ref.notebookId);
  // The project's libraries as they are now, at the paths code recipes import them from (a module
  // a kernel imported before stays as imported until reloaded or the kernel restarts, as in Jupyter).
  const lib = await writeLibraryFiles(ws, ref.projectKey, path.join(workDir, LIBRARY_FOLDER));
  if (language === 'typescript') {
    const prepared = await prepareTypeScriptCell(source, (specifier) => bundleCellImport(specifier, workDir, [lib]));
    if ('error' in prepared) return { outputs: [{ type: 'error', ...prepared.error }], executionCount: null };
    code = prepared.code;
  }
  const spec = (): SandboxSpec => ({
    language,
    entry: KERNEL_ENTRIES[language],
    workDir,
    libraryPaths: [lib],
    // The Python harness reads the entry under its file confinement; the TypeScript one is bundled beforehand.
    readPaths: language === 'python' ? [path.dirname(KERNEL_ENTRIES.python)] : [],
    limits: sandboxLimits(ws, capped(ws, limits)),
    host: hostFunctions(ws, ref.projectKey, ref.owner),
    python,
  });
  const key = `${prefixOf(ref)}${language}`;
  const cell: RunningCell = { language, outputs: [] };
  const onEvent = (data: unknown) => {
    cell.outputs = appendOutput(cell.outputs, data as CellOutput);
    onOutput?.(data as CellOutput);
  };
  const call = sandboxPool(ws).call(key, spec, 'run_cell', [code], { idleSeconds: KERNEL_IDLE_SECONDS, onEvent });
  cell.done = call
    .catch(() => undefined)
    .finally(() => {
      cell.ended = true;
    });
  runningCells(ws).set(key, cell);
  try {
    return (await call) as { outputs: CellOutput[]; executionCount: number };
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    // The process may still be on its way out (the harness answers, then exits): the next run must not reach it.
    await sandboxPool(ws).stop(key);
    const last = cell.restarted
      ? { type: 'error' as const, name: 'KernelInterrupted', message: cell.restarted, traceback: cell.restarted }
      : stoppedOutput(error);
    return { outputs: [...cell.outputs, last], executionCount: null };
  } finally {
    if (runningCells(ws).get(key) === cell) runningCells(ws).delete(key);
  }
}

/**
 * Interrupts the cells running in the session's kernels (every session's when none is named),
 * and nothing else: an idle kernel, and the other language's kernel, keep their variables. A
 * cell gets SIGINT (Python: KeyboardInterrupt where it is; TypeScript: stopped where it runs or
 * waits, see kernels/typescript-kernel.ts; the kernel lives on); one still running after
 * its grace (it caught the interrupt, sits in native code, or loops without yielding after an
 * await; see stopsWhenGivenTheChance: 5 s on a machine that gives the kernel a core) has its
 * kernel restarted.
 * Answers how many cells were interrupted and which kernels restarted.
 */
export async function interruptKernels(
  ws: Workspace,
  ref: Omit<KernelRef, 'session'> & { session?: string },
): Promise<{ interrupted: number; restarted: KernelLanguage[] }> {
  const pool = sandboxPool(ws);
  const prefix = prefixOf(ref);
  const targets = [...runningCells(ws)].filter(([key]) => key.startsWith(prefix));
  const restarted: KernelLanguage[] = [];
  await Promise.all(
    targets.map(async ([key, cell]) => {
      await pool.interrupt(key);
      // Node can lose a SIGINT that lands as a cell's synchronous start hands over to its awaits
      // (breakOnSigint's watchdog ending): a TypeScript cell still running is sent it again.
      // Python handles each one (a second would interrupt the cell's own error report): once.
      // Each repeat checks, just before the signal, that this cell still runs: one sent after it
      // ended (its answer on the way) landed on the next cell and stopped it before it printed.
      const again =
        cell.language === 'typescript'
          ? setInterval(() => void pool.interrupt(key, () => !cell.ended), TS_INTERRUPT_REPEAT_MS)
          : null;
      const { stopped, waitedMs } = await stopsWhenGivenTheChance(cell.done ?? Promise.resolve(), pool.pid(key));
      if (again) clearInterval(again);
      if (stopped) return;
      const name = cell.language === 'python' ? 'Python' : 'TypeScript';
      cell.restarted = `Interrupted: the ${name} kernel did not stop within ${Math.round(waitedMs / 1000)} s and was restarted; its variables are lost`;
      restarted.push(cell.language);
      await pool.stop(key);
    }),
  );
  return { interrupted: targets.length, restarted };
}

/** A notebook may ask for less than the workspace's limits for code, never more. */
function capped(ws: Workspace, wanted: Partial<SandboxLimits>): Partial<SandboxLimits> {
  const max = sandboxLimits(ws);
  return {
    memoryMb: wanted.memoryMb === undefined ? undefined : Math.min(wanted.memoryMb, max.memoryMb),
    cpuSeconds: wanted.cpuSeconds === undefined ? undefined : Math.min(wanted.cpuSeconds, max.cpuSeconds),
    wallSeconds: wanted.wallSeconds === undefined ? undefined : Math.min(wanted.wallSeconds, max.wallSeconds),
  };
}

/** Stops the kernels of a notebook session (every session when none is named): a running cell ends with an error output. */
export async function stopKernels(
  ws: Workspace,
  ref: Omit<KernelRef, 'session'> & { session?: string },
): Promise<number> {
  const pool = sandboxPool(ws);
  const prefix = prefixOf(ref);
  const running = pool.running().filter((k) => k.key.startsWith(prefix));
  await Promise.all(running.map((k) => pool.stop(k.key)));
  return running.length;
}

/** Whether the session has a kernel running, per language. */
export function runningKernels(ws: Workspace, ref: KernelRef): KernelLanguage[] {
  const prefix = prefixOf(ref);
  return sandboxPool(ws)
    .running()
    .filter((k) => k.key.startsWith(prefix))
    .map((k) => k.key.slice(prefix.length) as KernelLanguage);
}
