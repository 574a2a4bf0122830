import type { Principal } from '../catalog/access.js';
import type { Group } from '../catalog/groups.js';
import { forbidden } from '../common/errors.js';
import type { Workspace } from './workspace.js';

/** Groups: everyone signed in may read them (project admins grant roles to them); global admins change them. */

function requireGlobalAdmin(principal: Principal, action: string): void {
  if (!principal.isAdmin) throw forbidden(`Only a global admin may ${action}`);
}

export const listGroups = (ws: Workspace): Promise<Group[]> => ws.catalog.groups.list();

export const getGroup = (ws: Workspace, name: string): Promise<Group> => ws.catalog.groups.get(name);

export async function createGroup(ws: Workspace, principal: Principal, input: unknown): Promise<Group> {
  requireGlobalAdmin(principal, 'create groups');
  return ws.catalog.groups.create(input);
}

export async function updateGroup(ws: Workspace, principal: Principal, name: string, input: unknown): Promise<Group> {
  requireGlobalAdmin(principal, 'change groups');
  return ws.catalog.groups.update(name, input);
}

export async function deleteGroup(ws: Workspace, principal: Principal, name: string): Promise<void> {
  requireGlobalAdmin(principal, 'delete groups');
  await ws.catalog.groups.delete(name);
}
