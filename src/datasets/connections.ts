import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, forbidden } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { assertObjectName } from '../common/names.js';
import { postgresConnectionInfoSchema, type PostgresConnectionInfo } from '../engine/postgres-connection.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Connection types. A `filesystem` connection exposes one folder (and nothing outside it);
 * a `postgres` connection one database.
 */
export const ConnectionSchema = z.discriminatedUnion('type', [
  z.object({ name: z.string(), type: z.literal('filesystem'), description: z.string().optional(), root: z.string().min(1) }).strict(),
  z.object({ name: z.string(), type: z.literal('postgres'), description: z.string().optional() }).merge(postgresConnectionInfoSchema).strict(),
]);
export type Connection = z.infer<typeof ConnectionSchema>;
export type PostgresConnection = Extract<Connection, { type: 'postgres' }>;

const KIND = 'connection';
const SECRET = '********';

/** What the API returns: the password is never sent back. */
export function redactConnection(c: Connection): Connection {
  if (c.type !== 'postgres') return c;
  const out = { ...c };
  if (out.password !== undefined) out.password = SECRET;
  if (out.url) out.url = out.url.replace(/(\/\/[^:/@]+:)[^@]*@/, `$1${SECRET}@`);
  return out;
}

export function postgresInfo(c: PostgresConnection): PostgresConnectionInfo {
  const { name: _n, type: _t, description: _d, ...info } = c;
  return info;
}

export async function saveConnection(ws: Workspace, principal: Principal, projectKey: string, input: unknown): Promise<Connection> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  const c = parseOr400(ConnectionSchema, input, 'connection');
  assertObjectName(c.name, 'connection name');
  if (c.type === 'filesystem') {
    // Reading folders of the server is a server-wide privilege.
    if (!principal.isAdmin) throw forbidden('Only a global admin may create filesystem connections');
    if (!path.isAbsolute(c.root) || !existsSync(c.root) || !statSync(c.root).isDirectory()) throw badRequest(`Connection root ${c.root} is not an existing absolute folder`);
  }
  const existing = await ws.catalog.objects.get<Connection>(projectKey, KIND, c.name);
  // Saving a redacted connection back keeps the stored secret.
  if (c.type === 'postgres' && existing?.body.type === 'postgres' && c.password === SECRET) c.password = existing.body.password;
  await ws.catalog.objects.put({ projectKey, kind: KIND, name: c.name, body: c, author: principal.username });
  return redactConnection(c);
}

export async function getConnection(ws: Workspace, projectKey: string, name: string): Promise<Connection> {
  return (await ws.catalog.objects.require<Connection>(projectKey, KIND, name)).body;
}

export async function listConnections(ws: Workspace, principal: Principal, projectKey: string): Promise<Connection[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<Connection>(projectKey, KIND)).map((o) => redactConnection(o.body));
}

/** Resolves a path inside a filesystem connection, refusing anything that escapes its root. */
export function resolveInRoot(root: string, relative: string): string {
  const abs = path.resolve(root, relative);
  const rootAbs = path.resolve(root);
  if (abs !== rootAbs && !abs.startsWith(rootAbs + path.sep)) throw badRequest(`Path ${relative} is outside the connection's folder`);
  return abs;
}
