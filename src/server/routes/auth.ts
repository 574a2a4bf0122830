import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { forbidden } from '../../common/errors.js';
import { createPersonalApiKey } from '../../workspace/api-keys-service.js';
import { listApiKeys, revokeApiKey, setUserPassword } from '../../workspace/users-service.js';
import { mayCreateProjects } from '../../workspace/projects-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import { LoginThrottle } from '../login-throttle.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

export const SESSION_COOKIE = 'llano_session';

const Login = z.object({ username: z.string().min(1), password: z.string().min(1) });
const NewUser = z.object({
  username: z.string(),
  password: z.string(),
  displayName: z.string().optional(),
  email: z.string().optional(),
  isAdmin: z.boolean().optional(),
});
const NewKey = z.object({
  name: z.string().min(1).max(200),
  scopes: z.array(z.string()).optional().describe('read, write, run, admin (default: all four)'),
  expiresInDays: z.number().optional().describe('1 to 3650; none: the key does not expire'),
});
const Password = z.object({ password: z.string() });
const KeyQuery = z.object({
  user: z.string().optional(),
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

/** The session token or API key a request authenticates with (Bearer header, else the session cookie). */
export const requestToken = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : request.cookies?.[SESSION_COOKIE];
};

export function authRoutes(app: FastifyInstance, ws: Workspace): void {
  const throttle = new LoginThrottle();
  route(
    app,
    {
      method: 'POST',
      url: '/api/auth/login',
      summary:
        'Log in; sets the session cookie and returns a token usable as a Bearer token (429 after 5 failures in 5 minutes)',
      tag: 'auth',
      body: Login,
      access: 'public',
      response: { 200: R.LoggedIn },
      // Whoever tried, success or not; the name only, never the password.
      audit: { action: 'auth.login', category: 'auth', object: (r) => ({ kind: 'user', name: loginName(r.body) }) },
    },
    async ({ body, reply, request }) => {
      const key = `${request.ip}|${body.username}`;
      throttle.check(key);
      const user = await ws.catalog.users.verifyPassword(body.username, body.password).catch((e: unknown) => {
        throttle.fail(key);
        throw e;
      });
      throttle.succeed(key);
      const token = await ws.catalog.users.createSession(user);
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        maxAge: 14 * 86400,
      });
      return { token, user };
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'End this session',
      tag: 'auth',
      access: 'user',
      response: { 204: null },
      audit: { action: 'auth.logout', category: 'auth' },
    },
    async ({ request, reply }) => {
      const token = requestToken(request);
      if (token) await ws.catalog.users.deleteSession(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/auth/me',
      summary: 'The authenticated user',
      tag: 'auth',
      access: 'user',
      response: { 200: R.Me },
    },
    async ({ principal }) => {
      const user = principal.via === 'local' ? null : await ws.catalog.users.findByUsername(principal.username);
      const groups = principal.via === 'local' ? [] : await ws.catalog.groups.groupsOf(principal.username);
      return { ...user, via: principal.via, groups, canCreateProjects: await mayCreateProjects(ws, principal) };
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/users',
      summary: 'List users (global admin)',
      tag: 'users',
      access: 'admin',
      response: { 200: z.array(R.User) },
    },
    async ({ principal }) => {
      if (!principal.isAdmin) throw forbidden('Only a global admin may list users');
      return ws.catalog.users.list();
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/users',
      summary: 'Create a user (global admin)',
      tag: 'users',
      body: NewUser,
      access: 'admin',
      response: { 201: R.User },
    },
    async ({ principal, body, reply }) => {
      if (!principal.isAdmin) throw forbidden('Only a global admin may create users');
      const user = await ws.catalog.users.create(body);
      void reply.code(201);
      return user;
    },
  );
  route(
    app,
    {
      method: 'PUT',
      url: '/api/users/{username}/password',
      summary:
        "Set a password (the user, or a global admin); ends the user's sessions but the one changing its own password",
      tag: 'users',
      body: Password,
      access: 'user',
      response: { 204: null },
    },
    async ({ principal, params, body, request }) => {
      const { sessionsEnded } = await setUserPassword(
        ws,
        principal,
        params.username,
        body.password,
        requestToken(request),
      );
      // That it changed, never the value.
      request.auditNote.detail = { changed: 'password', sessionsEnded };
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/api-keys',
      summary:
        "Your API keys (never the secret); a global admin's ?user=NAME: that user's, ?all=true: everyone's (with ?user, that user's)",
      tag: 'users',
      query: KeyQuery,
      access: 'user',
      response: { 200: z.array(R.ApiKey) },
    },
    async ({ principal, query }) => listApiKeys(ws, principal, query),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/api-keys',
      summary:
        'Create a personal API key (acting as you within its scopes, until its expiry); the secret is shown once',
      tag: 'users',
      body: NewKey,
      access: 'user',
      response: { 201: R.ApiKeyCreated },
    },
    async ({ principal, body, reply }) => {
      const created = await createPersonalApiKey(ws, principal, body);
      void reply.code(201);
      return created;
    },
  );
  route(
    app,
    {
      method: 'DELETE',
      url: '/api/api-keys/{id}',
      summary: "Revoke one of your API keys (a global admin: anyone's)",
      tag: 'users',
      access: 'user',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await revokeApiKey(ws, principal, params.id);
      return undefined;
    },
  );
}

/** The user name a login body gives, and nothing else of it. */
function loginName(body: unknown): string | null {
  const name = body && typeof body === 'object' ? (body as { username?: unknown }).username : null;
  return typeof name === 'string' ? name.slice(0, 200) : null;
}
