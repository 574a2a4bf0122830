import type { Principal } from '../catalog/access.js';
import type { ApiKeyInfo, Revoked, User, UserChanges } from '../catalog/users.js';
import { forbidden } from '../common/errors.js';
import type { Workspace } from './workspace.js';

/**
 * Managing users and their credentials: what a global admin may do to any user, and what
 * every user may do to their own password and API keys. The catalog's `UserStore` does the
 * work (and keeps the last enabled global admin); this checks who asks.
 */

function requireGlobalAdmin(principal: Principal, action: string): void {
  if (!principal.isAdmin) throw forbidden(`Only a global admin may ${action}`);
}

/** The user behind a principal (the local workspace owner acts as `admin`). */
const userOf = (ws: Workspace, principal: Principal) => ws.catalog.users.requireByUsername(principal.username);

/**
 * Disables or enables a user, or changes their admin right, name or email (global admin); with
 * what changed, from → to, for the audit log.
 */
export async function updateUser(
  ws: Workspace,
  principal: Principal,
  username: string,
  patch: unknown,
): Promise<{ user: User & Revoked; changes: UserChanges }> {
  requireGlobalAdmin(principal, 'change users');
  return ws.catalog.users.updateWithChanges(username, patch);
}

/** Deletes a user, their sessions, API keys and memberships (global admin). */
export async function deleteUser(ws: Workspace, principal: Principal, username: string): Promise<Revoked> {
  requireGlobalAdmin(principal, 'delete users');
  return ws.catalog.users.delete(username);
}

/**
 * Sets a password (the user, or a global admin) and ends the user's sessions, except the one
 * the caller changing their own password is using (`currentToken`).
 */
export async function setUserPassword(
  ws: Workspace,
  principal: Principal,
  username: string,
  password: string,
  currentToken?: string,
): Promise<{ sessionsEnded: number }> {
  const own = principal.username === username && principal.via !== 'local';
  if (!principal.isAdmin && !own) throw forbidden('You may only change your own password');
  return ws.catalog.users.setPassword(username, password, own && currentToken ? { keepSession: currentToken } : {});
}

/**
 * API keys: your own; a global admin also everyone's (`all`) or one user's (`user`). Never the
 * secret.
 */
export async function listApiKeys(
  ws: Workspace,
  principal: Principal,
  query: { user?: string; all?: boolean } = {},
): Promise<ApiKeyInfo[]> {
  // A named user narrows `all` (`--all --user wendy`: wendy's keys), as it narrows anything else.
  if (query.user !== undefined && query.user !== principal.username) {
    requireGlobalAdmin(principal, "list another user's API keys");
    return ws.catalog.users.listApiKeys(await ws.catalog.users.requireByUsername(query.user));
  }
  if (query.all && query.user === undefined) {
    requireGlobalAdmin(principal, "list everyone's API keys");
    return ws.catalog.users.listApiKeys(null);
  }
  return ws.catalog.users.listApiKeys(await userOf(ws, principal));
}

/** Revokes an API key: its owner, or a global admin any key. */
export async function revokeApiKey(ws: Workspace, principal: Principal, id: string): Promise<void> {
  await ws.catalog.users.deleteApiKey(principal.isAdmin ? null : await userOf(ws, principal), id);
}
