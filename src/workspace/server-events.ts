import { EventEmitter } from 'node:events';
import { CatalogListener, notifyCatalog } from '../catalog/catalog-notifications.js';
import { workspaceSlot, type Workspace } from './workspace.js';

/**
 * What one server tells the others sharing its catalog: which job or run changed, never the
 * change itself (a NOTIFY payload is small and may be lost); receivers re-read the catalog.
 */
export type ServerEvent =
  | { kind: 'job'; projectKey: string; jobId: string }
  | { kind: 'run-ended'; projectKey: string; scenario: string; runId: string }
  /** The listening connection was lost and is back: what was sent meanwhile is lost, re-read all. */
  | { kind: 'resync' };

/**
 * Events between the processes of one PostgreSQL catalog (LISTEN/NOTIFY). On SQLite a single
 * server owns the catalog: `publish` does nothing and subscribers hear nothing. Listening starts
 * with the first subscriber, so a CLI command that only publishes opens no extra connection.
 */
export class ServerEvents {
  private readonly emitter = new EventEmitter<{ event: [ServerEvent] }>();
  private listener: CatalogListener | null = null;
  /** Keys with a NOTIFY in flight, and whether another is due once it is sent. */
  private readonly sending = new Map<string, boolean>();

  constructor(private readonly ws: Workspace) {
    this.emitter.setMaxListeners(0);
  }

  get shared(): boolean {
    return this.ws.catalog.dialect === 'postgres' && Boolean(this.ws.config.catalogUrl);
  }

  /**
   * Tells the other processes, after what changed is committed. Bursts (a build's log lines)
   * collapse: while one notification of a job is in flight, further ones make a single next one.
   */
  publish(event: Exclude<ServerEvent, { kind: 'resync' }>): void {
    if (!this.shared) return;
    const key = event.kind === 'job' ? `job:${event.jobId}` : `run:${event.runId}`;
    if (this.sending.has(key)) {
      this.sending.set(key, true);
      return;
    }
    this.sending.set(key, false);
    const payload = JSON.stringify({ ...event, from: this.ws.processId });
    void notifyCatalog(this.ws.catalog.db, payload)
      .catch(() => undefined)
      .finally(() => {
        const again = this.sending.get(key);
        this.sending.delete(key);
        if (again) this.publish(event);
      });
  }

  /** Calls `fn` with each event of the other processes; returns the function that stops it. */
  subscribe(fn: (event: ServerEvent) => void): () => void {
    this.emitter.on('event', fn);
    if (this.shared && !this.listener)
      this.listener = new CatalogListener(
        this.ws.config.catalogUrl!,
        (payload) => this.receive(payload),
        () => this.emitter.emit('event', { kind: 'resync' }),
      );
    return () => this.emitter.off('event', fn);
  }

  /** Resolves once this process listens (at once on SQLite). */
  async listening(): Promise<void> {
    await this.listener?.started;
  }

  private receive(payload: string): void {
    let message: ServerEvent & { from?: string };
    try {
      message = JSON.parse(payload) as ServerEvent & { from?: string };
    } catch {
      return;
    }
    if (message.from === this.ws.processId) return;
    delete message.from;
    this.emitter.emit('event', message);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.listener?.close();
    this.listener = null;
  }
}

/** The events of `ws` shared with the other servers of its catalog. */
export const serverEvents = workspaceSlot(
  'workspace.serverEvents',
  (ws) => new ServerEvents(ws),
  (events) => events.close(),
);
