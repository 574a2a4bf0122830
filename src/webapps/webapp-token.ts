import { createHmac, timingSafeEqual } from 'node:crypto';
import { serverSecret } from '../catalog/server-secrets.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/**
 * A webapp's pages run sandboxed (CSP `sandbox`: an opaque origin, so they can neither script the
 * Llano UI nor call its API with the viewer's cookie, which the browser then does not send). What
 * they load and call is authorised instead by a view token in the URL path
 * (`/webapps/KEY/id/~TOKEN/…`): signed by this server, naming one viewer, project and webapp, valid
 * for VIEW_TOKEN_HOURS. The viewer's membership is checked again on every request. The signing key
 * lives in the catalog, so tokens survive a restart and work on every server sharing the catalog.
 */
export const VIEW_TOKEN_HOURS = 8;

// Read once per workspace; dropped on failure so that the next request asks the catalog again.
const secretSlot = workspaceSlot('webapps.view-token-secret', () => ({ key: null as Promise<Buffer> | null }));
function secret(ws: Workspace): Promise<Buffer> {
  const slot = secretSlot(ws);
  slot.key ??= serverSecret(ws.catalog.db, 'webapp-view-token').catch((error: unknown) => {
    slot.key = null;
    throw error;
  });
  return slot.key;
}

interface ViewClaims {
  /** username */
  u: string;
  /** project key */
  k: string;
  /** webapp id */
  w: string;
  /** expiry, ms since epoch */
  e: number;
  /** The API key the viewer called with, if any: the token then carries that key's limits, not its user's. */
  a?: string;
}

/** Whom a view token names: a user, and the API key they called with (undefined: a session). */
export interface TokenViewer {
  username: string;
  apiKeyId?: string;
}

const sign = async (ws: Workspace, payload: string) =>
  createHmac('sha256', await secret(ws))
    .update(payload)
    .digest('base64url');

export async function viewToken(ws: Workspace, viewer: TokenViewer, projectKey: string, id: string): Promise<string> {
  const claims: ViewClaims = {
    u: viewer.username,
    k: projectKey,
    w: id,
    e: Date.now() + VIEW_TOKEN_HOURS * 3600_000,
    ...(viewer.apiKeyId ? { a: viewer.apiKeyId } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${await sign(ws, payload)}`;
}

/** The viewer a token names, or null when it is forged, expired or for another webapp. */
export async function viewerOf(
  ws: Workspace,
  token: string,
  projectKey: string,
  id: string,
): Promise<TokenViewer | null> {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(await sign(ws, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ViewClaims;
    if (claims.k !== projectKey || claims.w !== id || claims.e < Date.now()) return null;
    return { username: claims.u, ...(claims.a ? { apiKeyId: claims.a } : {}) };
  } catch {
    return null;
  }
}
