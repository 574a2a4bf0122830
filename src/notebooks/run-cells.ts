import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, LlanoError } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { runInKernel, stopKernels, type KernelRef } from './kernels.js';
import { NOTEBOOK_KIND, parseNotebook } from './notebooks-service.js';
import {
  CELL_TYPES,
  TABLE_RUN_ROWS,
  type CellOutput,
  type CellRun,
  type Notebook,
  type NotebookCell,
} from './notebook-types.js';
import { runProjectSql } from './sql-cell.js';

/** A client's kernel session: the web UI makes one per open page, the CLI uses `cli`. */
const Session = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _, at most 64')
  .default('default');

export const RunCellSchema = z.object({
  session: Session,
  /** The cell's text as edited, when it differs from the saved one. */
  source: z.string().max(1_000_000).optional(),
  type: z.enum(CELL_TYPES).optional(),
  /** Store the outputs (and the text run) in the notebook: a new revision. */
  save: z.boolean().default(false),
});
export const RunAllSchema = z.object({ session: Session, save: z.boolean().default(false) });
export const SessionSchema = z.object({ session: Session.optional() });

/** SQL cells of a session being run, so that an interrupt stops their queries too. */
const runningSql = workspaceSlot('notebooks.running-sql', () => new Map<string, Set<AbortController>>());
const sessionKey = (ref: KernelRef) => `${ref.projectKey}:${ref.notebookId}:${ref.session}`;

function sqlError(error: LlanoError): CellOutput {
  const position = (error.details as { position?: { line: number; column: number } } | undefined)?.position;
  return {
    type: 'error',
    name: error.status === 408 ? 'QueryTimeout' : 'SQLError',
    message: error.message,
    traceback: position ? `${error.message}\n(line ${position.line}, column ${position.column})` : error.message,
  };
}

async function runSqlCell(ws: Workspace, ref: KernelRef, source: string, signal?: AbortSignal): Promise<CellOutput[]> {
  const controller = new AbortController();
  const key = sessionKey(ref);
  const running = runningSql(ws);
  running.set(key, (running.get(key) ?? new Set()).add(controller));
  try {
    const result = await runProjectSql(ws, ref.projectKey, source, {
      limit: TABLE_RUN_ROWS,
      owner: ref.owner,
      signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    });
    return [{ type: 'table', columns: result.columns, rows: result.rows, total: result.total }];
  } catch (error) {
    if (controller.signal.aborted)
      return [{ type: 'error', name: 'Interrupted', message: 'The query was interrupted', traceback: '' }];
    if (error instanceof LlanoError && error.status < 500 && error.status !== 499) return [sqlError(error)];
    throw error;
  } finally {
    running.get(key)?.delete(controller);
    if (running.get(key)?.size === 0) running.delete(key);
  }
}

/** Runs one cell: SQL in the project's SQL sandbox, TypeScript and Python in the session's kernel; Markdown shows as is. */
async function executeCell(
  ws: Workspace,
  ref: KernelRef,
  notebook: Notebook,
  cell: NotebookCell,
  signal?: AbortSignal,
): Promise<{ outputs: CellOutput[]; executionCount: number | null }> {
  switch (cell.type) {
    case 'markdown':
      return { outputs: [], executionCount: null };
    case 'sql':
      return { outputs: await runSqlCell(ws, ref, cell.source, signal), executionCount: null };
    default:
      return runInKernel(ws, ref, cell.type, cell.source, notebook.limits ?? {}, notebook.environment);
  }
}

async function storedNotebook(ws: Workspace, principal: Principal, projectKey: string, id: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  return ws.catalog.objects.require<Notebook>(projectKey, NOTEBOOK_KIND, id);
}

async function saveOutputs(
  ws: Workspace,
  principal: Principal,
  stored: { projectKey: string; name: string; body: Notebook; revision: number },
  cells: NotebookCell[],
): Promise<number> {
  const saved = await ws.catalog.objects.put({
    projectKey: stored.projectKey,
    kind: NOTEBOOK_KIND,
    name: stored.name,
    body: parseNotebook({ ...stored.body, cells }),
    author: principal.username,
    expectRevision: stored.revision,
  });
  return saved.revision;
}

/**
 * Runs cell `index` (0-based) of a saved notebook, or its edited text (`source`, `type`), and
 * answers its outputs; with `save` they are stored with the notebook (a new revision).
 */
export async function runNotebookCell(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  index: number,
  input: unknown,
  signal?: AbortSignal,
): Promise<CellRun> {
  const body = parseOr400(RunCellSchema, input ?? {}, 'run');
  const stored = await storedNotebook(ws, principal, projectKey, id);
  const cells = stored.body.cells;
  // A cell added in the editor and not saved yet is run from its text and type.
  const unsaved = body.source !== undefined && body.type !== undefined && !body.save;
  if (!Number.isInteger(index) || index < 0 || (index >= cells.length && !unsaved))
    throw badRequest(
      `index: notebook ${id} has ${cells.length} cells; give a cell index from 0 to ${cells.length - 1}`,
    );
  const cell: NotebookCell = { ...(cells[index] ?? { type: 'markdown', source: '' }) };
  if (body.source !== undefined) cell.source = body.source;
  if (body.type) cell.type = body.type;
  const ref = { projectKey, notebookId: id, session: body.session, owner: principal.userId };
  const started = Date.now();
  const { outputs, executionCount } = await executeCell(ws, ref, stored.body, cell, signal);
  const run: CellRun = { index, type: cell.type, outputs, executionCount, durationMs: Date.now() - started };
  if (body.save) {
    const next = cells.map((c, i) => (i === index ? { ...cell, outputs, executionCount } : c));
    run.revision = await saveOutputs(ws, principal, stored, next);
  }
  return run;
}

/** Runs every cell in order, stopping at the first that fails (as Jupyter's "Run all" does). */
export async function runAllCells(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<{ cells: CellRun[]; failedAt: number | null; revision?: number }> {
  const body = parseOr400(RunAllSchema, input ?? {}, 'run');
  const stored = await storedNotebook(ws, principal, projectKey, id);
  const ref = { projectKey, notebookId: id, session: body.session, owner: principal.userId };
  const runs: CellRun[] = [];
  let failedAt: number | null = null;
  for (const [index, cell] of stored.body.cells.entries()) {
    const started = Date.now();
    const { outputs, executionCount } = await executeCell(ws, ref, stored.body, cell, signal);
    runs.push({ index, type: cell.type, outputs, executionCount, durationMs: Date.now() - started });
    if (outputs.some((o) => o.type === 'error')) {
      failedAt = index;
      break;
    }
  }
  if (!body.save) return { cells: runs, failedAt };
  const next = stored.body.cells.map((c, i) =>
    runs[i] ? { ...c, outputs: runs[i].outputs, executionCount: runs[i].executionCount } : c,
  );
  return { cells: runs, failedAt, revision: await saveOutputs(ws, principal, stored, next) };
}

/**
 * Interrupt and restart: both stop the session's kernel processes (a cell running in one ends
 * with an error output; the next run starts a fresh kernel) and its running SQL queries.
 */
export async function stopNotebookSession(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<{ stopped: number }> {
  const { session } = parseOr400(SessionSchema, input ?? {}, 'session');
  await storedNotebook(ws, principal, projectKey, id);
  let stopped = 0;
  for (const [key, controllers] of runningSql(ws))
    if (key === `${projectKey}:${id}:${session}` || (session === undefined && key.startsWith(`${projectKey}:${id}:`)))
      for (const c of controllers) {
        c.abort();
        stopped++;
      }
  stopped += await stopKernels(ws, { projectKey, notebookId: id, session });
  return { stopped };
}
