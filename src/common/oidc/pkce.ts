import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe value for state, nonce and the PKCE verifier (32 bytes: 43 characters). */
export const randomUrlToken = (): string => randomBytes(32).toString('base64url');

/** A PKCE pair (RFC 7636): the verifier kept by Llano, its S256 challenge sent to the provider. */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomUrlToken();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
