import { badRequest, forbidden, notFound } from '../common/errors.js';
import type { User } from '../catalog/user-types.js';
import { verifyIdToken, type Claims, type JsonWebKeySet } from '../common/oidc/id-token.js';
import { newPkce, randomUrlToken } from '../common/oidc/pkce.js';
import {
  authorizationUrl,
  discover,
  exchangeCode,
  fetchJwks,
  fetchUserinfo,
  type ClientSettings,
  type ProviderMetadata,
} from '../common/oidc/provider-client.js';
import { USERNAME } from '../common/names.js';
import { workspaceSlot, type Workspace } from './workspace.js';

/**
 * Single sign-on with OpenID Connect: the authorization-code flow with PKCE (S256), state and
 * nonce. What a sign-in in progress must remember (state, nonce, verifier, where to go after)
 * travels in a short-lived httpOnly cookie, so any server of a shared catalog can finish it.
 */

/** A sign-in in progress, as the cookie holds it. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

/** The provider's metadata and keys, fetched once per workspace (keys again when a token names an unknown one). */
const providerCache = workspaceSlot('oidc.provider', () => ({
  metadata: null as Promise<ProviderMetadata> | null,
  jwks: null as Promise<JsonWebKeySet> | null,
}));

function clientOf(ws: Workspace): ClientSettings {
  const { oidcIssuer, oidcClientId, oidcClientSecret } = ws.config;
  if (!oidcIssuer || !oidcClientId)
    throw notFound('Single sign-on is not configured (LLANO_OIDC_ISSUER and LLANO_OIDC_CLIENT_ID)');
  return { issuer: oidcIssuer, clientId: oidcClientId, clientSecret: oidcClientSecret };
}

export const oidcEnabled = (ws: Workspace): boolean => Boolean(ws.config.oidcIssuer && ws.config.oidcClientId);

async function metadataOf(ws: Workspace, issuer: string): Promise<ProviderMetadata> {
  const cache = providerCache(ws);
  cache.metadata ??= discover(issuer).catch((e: unknown) => {
    cache.metadata = null;
    throw e;
  });
  return cache.metadata;
}

async function keysOf(ws: Workspace, metadata: ProviderMetadata, refresh: boolean): Promise<JsonWebKeySet> {
  const cache = providerCache(ws);
  if (refresh) cache.jwks = null;
  cache.jwks ??= fetchJwks(metadata).catch((e: unknown) => {
    cache.jwks = null;
    throw e;
  });
  return cache.jwks;
}

/** Only a path of this site is a place to return to after signing in (no open redirect). */
const safeNext = (next: string | undefined): string =>
  next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';

/** Where the provider is asked to send the browser, and what to remember until it comes back. */
export async function startOidcSignIn(
  ws: Workspace,
  request: { redirectUri: string; next?: string },
): Promise<{ url: string; pending: PendingSignIn }> {
  const client = clientOf(ws);
  const metadata = await metadataOf(ws, client.issuer);
  const { verifier, challenge } = newPkce();
  const pending = { state: randomUrlToken(), nonce: randomUrlToken(), verifier, next: safeNext(request.next) };
  // Providers that offer a scope named like the groups claim (e.g. `groups`) send it only when asked.
  const extra = metadata.scopes_supported?.includes(ws.config.oidcGroupsClaim) ? [ws.config.oidcGroupsClaim] : [];
  const scope = ['openid', 'profile', 'email', ...extra].join(' ');
  const url = authorizationUrl(metadata, client, { ...request, ...pending, challenge, scope });
  return { url, pending };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** A username from the claims: preferred_username, else the email's local part, else the subject. */
function usernameFrom(claims: Claims): string {
  const wanted = text(claims.preferred_username) ?? text(claims.email)?.split('@')[0] ?? claims.sub;
  const cleaned = wanted.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return USERNAME.test(cleaned.slice(0, 56))
    ? cleaned.slice(0, 56)
    : `user_${claims.sub.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`;
}

/** The groups claim as a list of names (a list, or one name, or a space/comma separated text). */
function groupsFrom(claims: Claims, claim: string): string[] | null {
  const value = claims[claim];
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * Finishes a sign-in: checks the state against the pending one (400 when it differs or none is
 * pending), trades the code with the PKCE verifier, verifies the ID token (401), then creates or
 * updates the user from the claims and sets their groups from the groups claim. Returns a session.
 */
export async function finishOidcSignIn(
  ws: Workspace,
  request: { code?: string; state?: string; error?: string; pending: PendingSignIn | null; redirectUri: string },
): Promise<{ user: User; token: string; next: string; groups: string[] }> {
  const client = clientOf(ws);
  if (request.error) throw badRequest(`The sign-in provider answered ${request.error}`);
  if (!request.pending) throw badRequest('No sign-in is in progress in this browser: start again from the login page');
  if (!request.state || request.state !== request.pending.state)
    throw badRequest('The sign-in state does not match this browser’s: start again from the login page');
  if (!request.code) throw badRequest('The provider sent no authorization code');
  const metadata = await metadataOf(ws, client.issuer);
  const tokens = await exchangeCode(metadata, client, {
    code: request.code,
    redirectUri: request.redirectUri,
    verifier: request.pending.verifier,
  });
  const expected = { issuer: client.issuer, clientId: client.clientId, nonce: request.pending.nonce };
  let claims: Claims;
  try {
    claims = verifyIdToken(tokens.idToken, { ...expected, jwks: await keysOf(ws, metadata, false) });
  } catch {
    // The provider may have rotated its keys since they were fetched: fetch them again, once.
    claims = verifyIdToken(tokens.idToken, { ...expected, jwks: await keysOf(ws, metadata, true) });
  }
  const info = tokens.accessToken ? await fetchUserinfo(metadata, tokens.accessToken, claims.sub) : null;
  const all: Claims = { ...(info ?? {}), ...claims };
  const user = await ws.catalog.users.upsertOidcUser({
    subject: `${client.issuer}|${claims.sub}`,
    username: usernameFrom(all),
    displayName: text(all.name),
    email: text(all.email),
  });
  if (user.disabled) throw forbidden(`User ${user.username} is disabled: ask a Llano administrator to enable it again`);
  const claimed = groupsFrom(all, ws.config.oidcGroupsClaim);
  const groups =
    claimed === null
      ? await ws.catalog.groups.groupsOf(user.username)
      : await ws.catalog.groups.syncMemberships(user.username, claimed);
  const token = await ws.catalog.users.createSession(user);
  return { user, token, next: request.pending.next, groups };
}
