import type { Principal } from '../catalog/access.js';
import { storedInfo, withoutStoredFields } from '../catalog/object-stamp.js';
import type { StoredObject } from '../catalog/objects.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from '../workspace/workspace.js';
import { boundOutputs } from './bound-outputs.js';
import { stopKernels } from './kernels.js';
import { NotebookSchema } from './notebook-schema.js';
import type { Notebook, NotebookInfo } from './notebook-types.js';

/** The object kind of notebooks in the versioned object store (history and revert like insights). */
export const NOTEBOOK_KIND = 'notebook';

export const notebookInfo = (stored: StoredObject<Notebook>): NotebookInfo => storedInfo(stored);

/** A notebook body checked and with its outputs cut to what is kept. */
export function parseNotebook(input: unknown): Notebook {
  const notebook = parseOr400(NotebookSchema, withoutStoredFields(input), 'notebook');
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
  const stored = await ws.catalog.saveObject({
    projectKey,
    kind: NOTEBOOK_KIND,
    name: notebook.id,
    body: notebook,
    author: principal.username,
    ...options,
  });
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
