import { forbidden, notFound } from '../common/errors.js';

export type ProjectRole = 'reader' | 'writer' | 'admin';
export const PROJECT_ROLES: ProjectRole[] = ['reader', 'writer', 'admin'];
export const isProjectRole = (value: string): value is ProjectRole => (PROJECT_ROLES as string[]).includes(value);
const RANK: Record<ProjectRole, number> = { reader: 1, writer: 2, admin: 3 };

/** Who is asking. Every service call that touches a project takes one. */
export interface Principal {
  userId: string;
  username: string;
  isAdmin: boolean;
  /** How the caller authenticated: a browser session, a bearer token, an API key, or the local workspace (CLI without a server). */
  via: 'session' | 'token' | 'apikey' | 'local';
}

/** The local workspace owner: whoever can read the workspace folder can do anything in it. */
export const LOCAL_ADMIN: Principal = { userId: 'local', username: 'admin', isAdmin: true, via: 'local' };

export const roleAtLeast = (role: ProjectRole | null, needed: ProjectRole): boolean =>
  role !== null && RANK[role] >= RANK[needed];

/**
 * Throws unless `role` satisfies `needed`. Non-members get 404 so that a project's
 * existence is not revealed; members without enough rights get 403.
 */
export function checkRole(
  projectKey: string,
  role: ProjectRole | null,
  needed: ProjectRole,
  principal: Principal,
): void {
  if (principal.isAdmin) return;
  if (role === null) throw notFound(`Project ${projectKey} not found`);
  if (!roleAtLeast(role, needed)) throw forbidden(`Your role on ${projectKey} is ${role}; this needs ${needed}`);
}
