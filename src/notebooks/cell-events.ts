import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { CellOutput, CellType } from './notebook-types.js';

/**
 * What happens in a notebook session while its code cells (TypeScript, Python) run, for those
 * following it (the page, through `GET …/notebooks/{id}/events`): a cell starts, sends outputs as
 * they come (printed text continues the last text of its stream, see `appendOutput`), ends. SQL
 * cells have one output, in the answer. The answer of `POST …/cells/{index}/run` still carries the
 * cell's complete outputs.
 */
export type CellEvent =
  | { type: 'cell-start'; index: number; cellType: CellType }
  | { type: 'output'; index: number; output: CellOutput }
  | { type: 'cell-end'; index: number };

/** A notebook session, as kernels and events know it. */
export interface SessionRef {
  projectKey: string;
  notebookId: string;
  session: string;
}

export const sessionKey = (ref: SessionRef) => `${ref.projectKey}:${ref.notebookId}:${ref.session}`;

const listeners = workspaceSlot('notebooks.cell-listeners', () => new Map<string, Set<(e: CellEvent) => void>>());

/** Calls `fn` with the session's events from now on; answers the function that stops it. */
export function followCellEvents(ws: Workspace, ref: SessionRef, fn: (e: CellEvent) => void): () => void {
  const key = sessionKey(ref);
  const all = listeners(ws);
  all.set(key, (all.get(key) ?? new Set()).add(fn));
  return () => {
    all.get(key)?.delete(fn);
    if (all.get(key)?.size === 0) all.delete(key);
  };
}

export function publishCellEvent(ws: Workspace, ref: SessionRef, event: CellEvent): void {
  for (const fn of listeners(ws).get(sessionKey(ref)) ?? []) fn(event);
}
