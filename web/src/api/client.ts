import { parseLongIntegersAsText } from '../../../src/common/exact-json.js';

/**
 * The only way the UI talks to Llano: JSON over HTTP with the session cookie set by
 * `POST /api/auth/login`. Errors arrive as `{"error":{"code","message"}}` and become ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401 (the session expired or was never there). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

/** Builds `?a=1&filter=x&filter=y`, skipping empty values. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Turns an error body (or its absence) into an ApiError. */
export function toApiError(status: number, body: unknown, fallback: string): ApiError {
  const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (e && typeof e.message === 'string') return new ApiError(status, e.code ?? 'error', e.message, e.details);
  return new ApiError(status, status === 0 ? 'network' : 'http_' + status, fallback);
}

export async function request<T>(
  method: string,
  url: string,
  body?: unknown,
  query?: Query,
  signal?: AbortSignal,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url + queryString(query), {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the Llano server. Check your connection and try again.');
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      // BIGINT values past 2^53 come as exact JSON numbers: kept as their digits, not rounded.
      parsed = parseLongIntegersAsText(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !url.endsWith('/api/auth/login')) unauthorizedListeners.forEach((l) => l());
    throw toApiError(res.status, parsed, `${method} ${url} failed with HTTP ${res.status}`);
  }
  return parsed as T;
}

export const api = {
  get: <T>(url: string, query?: Query, signal?: AbortSignal) => request<T>('GET', url, undefined, query, signal),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, body ?? {}),
  put: <T>(url: string, body?: unknown) => request<T>('PUT', url, body ?? {}),
  patch: <T>(url: string, body?: unknown) => request<T>('PATCH', url, body ?? {}),
  del: <T = void>(url: string) => request<T>('DELETE', url),
  /** Plain text (job logs). */
  async text(url: string): Promise<string> {
    const res = await fetch(url, { credentials: 'same-origin' });
    const text = await res.text();
    if (!res.ok) {
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      throw toApiError(res.status, body, `GET ${url} failed with HTTP ${res.status}`);
    }
    return text;
  },
};

/** URL path segments, escaped. `p('projects', key, 'datasets')` → `/api/projects/KEY/datasets`. */
export function apiPath(...segments: string[]): string {
  return '/api/' + segments.map(encodeURIComponent).join('/');
}

export const projectApi = (key: string, ...rest: string[]) => apiPath('projects', key, ...rest);

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
