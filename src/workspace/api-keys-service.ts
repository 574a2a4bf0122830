import { z } from 'zod';
import {
  API_KEY_SCOPES,
  PROJECT_ROLES,
  type ApiKeyScope,
  type Principal,
  type ProjectRole,
} from '../catalog/access.js';
import type { ApiKeyInfo } from '../catalog/user-types.js';
import { badRequest, forbidden } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import type { Workspace } from './workspace.js';
import { displayName } from '../common/display-text.js';

/**
 * Making API keys: personal keys (acting as their user, within their scopes) and project keys
 * (acting with a chosen role in one project). The secret is answered once; only its hash is kept.
 */

const MAX_DAYS = 3650;

export const NewApiKeySchema = z
  .object({
    name: displayName(),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(4).optional(),
    expiresInDays: z.number().int().min(1).max(MAX_DAYS).optional(),
  })
  .strict();

export const NewProjectApiKeySchema = NewApiKeySchema.extend({ role: z.enum(PROJECT_ROLES as [ProjectRole]) }).strict();

/** The scopes a project key gets when none are given: those its role can use. */
const SCOPES_OF_ROLE: Record<ProjectRole, ApiKeyScope[]> = {
  reader: ['read'],
  writer: ['read', 'write', 'run'],
  admin: ['read', 'write', 'run', 'admin'],
};

const expiry = (days: number | undefined): string | null =>
  days === undefined ? null : new Date(Date.now() + days * 86400_000).toISOString();

/**
 * A key made with a key never reaches further than the one making it: no scope it lacks, no
 * later expiry.
 */
async function checkWithinCallerKey(
  ws: Workspace,
  principal: Principal,
  scopes: ApiKeyScope[],
  expiresAt: string | null,
): Promise<void> {
  const key = principal.apiKey;
  if (!key) return;
  const extra = scopes.find((s) => !key.scopes.includes(s));
  if (extra) throw forbidden(`scopes: the API key you call with has no ${extra} scope, so the new key cannot have it`);
  const own = (await ws.catalog.users.listApiKeys(null, key.project ?? undefined)).find((k) => k.id === key.id);
  if (own?.expiresAt && (expiresAt === null || expiresAt > own.expiresAt))
    throw forbidden(
      `expiresInDays: the API key you call with expires at ${own.expiresAt}; the new key must expire by then`,
    );
}

export async function createPersonalApiKey(
  ws: Workspace,
  principal: Principal,
  input: unknown,
): Promise<ApiKeyInfo & { key: string }> {
  const body = parseOr400(NewApiKeySchema, input, 'API key', { prefix: '' });
  const scopes = body.scopes ?? [...API_KEY_SCOPES];
  const expiresAt = expiry(body.expiresInDays);
  await checkWithinCallerKey(ws, principal, scopes, expiresAt);
  const user = await ws.catalog.users.requireByUsername(principal.username);
  const { key, info } = await ws.catalog.users.createApiKey(user, body.name, { scopes, expiresAt });
  return { ...info, key };
}

export async function createProjectApiKey(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
): Promise<ApiKeyInfo & { key: string }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  const body = parseOr400(NewProjectApiKeySchema, input, 'API key', { prefix: '' });
  const scopes = body.scopes ?? SCOPES_OF_ROLE[body.role];
  if (scopes.includes('admin') && body.role !== 'admin')
    throw badRequest(`scopes: admin needs the role admin (this key's role is ${body.role})`);
  const expiresAt = expiry(body.expiresInDays);
  await checkWithinCallerKey(ws, principal, scopes, expiresAt);
  const user = await ws.catalog.users.requireByUsername(principal.username);
  const { key, info } = await ws.catalog.users.createApiKey(user, body.name, {
    scopes,
    expiresAt,
    project: projectKey,
    role: body.role,
  });
  return { ...info, key };
}

export async function listProjectApiKeys(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
): Promise<ApiKeyInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  return ws.catalog.users.listApiKeys(null, projectKey);
}

export async function revokeProjectApiKey(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  await ws.catalog.users.deleteApiKey(null, id, projectKey);
}
