import { badRequest, unauthorized } from '../errors.js';
import type { Claims, JsonWebKeySet } from './id-token.js';

/** What Llano reads of a provider's discovery document. */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  scopes_supported?: string[];
}

export interface ClientSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
}

/**
 * The provider side of the authorization-code flow, with fetch only. The issuer is the admin's
 * setting, not user input, so these requests are not subject to the outbound address policy
 * (a provider on the internal network is the usual case).
 */
async function getJson(url: string, what: string, init?: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw badRequest(`The sign-in provider could not be reached for its ${what}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok || !body || typeof body !== 'object') {
    const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).error : undefined;
    const error = typeof raw === 'string' ? raw : undefined;
    throw unauthorized(`The sign-in provider refused the ${what} request (${res.status}${error ? `: ${error}` : ''})`);
  }
  return body as Record<string, unknown>;
}

export async function discover(issuer: string): Promise<ProviderMetadata> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const doc = (await getJson(url, 'discovery document')) as unknown as ProviderMetadata;
  if (doc.issuer !== issuer)
    throw badRequest(`The provider's discovery document names issuer ${doc.issuer}, not ${issuer} (LLANO_OIDC_ISSUER)`);
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
    if (typeof doc[field] !== 'string') throw badRequest(`The provider's discovery document has no ${field}`);
  return doc;
}

export async function fetchJwks(metadata: ProviderMetadata): Promise<JsonWebKeySet> {
  const jwks = await getJson(metadata.jwks_uri, 'signing keys');
  if (!Array.isArray(jwks.keys)) throw badRequest('The provider’s JWKS has no keys');
  return jwks as unknown as JsonWebKeySet;
}

export function authorizationUrl(
  metadata: ProviderMetadata,
  client: ClientSettings,
  request: { redirectUri: string; state: string; nonce: string; challenge: string; scope: string },
): string {
  const url = new URL(metadata.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', request.scope);
  url.searchParams.set('state', request.state);
  url.searchParams.set('nonce', request.nonce);
  url.searchParams.set('code_challenge', request.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Trades the code for tokens; the client authenticates with HTTP Basic unless the provider wants the secret posted. */
export async function exchangeCode(
  metadata: ProviderMetadata,
  client: ClientSettings,
  request: { code: string; redirectUri: string; verifier: string },
): Promise<{ idToken: string; accessToken?: string }> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: request.code,
    redirect_uri: request.redirectUri,
    code_verifier: request.verifier,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (client.clientSecret && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')) {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  } else if (client.clientSecret) {
    const user = encodeURIComponent(client.clientId);
    const pass = encodeURIComponent(client.clientSecret);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else form.set('client_id', client.clientId);
  const tokens = await getJson(metadata.token_endpoint, 'token', { method: 'POST', headers, body: form });
  if (typeof tokens.id_token !== 'string') throw unauthorized('The provider answered no ID token');
  return {
    idToken: tokens.id_token,
    accessToken: typeof tokens.access_token === 'string' ? tokens.access_token : undefined,
  };
}

/** The userinfo claims (profile, email, groups often come only from there); must be about the same subject. */
export async function fetchUserinfo(
  metadata: ProviderMetadata,
  accessToken: string,
  sub: string,
): Promise<Claims | null> {
  if (!metadata.userinfo_endpoint) return null;
  const info = await getJson(metadata.userinfo_endpoint, 'userinfo', {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (info.sub !== sub) throw unauthorized('The provider’s userinfo is about another subject than the ID token');
  return info as Claims;
}
