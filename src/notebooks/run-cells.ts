import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, LlanoError } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { followCellEvents, publishCellEvent, sessionKey, type CellEvent } from './cell-events.js';
import { interruptKernels, runInKernel, stopKernels, type KernelRef } from './kernels.js';
import { NOTEBOOK_KIND, parseNotebook } from './notebooks-service.js';
import {
  CELL_TYPES,
  TABLE_RUN_ROWS,
  type CellOutput,
  type CellRun,
  type KernelLanguage,
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

/**
 * Runs cell `index`: SQL in the project's SQL sandbox, TypeScript and Python in the session's
 * kernel (their outputs followed live, see cell-events.ts); Markdown shows as is.
 */
async function executeCell(
  ws: Workspace,
  ref: KernelRef,
  notebook: Notebook,
  index: number,
  cell: NotebookCell,
  signal?: AbortSignal,
): Promise<{ outputs: CellOutput[]; executionCount: number | null }> {
  switch (cell.type) {
    case 'markdown':
    case 'raw':
      return { outputs: [], executionCount: null };
    case 'sql':
      return { outputs: await runSqlCell(ws, ref, cell.source, signal), executionCount: null };
    default: {
      publishCellEvent(ws, ref, { type: 'cell-start', index, cellType: cell.type });
      try {
        return await runInKernel(
          ws,
          ref,
          cell.type,
          cell.source,
          notebook.limits ?? {},
          notebook.environment,
          (output) => publishCellEvent(ws, ref, { type: 'output', index, output }),
        );
      } finally {
        publishCellEvent(ws, ref, { type: 'cell-end', index });
      }
    }
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
  const { outputs, executionCount } = await executeCell(ws, ref, stored.body, index, cell, signal);
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
    const { outputs, executionCount } = await executeCell(ws, ref, stored.body, index, cell, signal);
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

/** Aborts the SQL queries the session's cells run (every session's when none is named); answers how many. */
function abortSqlCells(ws: Workspace, projectKey: string, id: string, session: string | undefined): number {
  let aborted = 0;
  for (const [key, controllers] of runningSql(ws))
    if (key === `${projectKey}:${id}:${session}` || (session === undefined && key.startsWith(`${projectKey}:${id}:`)))
      for (const c of controllers) {
        c.abort();
        aborted++;
      }
  return aborted;
}

/**
 * Interrupt: the session's running cells stop, keeping what they printed: SQL queries are
 * aborted, kernels are interrupted (see `interruptKernels`: only a kernel that will not stop is
 * restarted, and `restarted` names it); idle kernels keep their variables.
 */
export async function interruptNotebookSession(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<{ stopped: number; restarted: KernelLanguage[] }> {
  const { session } = parseOr400(SessionSchema, input ?? {}, 'session');
  await storedNotebook(ws, principal, projectKey, id);
  const aborted = abortSqlCells(ws, projectKey, id, session);
  const { interrupted, restarted } = await interruptKernels(ws, { projectKey, notebookId: id, session });
  return { stopped: aborted + interrupted, restarted };
}

/**
 * Restart: the session's kernel processes stop (a cell running in one ends with an error output;
 * the next run starts a fresh kernel, without variables) and its running SQL queries.
 */
export async function restartNotebookSession(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<{ stopped: number }> {
  const { session } = parseOr400(SessionSchema, input ?? {}, 'session');
  await storedNotebook(ws, principal, projectKey, id);
  const aborted = abortSqlCells(ws, projectKey, id, session);
  return { stopped: aborted + (await stopKernels(ws, { projectKey, notebookId: id, session })) };
}

const FollowSchema = z.object({ session: Session });

/** Checks that the principal may run the notebook's cells, then answers how to follow a session's cell events. */
export async function followNotebookSession(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<{ session: string; follow: (fn: (e: CellEvent) => void) => () => void }> {
  const { session } = parseOr400(FollowSchema, input ?? {}, 'query');
  await storedNotebook(ws, principal, projectKey, id);
  return { session, follow: (fn) => followCellEvents(ws, { projectKey, notebookId: id, session }, fn) };
}
