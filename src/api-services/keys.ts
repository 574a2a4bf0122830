import type { Principal } from '../catalog/access.js';
import { badRequest, notFound } from '../common/errors.js';
import { newId, newSecret, nowIso, sha256 } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import { apiRuntime } from './runtime.js';
import { API_SERVICE_KIND } from './services.js';
import type { ServiceKeyInfo } from './types.js';

/** Keys of API services start with this, so a leaked one is recognisable (and never a user's `lls_` token). */
export const SERVICE_KEY_PREFIX = 'llsk';

const toInfo = (r: {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}): ServiceKeyInfo => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
});

/** A new caller key of one service (project admin). The key is in this answer only; the catalog keeps its SHA-256. */
export async function createServiceKey(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  service: string,
  name: string,
): Promise<ServiceKeyInfo & { key: string }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, service);
  if (!name.trim()) throw badRequest('name: a name saying who uses the key');
  const key = newSecret(SERVICE_KEY_PREFIX);
  const row = {
    id: newId(),
    project_key: projectKey,
    service,
    name: name.trim(),
    key_hash: sha256(key),
    prefix: key.slice(0, 12),
    created_at: nowIso(),
    created_by: principal.username,
    revoked_at: null,
  };
  await ws.catalog.db.insertInto('api_service_keys').values(row).execute();
  return { ...toInfo(row), key };
}

export async function listServiceKeys(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  service: string,
): Promise<ServiceKeyInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  await ws.catalog.objects.require(projectKey, API_SERVICE_KIND, service);
  const rows = await ws.catalog.db
    .selectFrom('api_service_keys')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .orderBy('created_at')
    .execute();
  return rows.map(toInfo);
}

/** Revokes a key: refused from the next request on (other processes within their refresh interval). */
export async function revokeServiceKey(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  service: string,
  keyId: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  const result = await ws.catalog.db
    .updateTable('api_service_keys')
    .set({ revoked_at: nowIso() })
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound(`API service ${service} has no active key ${keyId}`);
  apiRuntime(ws).forgetKeys();
}

/** Who a caller's bearer key is: the service it belongs to, or null for an unknown or revoked key. */
export async function findServiceKey(
  ws: Workspace,
  token: string,
): Promise<{ id: string; projectKey: string; service: string } | null> {
  const row = await ws.catalog.db
    .selectFrom('api_service_keys')
    .select(['id', 'project_key', 'service'])
    .where('key_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, projectKey: row.project_key, service: row.service } : null;
}
