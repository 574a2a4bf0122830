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
  /** When the caller authenticated with an API key: what that key limits it to (see `capByKey`). */
  apiKey?: ApiKeyLimits;
  /**
   * Set only while answering a read of a dashboard or webapp shared with the caller
   * (src/catalog/sharing.ts `asSharedViewer`): they count as a reader of that project, without rights.
   * `datasets`, set for a shared webapp's viewer, are the only datasets its data calls may read
   * (the webapp's declared `datasets`; src/webapps/webapp-data.ts).
   */
  sharedView?: { project: string; datasets?: string[] };
}

/**
 * Fine rights beyond the role. Writers and admins have all of them; a reader has those granted to
 * them or to one of their groups (`PUT …/members/{user}` `{"role":"reader","rights":[…]}`).
 */
export const FINE_RIGHTS = ['run-scenarios', 'export-data', 'manage-dashboards'] as const;
export type FineRight = (typeof FINE_RIGHTS)[number];
export const isFineRight = (value: string): value is FineRight => (FINE_RIGHTS as readonly string[]).includes(value);

/** What an API key may do: read (reader), write (writer), run (run scenarios), admin (project/global admin). */
export const API_KEY_SCOPES = ['read', 'write', 'run', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyLimits {
  id: string;
  scopes: ApiKeyScope[];
  /** A project key reaches this project only, with `role`; null for a personal key. */
  project: string | null;
  role: ProjectRole | null;
}

/** A caller's effective standing in one project: the highest role of theirs and their groups', and their rights. */
export interface ProjectGrant {
  role: ProjectRole | null;
  rights: FineRight[];
}

/** The rights a role has without any grant. */
export const rightsOfRole = (role: ProjectRole | null): FineRight[] =>
  role === 'writer' || role === 'admin' ? [...FINE_RIGHTS] : [];

export const maxRole = (a: ProjectRole | null, b: ProjectRole | null): ProjectRole | null =>
  a === null ? b : b === null ? a : RANK[a] >= RANK[b] ? a : b;

const minRole = (a: ProjectRole | null, b: ProjectRole | null): ProjectRole | null =>
  a === null || b === null ? null : RANK[a] <= RANK[b] ? a : b;

/** The highest role a key's scopes allow. */
const roleOfScopes = (scopes: ApiKeyScope[]): ProjectRole | null =>
  scopes.includes('admin') ? 'admin' : scopes.includes('write') ? 'writer' : scopes.includes('read') ? 'reader' : null;

/** The rights a key's scopes allow: running needs `run`, exporting `read`, dashboards `write`. */
const RIGHT_SCOPE: Record<FineRight, ApiKeyScope> = {
  'run-scenarios': 'run',
  'export-data': 'read',
  'manage-dashboards': 'write',
};

/**
 * Narrows a grant to what the caller's API key allows (no key: unchanged). A project key acts
 * with its own role in its project and has no standing anywhere else.
 */
export function capByKey(principal: Principal, projectKey: string, grant: ProjectGrant): ProjectGrant {
  const key = principal.apiKey;
  if (!key) return grant;
  const base =
    key.project === null
      ? grant
      : key.project === projectKey
        ? { role: key.role, rights: rightsOfRole(key.role) }
        : { role: null, rights: [] };
  const role = minRole(base.role, roleOfScopes(key.scopes));
  const rights = base.rights.filter((r) => key.scopes.includes(RIGHT_SCOPE[r]));
  return { role, rights: role === null ? [] : rights };
}

/** Throws unless the grant has `right` (404 to non-members, 403 to members without it). */
export function checkRight(projectKey: string, grant: ProjectGrant, right: FineRight, principal: Principal): void {
  if (principal.isAdmin) return;
  if (grant.role === null) throw notFound(`Project ${projectKey} not found`);
  if (!grant.rights.includes(right)) {
    const key = principal.apiKey;
    if (key && !key.scopes.includes(RIGHT_SCOPE[right]))
      throw forbidden(
        `This API key is limited to ${scopeWords(key.scopes)}; ${right} needs a key with the ${RIGHT_SCOPE[right]} scope`,
      );
    throw forbidden(
      `Your role on ${projectKey} is ${grant.role} without the right ${right}; ask a project admin to grant it (writers and admins have it)`,
    );
  }
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
  if (!roleAtLeast(role, needed))
    throw forbidden(keyLimit(principal, needed) ?? `Your role on ${projectKey} is ${role}; this needs ${needed}`);
}

const SCOPE_WORDS: Record<ApiKeyScope, string> = {
  read: 'reading',
  write: 'writing',
  run: 'running scenarios',
  admin: 'administering',
};
const scopeWords = (scopes: ApiKeyScope[]) => scopes.map((scope) => SCOPE_WORDS[scope]).join(' and ') || 'nothing';
const SCOPE_OF_ROLE: Record<ProjectRole, ApiKeyScope> = { reader: 'read', writer: 'write', admin: 'admin' };

/**
 * Why the caller's API key, rather than their role, falls short of `needed` (null: it does not):
 * an admin's read-only key is refused as a key, not as "your role is reader".
 */
function keyLimit(principal: Principal, needed: ProjectRole): string | null {
  const key = principal.apiKey;
  if (!key) return null;
  if (!roleAtLeast(roleOfScopes(key.scopes), needed)) {
    return `This API key is limited to ${scopeWords(key.scopes)}; this needs ${needed}: use a key with the ${SCOPE_OF_ROLE[needed]} scope`;
  }
  if (key.project !== null && !roleAtLeast(key.role, needed))
    return `This project API key acts as ${key.role ?? 'no role'}; this needs ${needed}`;
  return null;
}
