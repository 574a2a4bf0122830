/** Revisions of versioned project objects as the API returns them. Types only, so the web UI imports them too. */
export interface Revision {
  revision: number;
  action: 'create' | 'update' | 'delete' | 'revert';
  /** Null for a deletion. */
  body: unknown;
  author: string;
  createdAt: string;
}
