import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { OBJECT_NAME } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import { storedInfo, withoutStoredFields } from '../catalog/object-stamp.js';
import type { StoredObject } from '../catalog/objects.js';
import { checkSharing, SharingSchema } from '../catalog/sharing.js';
import type { Workspace } from '../workspace/workspace.js';
import { REACT_BUILD_DIR, reactBundle } from './react-build.js';
import { checkWebappFiles } from './webapp-limits.js';
import { stopWebappProcesses } from './webapp-processes.js';
import { WEBAPP_KINDS, type Webapp, type WebappInfo } from './webapp-types.js';
import { displayName } from '../common/display-text.js';

/** The object kind of webapps in the versioned object store (history and revert like insights). */
export const WEBAPP_KIND = 'webapp';

const WebappSchema = z.object({
  id: z.string().regex(OBJECT_NAME, 'letters, digits and _, starting with a letter or _ (at most 128)'),
  name: displayName(),
  kind: z.enum(WEBAPP_KINDS).default('static'),
  description: z.string().max(10_000).optional(),
  files: z.record(z.string(), z.string()),
  limits: z
    .object({
      timeoutSeconds: z.number().int().min(1).max(3600).optional(),
      memoryMb: z.number().int().min(32).max(65_536).optional(),
      idleSeconds: z.number().int().min(1).max(86_400).optional(),
    })
    .strict()
    .optional(),
  environment: z.string().max(128).optional(),
  sharing: SharingSchema,
  datasets: z.array(z.string().regex(OBJECT_NAME, 'a dataset name of the project')).max(500).optional(),
});

/** Where a browser opens a webapp. */
export const webappUrl = (projectKey: string, id: string) => `/webapps/${projectKey}/${id}/`;

const info = (stored: StoredObject<Webapp>): WebappInfo => ({
  ...storedInfo(stored),
  url: webappUrl(stored.projectKey, stored.body.id),
});

export async function listWebapps(ws: Workspace, principal: Principal, projectKey: string): Promise<WebappInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<Webapp>(projectKey, WEBAPP_KIND)).map(info);
}

export async function getWebapp(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<WebappInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(await ws.catalog.objects.require<Webapp>(projectKey, WEBAPP_KIND, id));
}

/** Creates or replaces a webapp (writer); its running backend or Python process restarts on the next call. */
export async function saveWebapp(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<WebappInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const webapp = parseOr400(WebappSchema, withoutStoredFields(input, ['url']), 'webapp');
  checkWebappFiles(webapp.files);
  webapp.sharing = await checkSharing(ws.catalog.db, webapp.sharing);
  if (!webapp.sharing) delete webapp.sharing;
  if (webapp.kind === 'static' && !('index.html' in webapp.files))
    throw badRequest('files: a static webapp needs an index.html (its first page)');
  if (webapp.kind === 'python' && !('app.py' in webapp.files))
    throw badRequest('files: a Python webapp needs an app.py that defines a WSGI `app` (Flask)');
  if (webapp.kind === 'react') {
    const reserved = Object.keys(webapp.files).find((f) => f.startsWith(REACT_BUILD_DIR));
    if (reserved)
      throw badRequest(`files: ${reserved}: ${REACT_BUILD_DIR} holds what Llano builds; name the file otherwise`);
    // Built before it is stored: a build error is this save's 400 (file:line:column), never a broken page.
    await reactBundle(ws, webapp.files);
  }
  const stored = await ws.catalog.saveObject({
    projectKey,
    kind: WEBAPP_KIND,
    name: webapp.id,
    body: webapp,
    author: principal.username,
    ...options,
  });
  await stopWebappProcesses(ws, projectKey, webapp.id, `saved as revision ${stored.revision}`);
  return info(stored);
}

export async function deleteWebapp(ws: Workspace, principal: Principal, projectKey: string, id: string): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: WEBAPP_KIND, name: id, author: principal.username });
  await stopWebappProcesses(ws, projectKey, id, 'deleted');
}

/** A webapp as stored, for serving it: the caller has authorised the viewer already. */
export async function storedWebapp(ws: Workspace, projectKey: string, id: string) {
  const stored = await ws.catalog.objects.require<Webapp>(projectKey, WEBAPP_KIND, id);
  return { webapp: stored.body, revision: stored.revision };
}
