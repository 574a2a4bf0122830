import { Automation } from '../automation/automation.js';
import { serverEvents } from '../workspace/server-events.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/**
 * Job and run events between the servers of one PostgreSQL catalog (see `ServerEvents`): a
 * browser behind a load balancer follows a build another server runs, and a scenario ending on
 * one server fires the "after scenario" triggers and starts the queued runs of the others.
 */

/** Tells the other servers about each change of a job this process runs (once per workspace). */
const jobEventsShared = workspaceSlot('app.jobEventsShared', (ws) => {
  ws.events.on('job', (e) => serverEvents(ws).publish({ kind: 'job', projectKey: e.projectKey, jobId: e.jobId }));
  return true;
});

export function shareJobEvents(ws: Workspace): void {
  jobEventsShared(ws);
}

/**
 * Hears runs ending on other servers as this process's own `run-ended` events (the outcome read
 * from the catalog), for its scheduler; returns the function that stops.
 */
export function receiveRunEvents(ws: Workspace): () => void {
  const automation = Automation.of(ws);
  return serverEvents(ws).subscribe((e) => {
    if (e.kind !== 'run-ended') return;
    void (async () => {
      const run = await automation.runs.get(e.projectKey, e.runId);
      automation.events.emit('event', { ...e, outcome: run.outcome });
      await automation.startQueued(e.projectKey, e.scenario);
    })().catch(() => undefined);
  });
}
