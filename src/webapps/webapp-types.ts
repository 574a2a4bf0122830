/** Webapps as the API returns them. Types only, so the web UI imports them too. */
import type { ProjectRole } from '../catalog/access.js';
import type { ObjectShare } from '../catalog/share-types.js';

/**
 * `static`: HTML/CSS/JS files (+ an optional `backend.ts`); `python`: a WSGI `app` in `app.py` (Flask);
 * `react`: a component exported by default from `app.tsx`, bundled with React by Llano (+ an optional `backend.ts`).
 */
export const WEBAPP_KINDS = ['static', 'python', 'react'] as const;
export type WebappKind = (typeof WEBAPP_KINDS)[number];

export interface Webapp {
  id: string;
  name: string;
  kind: WebappKind;
  description?: string;
  /** Path (relative, `/`-separated) → text content. */
  files: Record<string, string>;
  /** Limits of its backend or Python process (each at most the workspace's LLANO_CODE_* limit). */
  limits?: WebappLimits;
  /** A Python code environment of the project (its virtual environment) for the Python process; unset: the machine's Python. */
  environment?: string;
  /**
   * Viewers beyond the project's members (users or groups): they open this webapp only, and its data
   * calls (front end, backend.ts, Python) read on their behalf the `datasets` below and nothing else.
   */
  sharing?: ObjectShare[];
  /**
   * The project datasets this webapp reads: what its data calls may read for a viewer it is shared
   * with (none declared: they read no data). Project members read with their own role, unaffected.
   */
  datasets?: string[];
}

export interface WebappLimits {
  /** Longest one backend call (or one proxied Python request) may take, in seconds (default 30). */
  timeoutSeconds?: number;
  /** Memory of the process, in MB (default 256). */
  memoryMb?: number;
  /** The process stops after this long without a request, in seconds (default 300). */
  idleSeconds?: number;
}

export interface WebappInfo extends Webapp {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
  /** Where a browser opens it. */
  url: string;
}

export interface WebappLogLine {
  at: string;
  /** `stdout`/`stderr` of the backend or Python process, `llano` for what Llano says about it (start, stop, limits). */
  stream: 'stdout' | 'stderr' | 'llano';
  line: string;
}

/**
 * Who is calling a webapp, as its backend (`request.user`), a Python app (`X-Llano-User`,
 * `X-Llano-Role`, `X-Llano-Api-Key`) and `llano.user()` see them. `role` is their effective role
 * in the project: narrowed by the API key they called with (an admin's reader key is `reader`),
 * `viewer` for someone the webapp is shared with who is not a member. Grant a backend's own
 * powers by `role`, never by `username`.
 */
export interface WebappCaller {
  username: string;
  role: ProjectRole | 'viewer';
  /** They called with an API key (a script), not a browser session. */
  apiKey: boolean;
}
