import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { postgresDriver } from '../common/postgres-driver.js';

/** The one PostgreSQL channel Llano's processes talk on. */
const CHANNEL = 'llano_events';

/** Delay before a dropped LISTEN connection is opened again (doubles up to the maximum). */
const RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** Tells every process listening on a PostgreSQL catalog: NOTIFY, delivered once the sender's transaction commits. */
export async function notifyCatalog<DB>(db: Kysely<DB>, payload: string): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(db);
}

/**
 * A dedicated connection LISTENing on the catalog (a pooled one would be handed to queries and
 * lose its LISTEN). When the connection drops it is opened again; notifications sent in between
 * are lost, and `onReconnect` lets receivers re-read what they follow.
 */
export class CatalogListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MS;
  /** Resolves once listening for the first time (or once the first attempt failed). */
  readonly started: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly onMessage: (payload: string) => void,
    private readonly onReconnect: () => void = () => undefined,
  ) {
    this.started = this.connect(false);
  }

  private async connect(again: boolean): Promise<void> {
    if (this.closed) return;
    const client = new (postgresDriver().Client)({ connectionString: this.url });
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (m) => {
      if (m.channel === CHANNEL && m.payload) this.onMessage(m.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.retryMs = RETRY_MS;
      if (this.closed) await client.end().catch(() => undefined);
      else if (again) this.onReconnect();
    } catch {
      onLost();
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(true);
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
