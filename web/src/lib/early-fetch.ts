import { api, projectApi, queryString } from '../api/client';
import { rememberedChartSizes } from './chart-sizes';

/**
 * GETs started before the page that reads them has mounted, taken by `useApi` for the same URL
 * (with its query string): a dashboard opened by its address fetches its layout, insights and
 * first page's tiles while the session, the project and the page's code load, instead of after.
 * Each answer is taken once. An answer of the server, an error included, is the page's answer; a
 * request that got none (network) is sent again the ordinary way.
 */
const started = new Map<string, Promise<unknown>>();

/** Who is signed in: read by AuthProvider (auth.tsx) before any page shows. */
export const SESSION_URL = '/api/auth/me';

export function fetchEarly(url: string): void {
  if (started.has(url)) return;
  const answer = api.get(url);
  // Never an unhandled rejection: the taker fetches again and reports its own error.
  answer.catch(() => undefined);
  started.set(url, answer);
}

/** The early answer for `url` (taken: a later read fetches afresh), or undefined. */
export function takeEarly<T>(url: string): Promise<T> | undefined {
  const answer = started.get(url) as Promise<T> | undefined;
  started.delete(url);
  return answer;
}

/** A dashboard's address (a bookmark, a wall screen): its project and id, and whether it is the shared page. */
export function dashboardAddress(pathname: string): { key: string; id: string; shared: boolean } | null {
  const match = /^\/(projects|shared)\/([^/]+)\/dashboards\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  return { shared: match[1] === 'shared', key: decodeURIComponent(match[2]), id: decodeURIComponent(match[3]) };
}

const SIGNED_IN = 'llano.signedIn';

/**
 * Kept by this browser whenever the session check answers (auth.tsx): whether someone was signed
 * in. Without it, opening a dashboard's address signed out would send its data requests only to
 * be refused (401), each an error in the browser's console.
 */
export function rememberSignedIn(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN, '1');
    else localStorage.removeItem(SIGNED_IN);
  } catch {
    // Storage refused (private mode): early requests wait for a session seen in this page.
  }
}

function signedInBefore(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN) === '1';
  } catch {
    return false;
  }
}

/** On a dashboard's own address: what its page reads first (dashboard.tsx asks for exactly these). */
export function fetchDashboardEarly(pathname: string): void {
  const address = dashboardAddress(pathname);
  if (!address || address.shared) return;
  const { key, id } = address;
  // The session check gates every page (auth.tsx) and the project names the layout: both were
  // asked for only once React first rendered, and the tiles waited for the session's answer.
  fetchEarly(SESSION_URL);
  if (!signedInBefore()) return;
  fetchEarly(projectApi(key));
  fetchEarly(projectApi(key, 'dashboards', id));
  fetchEarly(projectApi(key, 'insights'));
  // The query dashboard.tsx sends for the first page without filters (the same URL, or it is fetched twice).
  const sizes = rememberedChartSizes(key, id, 1);
  fetchEarly(projectApi(key, 'dashboards', id, 'data') + queryString({ page: 1, sizes }));
}
