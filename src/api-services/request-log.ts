import type { Insertable } from 'kysely';
import { stringifyBigints } from '../common/exact-json.js';
import { recordAuditBatch, type AuditRecord } from '../catalog/audit-log.js';
import type { ApiRequestsTable } from '../catalog/tables.js';
import type { Workspace } from '../workspace/workspace.js';
import type { ApiRequestLogEntry, EndpointMetrics } from './types.js';

/** Characters of a request body kept in the log. */
export const BODY_EXCERPT_CHARS = 300;
/** Rows of the request log kept per service; older ones are pruned. */
export const LOG_ROWS_KEPT = 100_000;
/** Entries waiting to be written at most: beyond it, under a flood, the oldest are dropped (and counted). */
const BUFFER_LIMIT = 20_000;
const FLUSH_MS = 1_000;
const PRUNE_EVERY_MS = 60_000;

type Entry = Insertable<ApiRequestsTable>;

/**
 * The request log of API calls, and their rows of the audit log, written in batches: one
 * catalog insert per request would cap the API at the catalog's write rate. Entries wait at
 * most a second in memory (and are written when the server closes).
 */
export class RequestLog {
  private buffer: Entry[] = [];
  private audits: AuditRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  dropped = 0;

  constructor(private readonly ws: Workspace) {}

  add(entry: Entry, audit?: AuditRecord): void {
    if (this.buffer.length >= BUFFER_LIMIT) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(entry);
    // The audit log is never capped: its rows are not dropped under a flood.
    if (audit) this.audits.push(audit);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    this.timer.unref?.();
  }

  /** Writes what is buffered (and prunes old rows now and then); concurrent calls queue. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(() => undefined);
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    const audits = this.audits;
    this.buffer = [];
    this.audits = [];
    const db = this.ws.catalog.db;
    for (let i = 0; i < batch.length; i += 500)
      await db
        .insertInto('api_requests')
        .values(batch.slice(i, i + 500))
        .execute();
    for (let i = 0; i < audits.length; i += 500) await recordAuditBatch(db, audits.slice(i, i + 500));
    if (batch.length && Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      const services = new Set(batch.map((e) => `${e.project_key}\n${e.service}`));
      for (const s of services) {
        const [projectKey, service] = s.split('\n');
        const edge = await db
          .selectFrom('api_requests')
          .select('id')
          .where('project_key', '=', projectKey)
          .where('service', '=', service)
          .orderBy('id', 'desc')
          .offset(LOG_ROWS_KEPT)
          .limit(1)
          .executeTakeFirst();
        if (edge)
          await db
            .deleteFrom('api_requests')
            .where('project_key', '=', projectKey)
            .where('service', '=', service)
            .where('id', '<=', edge.id)
            .execute();
      }
    }
  }

  close(): Promise<void> {
    return this.flush();
  }
}

/** A body as the log keeps it: JSON, cut to `BODY_EXCERPT_CHARS`. */
export function bodyExcerpt(body: unknown): string {
  if (body === undefined) return '';
  const text = stringifyBigints(body) ?? '';
  return text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}… (${text.length} characters)` : text;
}

/** The newest requests of a service. */
export async function readRequestLog(
  ws: Workspace,
  projectKey: string,
  service: string,
  limit: number,
): Promise<ApiRequestLogEntry[]> {
  const rows = await ws.catalog.db
    .selectFrom('api_requests')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    endpoint: r.endpoint,
    version: r.version,
    keyId: r.key_id,
    status: r.status,
    durationMs: r.duration_ms,
    at: r.at,
    bodyExcerpt: r.body_excerpt,
    error: r.error,
  }));
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;

/** p50/p95/p99 of each endpoint over the requests logged since `since`. */
export async function endpointMetrics(
  ws: Workspace,
  projectKey: string,
  service: string,
  since: string,
): Promise<EndpointMetrics[]> {
  const rows = await ws.catalog.db
    .selectFrom('api_requests')
    .select(['endpoint', 'status', 'duration_ms'])
    .where('project_key', '=', projectKey)
    .where('service', '=', service)
    .where('at', '>=', since)
    .orderBy('id', 'desc')
    .limit(LOG_ROWS_KEPT)
    .execute();
  const by = new Map<string, { durations: number[]; errors: number }>();
  for (const r of rows) {
    const m = by.get(r.endpoint) ?? { durations: [], errors: 0 };
    m.durations.push(r.duration_ms);
    if (r.status >= 400) m.errors++;
    by.set(r.endpoint, m);
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, m]) => {
      const sorted = m.durations.sort((a, b) => a - b);
      return {
        endpoint,
        requests: sorted.length,
        errors: m.errors,
        p50Ms: round(percentile(sorted, 50)),
        p95Ms: round(percentile(sorted, 95)),
        p99Ms: round(percentile(sorted, 99)),
      };
    });
}
