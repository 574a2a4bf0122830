import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import type { DuckDbSandbox } from '../engine/duckdb-sandbox.js';
import { workspaceSlot } from '../workspace/workspace.js';

/** A sandbox connection with an endpoint's input views created and its statement prepared. */
export interface ReadyStatement {
  sandbox: DuckDbSandbox;
  prepared: DuckDBPreparedStatement;
  views: string[];
  idleSince: number;
}

/** Ready statements kept per (endpoint SQL, data files): about one per concurrent caller. */
const PER_KEY = 4;
/** Ready statements kept in all: each holds a DuckDB connection. */
const TOTAL = 32;
/**
 * A ready statement idle longer is closed rather than reused: its data version is likely
 * superseded, and a sandbox instance dropped from its pool is closed 60 s later (duckdb-sandbox.ts).
 */
const MAX_IDLE_MS = 30_000;

/**
 * Statements of SQL endpoints kept ready between calls. Creating the input views and preparing
 * the statement read every input file's Parquet metadata, which is most of a call that reads a
 * few row groups of a sorted copy; a call that finds a ready statement only binds and runs it.
 * The key names the data files, so a new data version never meets an old statement.
 */
export class PreparedStatements {
  private readonly idle = new Map<string, ReadyStatement[]>();
  private size = 0;
  private closed = false;

  /** A ready statement for `key`, or undefined (the caller prepares one and gives it back with `keep`). */
  take(key: string): ReadyStatement | undefined {
    const list = this.idle.get(key);
    if (!list?.length) return undefined;
    const ready = list.pop()!;
    this.size--;
    if (!list.length) this.idle.delete(key);
    if (Date.now() - ready.idleSince > MAX_IDLE_MS) {
      discard(ready);
      return undefined;
    }
    return ready;
  }

  /** Keeps `ready` for the next call of `key`, or closes it when enough are kept. */
  keep(key: string, ready: ReadyStatement): void {
    const list = this.idle.get(key) ?? [];
    if (this.closed || list.length >= PER_KEY) return discard(ready);
    this.sweep();
    if (this.size >= TOTAL) this.dropOldest();
    ready.idleSince = Date.now();
    list.push(ready);
    this.idle.set(key, list);
    this.size++;
  }

  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) list.forEach(discard);
    this.idle.clear();
    this.size = 0;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, list] of this.idle) {
      const fresh = list.filter((r) => now - r.idleSince <= MAX_IDLE_MS);
      if (fresh.length === list.length) continue;
      list.filter((r) => !fresh.includes(r)).forEach(discard);
      this.size -= list.length - fresh.length;
      if (fresh.length) this.idle.set(key, fresh);
      else this.idle.delete(key);
    }
  }

  /** Map order is insertion order: the first key is the one kept longest ago. */
  private dropOldest(): void {
    const [key, list] = this.idle.entries().next().value!;
    discard(list.shift()!);
    this.size--;
    if (!list.length) this.idle.delete(key);
  }
}

/** Closes a ready statement: its views are dropped and its connection goes back to the sandbox pool. */
export function discard(ready: ReadyStatement): void {
  try {
    ready.prepared.destroySync();
  } catch {
    // Already gone with its instance.
  }
  void ready.sandbox.close({ tempViews: ready.views }).catch(() => undefined);
}

export const preparedStatements = workspaceSlot(
  'api-services.prepared-statements',
  () => new PreparedStatements(),
  (statements) => statements.close(),
);
