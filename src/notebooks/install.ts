import { registerHistoryKind } from '../flow/history.js';
import { sandboxPool } from '../sandbox/index.js';
import { registerProjectWorkStopper } from '../workspace/projects-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { NOTEBOOK_KIND, saveNotebook } from './notebooks-service.js';

/** Notebooks get history and revert through the same validation as an edit; a deleted project's kernels stop. */
export function installNotebooks(ws: Workspace): void {
  registerHistoryKind(ws, NOTEBOOK_KIND, saveNotebook);
  registerProjectWorkStopper(ws, {
    stop: (projectKey) => sandboxPool(ws).stopAll(`notebook:${projectKey}:`),
    resume: () => undefined,
  });
}
