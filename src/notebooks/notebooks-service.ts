import type { Principal } from '../catalog/access.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { boundOutputs } from './bound-outputs.js';
import { stopKernels } from './kernels.js';
import { NotebookSchema } from './notebook-schema.js';
import type { Notebook, NotebookInfo } from './notebook-types.js';

/** The object kind of notebooks in the versioned object store (history and revert like insights). */
export const NOTEBOOK_KIND = 'notebook';

const READ_ONLY = ['projectKey', 'revision', 'updatedAt', 'updatedBy'];

export function notebookInfo(stored: {
  projectKey: string;
  body: Notebook;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}): NotebookInfo {
  return {
    ...stored.body,
    projectKey: stored.projectKey,
    revision: stored.revision,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
  };
}

/** A notebook body checked and with its outputs cut to what is kept. */
export function parseNotebook(input: unknown): Notebook {
  const body = { ...((input ?? {}) as Record<string, unknown>) };
  for (const field of READ_ONLY) delete body[field];
  const notebook = parseOr400(NotebookSchema, body, 'notebook');
  return {
    ...notebook,
    cells: notebook.cells.map((c) => (c.outputs ? { ...c, outputs: boundOutputs(c.outputs) } : c)),
  };
}

export async function listNotebooks(ws: Workspace, principal: Principal, projectKey: string): Promise<NotebookInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<Notebook>(projectKey, NOTEBOOK_KIND)).map(notebookInfo);
}

export async function getNotebook(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<NotebookInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return notebookInfo(await ws.catalog.objects.require<Notebook>(projectKey, NOTEBOOK_KIND, id));
}

/** Creates or replaces a notebook (writer); every save appends a revision. */
export async function saveNotebook(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<NotebookInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const notebook = parseNotebook(input);
  const stored = await ws.catalog.objects.put({
    projectKey,
    kind: NOTEBOOK_KIND,
    name: notebook.id,
    body: notebook,
    author: principal.username,
    ...options,
  });
  await ws.catalog.projects.touch(projectKey);
  return notebookInfo(stored);
}

export async function deleteNotebook(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: NOTEBOOK_KIND, name: id, author: principal.username });
  await stopKernels(ws, { projectKey, notebookId: id });
}
