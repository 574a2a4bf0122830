import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { unauthorized } from '../errors.js';

/** The claims Llano reads from an ID token or the userinfo answer. */
export type Claims = Record<string, unknown> & { sub: string };

export interface JsonWebKeySet {
  keys: (JsonWebKey & { kid?: string; use?: string; alg?: string })[];
}

/** Signature algorithms accepted, as node:crypto verifies them. */
const ALGORITHMS: Record<string, { hash: string; options?: { padding?: number; dsaEncoding?: 'ieee-p1363' } }> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  ES256: { hash: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
};

const part = (text: string, what: string): Record<string, unknown> => {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw unauthorized(`The ID token's ${what} is not valid JSON`);
};

/**
 * Verifies an ID token (OpenID Connect Core 3.1.3.7): its signature against the provider's JWKS
 * (the key named by `kid`), its issuer, audience, expiry and the nonce sent with the request.
 * Any failure is a 401: the sign-in does not happen.
 */
export function verifyIdToken(
  token: string,
  expected: { jwks: JsonWebKeySet; issuer: string; clientId: string; nonce: string; nowSeconds?: number },
): Claims {
  const pieces = token.split('.');
  if (pieces.length !== 3) throw unauthorized('The ID token is not a signed JWT');
  const [headerText, payloadText, signatureText] = pieces;
  const header = part(headerText, 'header');
  const alg = String(header.alg);
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw unauthorized(`The ID token's algorithm ${alg} is not accepted (use RS256 or ES256)`);
  const candidates = expected.jwks.keys.filter(
    (k) => (header.kid === undefined || k.kid === header.kid) && (k.use === undefined || k.use === 'sig'),
  );
  const signed = Buffer.from(`${headerText}.${payloadText}`);
  const signature = Buffer.from(signatureText, 'base64url');
  const valid = candidates.some((jwk) => {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      return verify(algorithm.hash, signed, { key, ...algorithm.options }, signature);
    } catch {
      return false;
    }
  });
  if (!valid) throw unauthorized('The ID token’s signature does not verify against the provider’s keys');
  const claims = part(payloadText, 'payload');
  const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
  const skew = 60;
  if (claims.iss !== expected.issuer)
    throw unauthorized(`The ID token was issued by ${String(claims.iss)}, not the configured issuer`);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(expected.clientId)) throw unauthorized('The ID token is not meant for this client');
  if (typeof claims.exp !== 'number' || claims.exp + skew < now) throw unauthorized('The ID token has expired');
  if (typeof claims.iat === 'number' && claims.iat - skew > now)
    throw unauthorized('The ID token is issued in the future');
  if (claims.nonce !== expected.nonce) throw unauthorized('The ID token’s nonce does not match this sign-in');
  if (typeof claims.sub !== 'string' || !claims.sub) throw unauthorized('The ID token names no subject');
  return claims as Claims;
}
