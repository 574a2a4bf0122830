import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict, forbidden, notFound } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { assertObjectName } from '../common/names.js';
import type { Settings } from '../connectors/connector.js';
import { connectionType, connectionTypes, settingsOf, type StoredConnection } from '../connectors/registry.js';
import { DATASET_KIND, type DatasetDefinition } from './definitions.js';
import type { Workspace } from '../workspace/workspace.js';

export { resolveInRoot } from '../connectors/filesystem/filesystem.js';

/**
 * A connection: a name, a type from the connection-type registry (src/connectors) and the
 * settings that type defines, side by side (`{"name":"ops","type":"postgres","url":"…"}`).
 */
export const ConnectionSchema = z
  .object({ name: z.string(), type: z.string().min(1), description: z.string().optional() })
  .passthrough();
export type Connection = StoredConnection & Settings;

/** The catalog kind of connections. */
export const CONNECTION_KIND = 'connection';
const KIND = CONNECTION_KIND;
const SECRET = '********';
const URL_PASSWORD = /(\/\/[^:/@]+:)([^@]*)@/;

/** What the API returns: the type's secret settings (and passwords inside its URLs) are never sent back. */
export function redactConnection(c: Connection): Connection {
  const type = connectionType(c.type);
  const out: Connection = { ...c };
  for (const key of type.secrets ?? []) if (out[key] !== undefined) out[key] = SECRET;
  for (const key of type.secretUrls ?? [])
    if (typeof out[key] === 'string') out[key] = out[key].replace(URL_PASSWORD, `$1${SECRET}@`);
  return out;
}

/**
 * A stored body of any revision as members may read it (history, exports): like `redactConnection`,
 * and for a type no longer known, its `password` and every URL's password hidden.
 */
export function redactStoredConnection(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const c = body as Connection;
  if (connectionTypes().some((t) => t.type === c.type)) return redactConnection(c);
  const out: Connection = { ...c };
  for (const [key, value] of Object.entries(out))
    if (key === 'password' && value !== undefined) out[key] = SECRET;
    else if (typeof value === 'string') out[key] = value.replace(URL_PASSWORD, `$1${SECRET}@`);
  return out;
}

/**
 * Where a stored connection keeps its secrets, for the catalog to encrypt them at rest
 * (`ObjectStore.declareSecrets`): its type's `secrets`, and its `secretUrls` holding a password (whole).
 */
export function eachConnectionSecret(body: Record<string, unknown>, each: (value: string) => string): void {
  const type = typeof body.type === 'string' ? connectionTypes().find((t) => t.type === body.type) : undefined;
  if (!type) return;
  for (const key of type.secrets ?? []) if (typeof body[key] === 'string') body[key] = each(body[key]);
  for (const key of type.secretUrls ?? []) {
    const url = body[key];
    if (typeof url === 'string' && URL_PASSWORD.test(url)) body[key] = each(url);
  }
}

/** A setting as compared for a change: a URL without its password (the password is a secret of its own). */
const comparable = (value: unknown) =>
  JSON.stringify(typeof value === 'string' ? value.replace(URL_PASSWORD, '$1@') : (value ?? null));

/** The settings (names only, never values) that differ between the stored connection and the saved one. */
export function changedSettings(c: Connection, stored: Connection | undefined): string[] {
  if (!stored) return [];
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(c)])].filter((k) => k !== 'name');
  return keys.filter((k) => JSON.stringify(c[k] ?? null) !== JSON.stringify(stored[k] ?? null)).sort();
}

/**
 * Saving a redacted connection back keeps the stored secrets, but only to send them where they
 * went before: a save that keeps one while changing where it goes (a host, a port, a user…) is a
 * 400, or a project admin could point a global admin's connection at a listener of theirs and
 * test it to receive the password.
 */
function keepStoredSecrets(c: Connection, stored: Connection | undefined): void {
  if (!stored || stored.type !== c.type) return;
  const type = connectionType(c.type);
  const kept: string[] = [];
  for (const key of type.secrets ?? [])
    if (c[key] === SECRET) {
      c[key] = stored[key];
      kept.push(key);
    }
  for (const key of type.secretUrls ?? []) {
    const given = typeof c[key] === 'string' ? URL_PASSWORD.exec(c[key]) : null;
    const keptUrl = typeof stored[key] === 'string' ? URL_PASSWORD.exec(stored[key]) : null;
    if (given?.[2] === SECRET && keptUrl) {
      c[key] = (c[key] as string).replace(URL_PASSWORD, `$1${keptUrl[2]}@`);
      kept.push(`the password in ${key}`);
    }
  }
  if (kept.length === 0) return;
  const moved = (type.secretDestination ?? []).filter((key) => comparable(c[key]) !== comparable(stored[key]));
  if (moved.length)
    throw badRequest(
      `Connection ${c.name}: ${moved.join(', ')} changed while ${kept.join(', ')} is kept as "${SECRET}": ` +
        'enter the password again to send it to a new host',
      { changed: moved },
    );
}

/** Whether `inner` is `outer` or lies below it (both absolute; `/` holds everything). */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

/**
 * A connection may not read the workspace's own files (catalog.db with every connection's
 * secrets, data/ with every project's datasets): project members would read them through it.
 * That is a path inside the home, and as much a folder holding it (`/`, a parent of the home):
 * its files would be the home's files under a longer name. Compared as real paths, so a symbolic
 * link into the home (or to a parent of it) is refused too.
 */
function refuseWorkspaceFiles(ws: Workspace, c: Connection): void {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  const home = real(ws.config.home);
  for (const p of connectionType(c.type).serverPaths?.(settingsOf(c)) ?? []) {
    const target = real(p);
    if (isWithin(target, home))
      throw badRequest(
        `Connection ${c.name}: ${p} is inside the workspace home (${ws.config.home}); Llano's own files cannot be read through a connection`,
      );
    if (isWithin(home, target))
      throw badRequest(
        `Connection ${c.name}: ${p} contains the workspace home (${ws.config.home}); Llano's own files cannot be read through a connection: choose a folder outside it`,
      );
  }
}

/** A stored connection's settings checked against its type's schema (a 400 naming the field). */
export function parseConnection(input: unknown): Connection {
  const head = parseOr400(ConnectionSchema, input, 'connection');
  const type = connectionType(head.type);
  const settings = parseOr400(type.settings, settingsOf(head), 'settings', {
    prefix: `Invalid ${type.type} connection`,
  });
  const { name, description } = head;
  return { name, type: type.type, ...(description !== undefined ? { description } : {}), ...settings };
}

/**
 * Creates or replaces a connection (project admin; a global admin for admin-only types).
 * `onChanged` hears the names of the settings that changed (for the audit log: names, never values).
 */
export async function saveConnection(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  onChanged?: (settings: string[]) => void,
): Promise<Connection> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  const c = parseConnection(input);
  assertObjectName(c.name, 'connection name');
  const type = connectionType(c.type);
  if (type.adminOnly && !principal.isAdmin) throw forbidden(`Only a global admin may create ${type.type} connections`);
  const existing = await ws.catalog.objects.get<Connection>(projectKey, KIND, c.name);
  keepStoredSecrets(c, existing?.body);
  type.check?.(settingsOf(c));
  refuseWorkspaceFiles(ws, c);
  onChanged?.(changedSettings(c, existing?.body));
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

/** One connection as the API shows it (project reader; secrets redacted; 404 when unknown). */
export async function showConnection(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<Connection> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const stored = await ws.catalog.objects.get<Connection>(projectKey, KIND, name);
  if (!stored) throw notFound(`Connection ${name} not found in project ${projectKey}`);
  return redactConnection(stored.body);
}

/**
 * Deletes a connection (project admin; a global admin for admin-only types). Refused (409,
 * naming them) while datasets read through it: deleting it would leave them unreadable.
 */
export async function deleteConnection(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'admin');
  const stored = await ws.catalog.objects.get<Connection>(projectKey, KIND, name);
  if (!stored) throw notFound(`Connection ${name} not found in project ${projectKey}`);
  const type = connectionType(stored.body.type);
  if (type.adminOnly && !principal.isAdmin) throw forbidden(`Only a global admin may delete ${type.type} connections`);
  const datasets = await ws.catalog.objects.list<DatasetDefinition>(projectKey, DATASET_KIND);
  const users = datasets
    .filter((d) => 'connection' in d.body.storage && d.body.storage.connection === name)
    .map((d) => d.name);
  if (users.length)
    throw conflict(
      `Connection ${name} is used by dataset${users.length > 1 ? 's' : ''} ${users.join(', ')}; delete or change them first`,
      { datasets: users },
    );
  await ws.catalog.objects.delete({ projectKey, kind: KIND, name, author: principal.username });
}

export interface ConnectionTestResult {
  name: string;
  type: string;
  ok: boolean;
  /** What the connection reached ("PostgreSQL 16.4 at postgres://…") or why it failed. */
  message: string;
  durationMs: number;
}

/**
 * Tests a connection (project writer): its type reaches what it points at. A failure to reach
 * it is an answer (`ok: false` and the reason), not an error; an unknown connection is a 404.
 */
export async function testConnection(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<ConnectionTestResult> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const stored = await ws.catalog.objects.get<Connection>(projectKey, KIND, name);
  if (!stored) throw notFound(`Connection ${name} not found in project ${projectKey}`);
  const c = stored.body;
  const started = Date.now();
  try {
    const message = await connectionType(c.type).test(settingsOf(c), ws.duck);
    return { name, type: c.type, ok: true, message, durationMs: Date.now() - started };
  } catch (error) {
    return {
      name,
      type: c.type,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      durationMs: Date.now() - started,
    };
  }
}
