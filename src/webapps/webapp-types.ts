/** Webapps as the API returns them. Types only, so the web UI imports them too. */
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
   * calls read the project as a reader on their behalf (what the app shows is what is shared).
   */
  sharing?: ObjectShare[];
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
