import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LlanoError } from '../../common/errors.js';
import { finishOidcSignIn, oidcEnabled, startOidcSignIn, type PendingSignIn } from '../../workspace/oidc-sign-in.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';
import { SESSION_COOKIE } from './auth.js';

/** The sign-in in progress: state, nonce, PKCE verifier and the page to return to (10 minutes). */
const PENDING_COOKIE = 'llano_oidc';

const OidcInfo = z.looseObject({
  enabled: z.boolean(),
  name: z.string().nullable(),
  loginUrl: z.string().nullable(),
});

/** The redirect URI registered at the provider: LLANO_PUBLIC_URL (or this request's origin) + the redirect path. */
function redirectUri(ws: Workspace, request: FastifyRequest): string {
  const base = ws.config.publicUrl ?? `${request.protocol}://${request.host}`;
  return base.replace(/\/$/, '') + ws.config.oidcRedirectPath;
}

function pendingOf(request: FastifyRequest): PendingSignIn | null {
  const raw = request.cookies[PENDING_COOKIE];
  if (!raw) return null;
  try {
    const p = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PendingSignIn;
    return typeof p.state === 'string' && typeof p.verifier === 'string' && typeof p.nonce === 'string' ? p : null;
  } catch {
    return null;
  }
}

/**
 * Single sign-on (OpenID Connect). The login and callback are browser redirects, not API calls:
 * they are plain routes, public, and exist only when a provider is configured. `GET /api/auth/oidc`
 * tells the login page whether to offer "Sign in with …".
 */
export function oidcRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/auth/oidc',
      summary: 'Whether single sign-on (OpenID Connect) is configured, the provider’s name and where to start it',
      tag: 'auth',
      access: 'public',
      response: { 200: OidcInfo },
    },
    () =>
      Promise.resolve(
        oidcEnabled(ws)
          ? { enabled: true, name: ws.config.oidcName, loginUrl: '/api/auth/oidc/login' }
          : { enabled: false, name: null, loginUrl: null },
      ),
  );
  if (!oidcEnabled(ws)) return;

  app.get('/api/auth/oidc/login', { config: { access: 'public' } }, async (request, reply) => {
    const next = (request.query as { next?: string }).next;
    const { url, pending } = await startOidcSignIn(ws, { redirectUri: redirectUri(ws, request), next });
    void reply.setCookie(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
      path: '/api/auth/oidc',
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level navigation from another site.
      sameSite: 'lax',
      secure: request.protocol === 'https',
      maxAge: 600,
    });
    return reply.redirect(url, 302);
  });

  const callbackPath = ws.config.oidcRedirectPath;
  app.get(callbackPath, { config: { access: 'public' } }, async (request, reply) => {
    const q = request.query as { code?: string; state?: string; error?: string };
    void reply.clearCookie(PENDING_COOKIE, { path: '/api/auth/oidc' });
    try {
      const { token, next } = await finishOidcSignIn(ws, {
        ...q,
        pending: pendingOf(request),
        redirectUri: redirectUri(ws, request),
      });
      void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 14 * 86400 });
      return reply.redirect(next, 302);
    } catch (e) {
      if (e instanceof LlanoError) request.log.warn(`OpenID Connect sign-in refused: ${e.message}`);
      throw e;
    }
  });
}
