import { recoverInterruptedBuilds } from '../flow/jobs.js';
import { recoverInterruptedImports } from '../transfer/import-claims.js';
import { sweepLeftovers } from '../workspace/leftovers.js';
import type { Workspace } from '../workspace/workspace.js';
import { Automation } from './automation.js';
import { sendReports } from './reporting.js';
import { loadScenario } from './scenarios-service.js';
import { runSummary } from './summary.js';
import { recordFireOutcome } from './trigger-state.js';

/**
 * Everything processes that are gone left open (at start, and periodically from the server's
 * scheduler): build jobs and their versions, then scenario runs, then half-imported projects.
 */
export async function recoverInterruptedWork(ws: Workspace): Promise<{
  interruptedJobs: number;
  interruptedVersions: number;
  interruptedRuns: number;
  interruptedImports: number;
}> {
  const builds = await recoverInterruptedBuilds(ws);
  const interruptedRuns = await recoverInterruptedRuns(ws);
  const interruptedImports = await recoverInterruptedImports(ws);
  // What the failed work left on disk (scratch folders, partial files) goes with it.
  if (builds.jobs + builds.versions + interruptedRuns + interruptedImports > 0) await sweepLeftovers(ws);
  return { interruptedJobs: builds.jobs, interruptedVersions: builds.versions, interruptedRuns, interruptedImports };
}

/**
 * After a crash or kill: runs left RUNNING or QUEUED by a process that is gone (a dead pid on
 * this host, or a stale heartbeat from any host, see `Liveness`) become FAILED as interrupted, their open
 * steps too, and their failure reporters fire. Runs of live processes are left alone, so a
 * second server on the same catalog does not fail the first one's runs.
 */
export async function recoverInterruptedRuns(ws: Workspace): Promise<number> {
  const automation = Automation.of(ws);
  const open = await ws.catalog.db
    .selectFrom('scenario_runs')
    .select(['id', 'project_key', 'scenario', 'owner', 'owner_host', 'heartbeat_at', 'started_at', 'created_at'])
    .where('outcome', 'in', ['RUNNING', 'QUEUED'])
    .where('owner', '!=', ws.processId)
    .execute();
  let recovered = 0;
  for (const r of open) {
    const why = ws.liveness.abandoned(r);
    if (!why) continue;
    const at = automation.nowIso();
    const reason = 'Interrupted: the server stopped while this run was going';
    const updated = await ws.catalog.db
      .updateTable('scenario_runs')
      .set({ outcome: 'FAILED', ended_at: at, error: reason })
      .where('id', '=', r.id)
      .where('outcome', 'in', ['RUNNING', 'QUEUED'])
      .executeTakeFirst();
    // Another process may be recovering the same run: only the one that changed it reports.
    if (Number(updated.numUpdatedRows) !== 1) continue;
    recovered++;
    await recordFireOutcome(ws.catalog.db, r.id, 'FAILED');
    // An ended run is project activity, however it ended (as RunStore.finish records it).
    await ws.catalog.projects.touch(r.project_key);
    await automation.runs.interruptSteps(r.id, at);
    await automation.runs.log(r.id, 'error', `${reason} (${why})`, at);
    const scenario = await loadScenario(ws, r.project_key, r.scenario).catch(() => null);
    if (scenario) await sendReports(automation, scenario, await runSummary(automation, r.project_key, r.id, scenario));
  }
  return recovered;
}
