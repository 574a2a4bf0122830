import type { Kysely, Transaction } from 'kysely';
import type { CatalogTables } from '../catalog/tables.js';

/** A job's log line waiting to be written, with the project its event names. */
export interface BufferedLogLine {
  projectKey: string;
  jobId: string;
  ts: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * How long a log line may wait for company. A build step logs two or three lines between its
 * activity's status changes: written with the next change, in its transaction, they cost no
 * catalog commit of their own (on SQLite a commit costs as much as several statements).
 */
export const LOG_BATCH_MS = 100;

/** At most this many rows per INSERT: SQLite binds at most 32766 parameters per statement. */
const ROWS_PER_INSERT = 500;

/**
 * The log lines of one job store not yet in the catalog, in the order they were logged. They are
 * taken by the store's next write (activity or job status), or written on their own once
 * `LOG_BATCH_MS` has passed; listeners hear of a line once it is written, so a reader who is
 * told re-reads it from the catalog.
 */
export class JobLogBuffer {
  private lines: BufferedLogLine[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly writeAlone: () => Promise<void>) {}

  add(line: BufferedLogLine): void {
    this.lines.push(line);
    this.writeSoon();
  }

  private writeSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeAlone().catch(() => undefined);
    }, LOG_BATCH_MS);
    // Every job ends with a status write, which takes what is left: the timer keeps no process alive.
    this.timer.unref();
  }

  /** Takes every waiting line (lost with their write if it fails: the job's own write failed with them). */
  take(): BufferedLogLine[] {
    const taken = this.lines;
    this.lines = [];
    return taken;
  }

  /** Puts back lines taken for a write that rolled back, before any logged since. */
  putBack(lines: BufferedLogLine[]): void {
    if (lines.length === 0) return;
    this.lines = [...lines, ...this.lines];
    this.writeSoon();
  }
}

/** Inserts log lines in order, a few hundred per statement. */
export async function insertLogLines(
  db: Kysely<CatalogTables> | Transaction<CatalogTables>,
  lines: BufferedLogLine[],
): Promise<void> {
  for (let i = 0; i < lines.length; i += ROWS_PER_INSERT)
    await db
      .insertInto('job_logs')
      .values(
        lines
          .slice(i, i + ROWS_PER_INSERT)
          .map(({ jobId, ts, level, message }) => ({ job_id: jobId, ts, level, message })),
      )
      .execute();
}
