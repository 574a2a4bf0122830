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
}
