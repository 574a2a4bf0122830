import type { ApiKeyScope, ProjectRole } from './access.js';

/** Users and API keys as the API returns them (never a secret). Types only, so the web UI imports them too. */
export interface User {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  isAdmin: boolean;
  /** A disabled user cannot log in; their sessions and API keys were revoked when it was disabled. */
  disabled: boolean;
  createdAt: string;
}

export interface ApiKeyInfo {
  id: string;
  /** Whose key it is (admins list everyone's). */
  username: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** What the key may do: read, write, run (scenarios), admin. */
  scopes: ApiKeyScope[];
  /** After this instant the key is refused (401); null: never expires. */
  expiresAt: string | null;
  /** A project key's project and role (null for a personal key, which acts as its user). */
  project: string | null;
  role: ProjectRole | null;
}
