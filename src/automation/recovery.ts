import type { Workspace } from '../workspace/workspace.js';
import { Automation } from './automation.js';
import { sendReports } from './reporting.js';
import { ownerIsDead } from '../workspace/process-liveness.js';
import { loadScenario } from './scenarios-service.js';
import { runSummary } from './summary.js';

/** A run whose owner has not sent a heartbeat for this long is orphaned (its process died elsewhere). */
const STALE_HEARTBEAT_MS = 2 * 60_000;

/**
 * After a crash or kill: runs left RUNNING or QUEUED by a process that is gone (a dead pid on
 * this host, or a silent heartbeat from another host) become FAILED as interrupted, their open
 * steps too, and their failure reporters fire. Runs of live processes are left alone, so a
 * second server on the same catalog does not fail the first one's runs.
 */
export async function recoverInterruptedRuns(ws: Workspace): Promise<number> {
  const automation = Automation.of(ws);
  const open = await ws.catalog.db
    .selectFrom('scenario_runs')
    .select(['id', 'project_key', 'scenario', 'owner', 'owner_host', 'heartbeat_at'])
    .where('outcome', 'in', ['RUNNING', 'QUEUED'])
    .where('owner', '!=', ws.processId)
    .execute();
  const staleBefore = Date.now() - STALE_HEARTBEAT_MS;
  let recovered = 0;
  for (const r of open) {
    const dead = ownerIsDead(r.owner, r.owner_host) || (r.heartbeat_at !== null && Date.parse(r.heartbeat_at) < staleBefore);
    if (!dead) continue;
    const at = automation.nowIso();
    const reason = 'Interrupted: the server stopped while this run was going';
    const updated = await ws.catalog.db.updateTable('scenario_runs').set({ outcome: 'FAILED', ended_at: at, error: reason }).where('id', '=', r.id).where('outcome', 'in', ['RUNNING', 'QUEUED']).executeTakeFirst();
    // Another process may be recovering the same run: only the one that changed it reports.
    if (Number(updated.numUpdatedRows) !== 1) continue;
    recovered++;
    await automation.runs.interruptSteps(r.id, at);
    await automation.runs.log(r.id, 'error', `${reason} (process ${r.owner} on ${r.owner_host})`, at);
    const scenario = await loadScenario(ws, r.project_key, r.scenario).catch(() => null);
    if (scenario) await sendReports(automation, scenario, await runSummary(automation, r.project_key, r.id, scenario));
  }
  return recovered;
}
