import type { AuditRecord } from '../catalog/audit-log.js';
import { notFound, toLlanoError, TooManyRequests, unauthorized, forbidden } from '../common/errors.js';
import { nowIso, sha256 } from '../common/ids.js';
import type { TableSource } from '../engine/table-source.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { activeVersionOf, loadDeployment } from './active-deployment.js';
import { executeEndpoint } from './execute.js';
import { findServiceKey } from './keys.js';
import { lookupIndex } from './lookup-index.js';
import { bodyExcerpt, RequestLog } from './request-log.js';
import { SortedCopies, filterColumnsOf } from './sorted-copies.js';
import { resolveInputs } from './sql-endpoint.js';
import type { DeployedEndpoint } from './types.js';

/**
 * How stale a process's view of deployments, keys and dataset locations may be: each is
 * re-read from the catalog at most this often, so an `llano api-node` sees a deployment,
 * switch or key revocation made elsewhere within this time (this process's own changes at once).
 */
export const REFRESH_MS = 1_000;

interface Loaded {
  version: number;
  endpoints: Map<string, DeployedEndpoint>;
  requestsPerSecond: number;
}

interface CachedDeployment {
  loaded: Loaded | null;
  checkedAt: number;
  pending: Promise<Loaded | null> | null;
}

type KeyOwner = { id: string; projectKey: string; service: string } | null;

/** A call of `POST /services/{KEY}/{service}/{endpoint}`. */
export interface ServiceCall {
  projectKey: string;
  service: string;
  endpoint: string;
  /** The bearer token sent, if any. */
  token: string | undefined;
  body: unknown;
  signal?: AbortSignal;
  /** Where the call came from, for the audit log. */
  ip?: string;
  userAgent?: string;
}

/** Too many requests: the caller may retry after `retryAfterSeconds`. */
export class RateLimited extends TooManyRequests {
  constructor(retryAfterSeconds: number, limit: number) {
    super(
      'rate_limited',
      `Rate limit of ${limit} requests per second for this API key reached; retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }
}

const KEYS_CACHED = 10_000;

/**
 * What serves API callers in one process (`llano serve` or `llano api-node`): the active
 * deployment of each service, its keys, token buckets of the rate limit and the request log.
 */
export class ApiRuntime {
  private readonly deployments = new Map<string, CachedDeployment>();
  private readonly keys = new Map<string, { owner: KeyOwner; at: number }>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly sourceCache = new Map<string, { at: number; value: Promise<Record<string, TableSource>> }>();
  readonly log: RequestLog;
  readonly sortedCopies: SortedCopies;

  constructor(private readonly ws: Workspace) {
    this.log = new RequestLog(ws);
    this.sortedCopies = new SortedCopies(ws);
  }

  /** Drops what this process knows of a service's deployment (after a deploy or switch here). */
  forget(projectKey: string, service: string): void {
    this.deployments.delete(`${projectKey}\n${service}`);
  }

  forgetKeys(): void {
    this.keys.clear();
  }

  private async keyOwner(token: string): Promise<KeyOwner> {
    const hash = sha256(token);
    const hit = this.keys.get(hash);
    if (hit && Date.now() - hit.at < REFRESH_MS) return hit.owner;
    const owner = await findServiceKey(this.ws, token);
    // Random tokens must not grow the cache without bound.
    if (this.keys.size >= KEYS_CACHED) this.keys.clear();
    this.keys.set(hash, { owner, at: Date.now() });
    return owner;
  }

  /** The deployment answering callers, re-read when older than REFRESH_MS (callers meanwhile keep the last one). */
  async deployment(projectKey: string, service: string): Promise<Loaded | null> {
    const id = `${projectKey}\n${service}`;
    const cached = this.deployments.get(id);
    if (cached && (Date.now() - cached.checkedAt < REFRESH_MS || (cached.pending && cached.loaded)))
      return cached.loaded;
    if (cached?.pending) return cached.pending;
    const entry: CachedDeployment = cached ?? { loaded: null, checkedAt: 0, pending: null };
    entry.pending = this.refresh(projectKey, service, entry.loaded)
      .then((loaded) => {
        entry.loaded = loaded;
        entry.checkedAt = Date.now();
        return loaded;
      })
      .finally(() => (entry.pending = null));
    this.deployments.set(id, entry);
    return entry.pending;
  }

  private async refresh(projectKey: string, service: string, current: Loaded | null): Promise<Loaded | null> {
    const version = await activeVersionOf(this.ws, projectKey, service);
    if (version === null) return null;
    if (current?.version === version) return current;
    const definition = await loadDeployment(this.ws, projectKey, service, version);
    if (!definition) return null;
    // Lookup indexes are built before the version takes traffic here, so no caller waits for one.
    for (const e of definition.endpoints)
      if (e.type === 'lookup' && e.datasetVersion)
        await lookupIndex(this.ws, projectKey, e, e.datasetVersion).catch(() => undefined);
    return {
      version,
      endpoints: new Map(definition.endpoints.map((e) => [e.id, e])),
      requestsPerSecond: definition.rateLimit.requestsPerSecond,
    };
  }

  /**
   * Loads the active deployment of every service (lookup indexes included) now and every
   * `intervalMs`, so a new deployment is ready before its first caller (`llano api-node`).
   * Returns a function that stops the polling.
   */
  pollDeployments(intervalMs = REFRESH_MS * 2): () => void {
    const poll = async () => {
      const rows = await this.ws.catalog.db.selectFrom('api_active').select(['project_key', 'service']).execute();
      for (const r of rows) await this.deployment(r.project_key, r.service).catch(() => undefined);
    };
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const loop = () =>
      void poll()
        .catch(() => undefined)
        .finally(() => {
          if (!stopped) timer = setTimeout(loop, intervalMs);
        });
    loop();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }

  /** Where a SQL endpoint's datasets are, re-resolved at most every REFRESH_MS. */
  sources(projectKey: string, inputs: string[]): Promise<Record<string, TableSource>> {
    const id = `${projectKey}\n${inputs.join('\n')}`;
    const hit = this.sourceCache.get(id);
    if (hit && Date.now() - hit.at < REFRESH_MS) return hit.value;
    const value = resolveInputs(this.ws, projectKey, inputs);
    value.catch(() => this.sourceCache.delete(id));
    if (this.sourceCache.size > 1_000) this.sourceCache.clear();
    this.sourceCache.set(id, { at: Date.now(), value });
    return value;
  }

  /** A token bucket per key: `rate` tokens a second, as many in a burst. */
  private take(keyId: string, rate: number): number {
    const now = performance.now();
    const b = this.buckets.get(keyId) ?? { tokens: rate, at: now };
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.buckets.set(keyId, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  }

  /** Whether `token` may read a service's document: one of its keys, or a session or API key of a project reader. */
  async mayRead(projectKey: string, service: string, token: string): Promise<boolean> {
    const owner = await this.keyOwner(token);
    if (owner) return owner.projectKey === projectKey && owner.service === service;
    const principal = await this.ws.catalog.users.authenticateToken(token);
    if (!principal) return false;
    return this.ws.catalog.projects
      .authorize(principal, projectKey, 'reader')
      .then(() => true)
      .catch(() => false);
  }

  /** Answers a caller: key, deployment, rate limit, then the endpoint; logged once the key is known to be this service's. */
  async call(c: ServiceCall): Promise<unknown> {
    const started = performance.now();
    if (!c.token) throw unauthorized('An API key is required: send Authorization: Bearer <a key of this API service>');
    const owner = await this.keyOwner(c.token);
    if (!owner) throw unauthorized('The API key is not valid (unknown or revoked)');
    if (owner.projectKey !== c.projectKey || owner.service !== c.service)
      throw forbidden('This API key belongs to another API service');
    let version: number | null = null;
    try {
      const deployed = await this.deployment(c.projectKey, c.service);
      if (!deployed) throw notFound(`API service ${c.service} of project ${c.projectKey} has no deployed version`);
      version = deployed.version;
      const endpoint = deployed.endpoints.get(c.endpoint);
      if (!endpoint)
        throw notFound(`API service ${c.service} (version ${deployed.version}) has no endpoint ${c.endpoint}`);
      const wait = this.take(owner.id, deployed.requestsPerSecond);
      if (wait) throw new RateLimited(wait, deployed.requestsPerSecond);
      const answer = await executeEndpoint(this.ws, endpoint, c.body ?? {}, {
        projectKey: c.projectKey,
        service: c.service,
        version,
        sources: async (inputs) => {
          const sources = await this.sources(c.projectKey, inputs);
          if (endpoint.type !== 'sql-query') return sources;
          const columns = filterColumnsOf(endpoint.sql);
          return Object.fromEntries(
            Object.entries(sources).map(([name, source]) => [
              name,
              this.sortedCopies.source(c.projectKey, name, source, columns),
            ]),
          );
        },
        signal: c.signal,
      });
      this.record(c, owner.id, version, 200, started, null);
      return answer;
    } catch (error) {
      const e = toLlanoError(error);
      this.record(c, owner.id, version, e.status, started, e.message);
      throw e;
    }
  }

  private record(
    c: ServiceCall,
    keyId: string,
    version: number | null,
    status: number,
    started: number,
    error: string | null,
  ) {
    this.log.add(
      {
        project_key: c.projectKey,
        service: c.service,
        endpoint: c.endpoint,
        version,
        key_id: keyId,
        status,
        duration_ms: performance.now() - started,
        at: nowIso(),
        body_excerpt: bodyExcerpt(c.body),
        error: error?.slice(0, 500) ?? null,
      },
      status >= 200 && status < 300 ? this.auditOf(c, keyId, version, status) : undefined,
    );
  }

  /** A successful call is a data access by the key's holder: audited like reads of the UI and API. */
  private auditOf(c: ServiceCall, keyId: string, version: number | null, status: number): AuditRecord {
    return {
      actor: `service-key:${keyId}`,
      via: 'apikey',
      action: 'api-service.call',
      category: 'access',
      project: c.projectKey,
      objectKind: 'api-service',
      objectName: c.service,
      route: 'POST /services/{key}/{service}/{endpoint}',
      status,
      ip: c.ip ?? null,
      userAgent: c.userAgent ?? null,
      detail: { endpoint: c.endpoint, version },
    };
  }
}

export const apiRuntime = workspaceSlot(
  'api-services.runtime',
  (ws) => new ApiRuntime(ws),
  (runtime) => runtime.log.close(),
);
