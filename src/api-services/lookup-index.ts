import { badRequest, conflict } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { findVersion } from '../datasets/versions.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { jsonRows } from './json-rows.js';
import type { LookupEndpoint } from './types.js';

/** Rows an in-memory lookup index holds at most: the whole dataset version lives in the server's heap. */
export const MAX_LOOKUP_ROWS = 2_000_000;
/** Keys one batch lookup may ask for. */
export const MAX_BATCH_KEYS = 1_000;

/**
 * One dataset version of a lookup endpoint in memory: a Map from the key to its row, so a
 * lookup is a hash probe, not a scan. Built once per (version, key, columns) and shared.
 */
export interface LookupIndex {
  rows: Map<string, Record<string, unknown>>;
  key: string[];
  columns: string[];
  buildMs: number;
}

/** Key values are compared as text (`42` and `"42"` are the same key), parts joined by a separator no JSON text has. */
export function keyOf(parts: unknown[]): string {
  return parts.map((p) => String(p)).join('\u0000');
}

class IndexCache {
  readonly entries = new Map<string, Promise<LookupIndex>>();
}
const cacheOf = workspaceSlot('api-services.lookup-indexes', () => new IndexCache());
const INDEXES_KEPT = 16;

async function build(ws: Workspace, projectKey: string, endpoint: LookupEndpoint, versionId: string) {
  const started = performance.now();
  const version = await findVersion(ws, projectKey, endpoint.dataset, versionId);
  if (!version || version.location.startsWith('postgres:'))
    throw conflict(
      `endpoint ${endpoint.id}: dataset ${endpoint.dataset} version ${versionId} is no longer available; deploy the service again`,
    );
  const file = quoteLiteral(ws.resolve(version.location));
  return ws.duck.withConnection(async (conn) => {
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`);
    const present = described.getRowObjectsJson().map((r) => r.column_name as string);
    for (const c of [...endpoint.key, ...(endpoint.columns ?? [])])
      if (!present.includes(c))
        throw badRequest(`endpoint ${endpoint.id}: dataset ${endpoint.dataset} has no column ${c}`);
    const columns = endpoint.columns ?? present;
    const count = Number((await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${file})`)).getRows()[0][0]);
    if (count > MAX_LOOKUP_ROWS)
      throw badRequest(
        `endpoint ${endpoint.id}: dataset ${endpoint.dataset} has ${count.toLocaleString('en-US')} rows, over the ${MAX_LOOKUP_ROWS.toLocaleString('en-US')} a lookup index holds; use a SQL endpoint`,
      );
    const keyList = endpoint.key.map(quoteIdent).join(', ');
    const select = [...new Set([...endpoint.key, ...columns])].map(quoteIdent).join(', ');
    const reader = await conn.runAndReadAll(`SELECT ${select} FROM read_parquet(${file}) ORDER BY ${keyList}`);
    const rows = new Map<string, Record<string, unknown>>();
    for (const r of jsonRows(reader)) {
      const k = keyOf(endpoint.key.map((c) => r[c]));
      if (rows.has(k))
        throw badRequest(
          `endpoint ${endpoint.id}: key ${endpoint.key.join(', ')} is not unique in dataset ${endpoint.dataset} (${JSON.stringify(endpoint.key.map((c) => r[c]))} appears twice)`,
        );
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c] = r[c];
      rows.set(k, row);
    }
    return { rows, key: endpoint.key, columns, buildMs: performance.now() - started };
  });
}

/** The index of one lookup endpoint on one dataset version, built on first use. */
export function lookupIndex(
  ws: Workspace,
  projectKey: string,
  endpoint: LookupEndpoint,
  versionId: string,
): Promise<LookupIndex> {
  const { entries } = cacheOf(ws);
  const id = JSON.stringify([projectKey, endpoint.dataset, versionId, endpoint.key, endpoint.columns ?? null]);
  let index = entries.get(id);
  if (index) {
    entries.delete(id);
    entries.set(id, index);
    return index;
  }
  index = build(ws, projectKey, endpoint, versionId);
  entries.set(id, index);
  index.catch(() => entries.delete(id));
  while (entries.size > INDEXES_KEPT) entries.delete(entries.keys().next().value!);
  return index;
}

function keyParts(endpoint: LookupEndpoint, value: unknown, where: string): unknown[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest(`${where}: an object of the key columns (${endpoint.key.join(', ')})`);
  const input = value as Record<string, unknown>;
  const extra = Object.keys(input).filter((k) => !endpoint.key.includes(k));
  if (extra.length)
    throw badRequest(`${where}: ${extra[0]} is not a key column; the key is ${endpoint.key.join(', ')}`);
  return endpoint.key.map((c) => {
    const v = input[c];
    if (v === undefined) throw badRequest(`${where}: missing key column ${c}`);
    if (!['string', 'number', 'boolean'].includes(typeof v))
      throw badRequest(`${where}: key column ${c} is a string, number or boolean`);
    return v;
  });
}

/** `{"antenna":"DA41"}` → `{row}`; `{"keys":[…]}` → `{rows}` in the order asked (null where absent). */
export function answerLookup(endpoint: LookupEndpoint, index: LookupIndex, body: unknown): unknown {
  if (typeof body === 'object' && body !== null && 'keys' in body) {
    const keys = body.keys;
    if (Object.keys(body).length > 1) throw badRequest('A batch lookup body is {"keys":[…]} and nothing else');
    if (!Array.isArray(keys)) throw badRequest('keys: an array of key objects');
    if (keys.length > MAX_BATCH_KEYS)
      throw badRequest(
        `keys: ${keys.length.toLocaleString('en-US')} keys, over the limit of ${MAX_BATCH_KEYS.toLocaleString('en-US')} per batch lookup`,
      );
    return { rows: keys.map((k, i) => index.rows.get(keyOf(keyParts(endpoint, k, `keys[${i}]`))) ?? null) };
  }
  return { row: index.rows.get(keyOf(keyParts(endpoint, body, 'body'))) ?? null };
}
