import { RUN_OPEN_OUTCOMES, isOneOf } from '../catalog/statuses.js';
import { conflict } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';

/** How often a run waiting for another run's claim looks again. */
const CLAIM_POLL_MS = 200;

interface Claim {
  projectKey: string;
  output: string;
  runId: string;
}

/**
 * Runs `fn` while `runId` holds the alarms dataset `output` (`detector_claims`, one row per
 * dataset, across every server of the catalog): two runs feeding the same detectors at once (a
 * manual run during a scheduled one, two servers) would both read the same states, feed the same
 * rows and append the same alarms twice, one version over the other. The second run waits for
 * the first (saying so once through `onWait`), and stops waiting with an error when `signal`
 * aborts (the step's timeout, the run's abort). A claim whose run has ended or whose process is
 * gone is taken over.
 */
export async function withDetectorClaim<T>(
  ws: Workspace,
  claim: Claim,
  signal: AbortSignal,
  onWait: (holder: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  let waitingFor: string | null = null;
  for (;;) {
    const holder = await tryClaim(ws, claim);
    if (holder === null) break;
    if (holder !== waitingFor) onWait((waitingFor = holder));
    if (signal.aborted)
      throw conflict(`Stopped waiting for run ${holder}, which is writing ${claim.output} (detect-online)`);
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await ws.catalog.db
      .deleteFrom('detector_claims')
      .where('project_key', '=', claim.projectKey)
      .where('output', '=', claim.output)
      .where('run_id', '=', claim.runId)
      .execute();
  }
}

/** Claims `output` for the run: null once claimed, or the id of the live run holding it. */
async function tryClaim(ws: Workspace, { projectKey, output, runId }: Claim): Promise<string | null> {
  const db = ws.catalog.db;
  const inserted = await db
    .insertInto('detector_claims')
    .values({ project_key: projectKey, output, run_id: runId, claimed_at: nowIso() })
    .onConflict((oc) => oc.columns(['project_key', 'output']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows) === 1) return null;
  const held = await db
    .selectFrom('detector_claims')
    .leftJoin('scenario_runs', 'scenario_runs.id', 'detector_claims.run_id')
    .select([
      'detector_claims.run_id',
      'scenario_runs.outcome',
      'scenario_runs.owner',
      'scenario_runs.owner_host',
      'scenario_runs.heartbeat_at',
      'scenario_runs.started_at',
      'scenario_runs.created_at',
    ])
    .where('detector_claims.project_key', '=', projectKey)
    .where('detector_claims.output', '=', output)
    .executeTakeFirst();
  // Released in between: the next look claims it.
  if (!held) return tryClaim(ws, { projectKey, output, runId });
  // The steps of one run go one after another: a claim of this run is one its last step left.
  const open = held.outcome !== null && isOneOf(RUN_OPEN_OUTCOMES, held.outcome);
  if (held.run_id !== runId && open && !ws.liveness.abandoned(held)) return held.run_id;
  await db
    .deleteFrom('detector_claims')
    .where('project_key', '=', projectKey)
    .where('output', '=', output)
    .where('run_id', '=', held.run_id)
    .execute();
  return tryClaim(ws, { projectKey, output, runId });
}
