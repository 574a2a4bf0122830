import { createHmac, timingSafeEqual } from 'node:crypto';
import { serverSecret } from '../catalog/server-secrets.js';
import { sha256 } from '../common/ids.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/**
 * A webapp's pages run sandboxed (CSP `sandbox`: an opaque origin, so they can neither script the
 * Llano UI nor call its API with the viewer's cookie, which the browser then does not send). What
 * they load and call is authorised instead by a view token in the URL path
 * (`/webapps/KEY/id/~TOKEN/…`): signed by this server, naming one viewer, project and webapp, valid
 * for VIEW_TOKEN_HOURS. The viewer's membership is checked again on every request. The signing key
 * lives in the catalog, so tokens survive a restart and work on every server sharing the catalog.
 *
 * A token is bound to the credential (session cookie or API key) that opened the webapp: it keeps
 * that credential's hash, acts with that credential's rights, and dies with it (a logout ends it).
 * See webapp-serving.ts for which requests must also carry the credential itself.
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

interface SignedClaims {
  /** username */
  u: string;
  /** project key */
  k: string;
  /** webapp id */
  w: string;
  /** expiry, ms since epoch */
  e: number;
  /** sha256 of the session token or API key that opened the webapp (absent for a local workspace's owner) */
  c?: string;
  /** 1 when that credential is an API key */
  a?: 1;
}

/** What a valid view token says: its viewer, and the credential it is bound to. */
export interface ViewClaims {
  username: string;
  credential: { hash: string; kind: 'apikey' | 'session' } | null;
}

const sign = async (ws: Workspace, payload: string) =>
  createHmac('sha256', await secret(ws))
    .update(payload)
    .digest('base64url');

/** `credential`: the session token or API key of the request that opens the webapp (its hash is kept). */
export async function viewToken(
  ws: Workspace,
  username: string,
  projectKey: string,
  id: string,
  credential?: string,
): Promise<string> {
  const claims: SignedClaims = {
    u: username,
    k: projectKey,
    w: id,
    e: Date.now() + VIEW_TOKEN_HOURS * 3600_000,
    ...(credential ? { c: sha256(credential), ...(credential.startsWith('llk_') ? { a: 1 as const } : {}) } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${await sign(ws, payload)}`;
}

/** The viewer a token names and its credential, or null when it is forged, expired or for another webapp. */
export async function viewClaimsOf(
  ws: Workspace,
  token: string,
  projectKey: string,
  id: string,
): Promise<ViewClaims | null> {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(await sign(ws, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SignedClaims;
    if (claims.k !== projectKey || claims.w !== id || claims.e < Date.now()) return null;
    return {
      username: claims.u,
      credential: claims.c ? { hash: claims.c, kind: claims.a === 1 ? 'apikey' : 'session' } : null,
    };
  } catch {
    return null;
  }
}
