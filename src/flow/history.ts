import type { Principal } from '../catalog/access.js';
import type { Revision } from '../catalog/objects.js';
import { badRequest } from '../common/errors.js';
import { CONNECTION_KIND, redactStoredConnection, saveConnection } from '../datasets/connections.js';
import { saveDataset } from '../datasets/datasets.js';
import { ENVIRONMENT_KIND, saveCodeEnvironment } from '../recipes/code/code-environments.js';
import { LIBRARY_KIND, saveLibraryFile } from '../recipes/code/code-libraries.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { saveRecipe } from './recipes-service.js';

/**
 * Object kinds with history on a workspace, each with the service that saves it: a revert
 * goes through the same validation as an edit (a reverted recipe must still fit the flow).
 * Capabilities add their kinds with `registerHistoryKind`, called by the composition root.
 */
type Saver = (ws: Workspace, principal: Principal, projectKey: string, body: unknown) => Promise<unknown>;
const historySavers = workspaceSlot(
  'flow.history-savers',
  () =>
    new Map<string, Saver>([
      ['dataset', saveDataset],
      ['recipe', saveRecipe],
      ['connection', saveConnection],
      [LIBRARY_KIND, saveLibraryFile],
      [ENVIRONMENT_KIND, saveCodeEnvironment],
    ]),
);

/** Hides a kind's secrets in past revisions: history is readable by every project member. */
type Redactor = (body: unknown) => unknown;
const historyRedactors = workspaceSlot('flow.history-redactors', () => new Map<string, Redactor>());

export function registerHistoryKind(ws: Workspace, kind: string, save: Saver, redact?: Redactor): void {
  historySavers(ws).set(kind, save);
  if (redact) historyRedactors(ws).set(kind, redact);
}

function saverOf(ws: Workspace, kind: string): Saver {
  const savers = historySavers(ws);
  const s = savers.get(kind);
  if (!s) throw badRequest(`Unknown object kind ${JSON.stringify(kind)}; known: ${[...savers.keys()].join(', ')}`);
  return s;
}

export async function objectHistory(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  object: { kind: string; name: string },
): Promise<Revision[]> {
  const { kind, name } = object;
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  saverOf(ws, kind);
  const revisions = await ws.catalog.objects.history(projectKey, kind, name);
  return revisions.map((r) => ({ ...r, body: redactedBody(ws, kind, r.body) }));
}

/** A stored body as project members may read it: its kind's secrets replaced by `********` (history, exports). */
export function redactedBody(ws: Workspace, kind: string, body: unknown): unknown {
  const redact = historyRedactors(ws).get(kind);
  if (redact) return redact(body);
  // Connection secrets (a password setting, a URL's password) stay out of history listings.
  return kind === CONNECTION_KIND ? redactStoredConnection(body) : body;
}

/** Restores an object to a past revision; this appends a new revision (history is never rewritten). */
export async function revertObject(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  to: { kind: string; name: string; revision: number },
): Promise<unknown> {
  const { kind, name, revision } = to;
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const save = saverOf(ws, kind);
  const body = await ws.catalog.objects.bodyAt(projectKey, kind, name, revision);
  const restored = await save(ws, principal, projectKey, body);
  await ws.catalog.objects.markLatestAsRevert(projectKey, kind, name);
  return restored;
}
