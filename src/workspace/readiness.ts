import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Workspace } from './workspace.js';

/** The parts a request may need; each `ok` or why it is not. */
export interface Readiness {
  ready: boolean;
  parts: { catalog: string; data: string; engine: string };
}

/** A part that does not answer within this long counts as down (a hung catalog must not hang the probe). */
const PROBE_TIMEOUT_MS = 5000;

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (e) {
    return `down: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this server can serve requests: the catalog answers, the data folder takes a file and
 * the engine runs a query. A load balancer routes by this (`/api/ready`); `/api/health` stays a
 * liveness check (the process answers), so an orchestrator does not restart every server of a
 * catalog while the shared database is down: they recover by themselves when it is back.
 */
export async function checkReadiness(ws: Workspace): Promise<Readiness> {
  const [catalog, data, engine] = await Promise.all([
    probe(() => sql`select 1`.execute(ws.catalog.db)),
    probe(async () => {
      const file = path.join(ws.config.home, 'data', `.ready-${ws.processId}`);
      await writeFile(file, '');
      await rm(file, { force: true });
    }),
    probe(() => ws.duck.query('select 1')),
  ]);
  const parts = { catalog, data, engine };
  return { ready: Object.values(parts).every((p) => p === 'ok'), parts };
}
