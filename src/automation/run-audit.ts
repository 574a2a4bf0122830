import { recordAudit } from '../catalog/audit-log.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * Scenario runs in the audit log: what a scenario does on its own (a time, event or webhook
 * trigger) reaches no HTTP route, so the run records itself, as `scenario:<id>`. A manual run's
 * request is recorded by the server; its end, like every run's, is recorded here.
 */
export async function auditRunStarted(
  ws: Workspace,
  run: { projectKey: string; scenario: string; runId: string; triggerType: string; cause: string; runAs: string },
): Promise<void> {
  if (run.triggerType === 'manual') return;
  await recordAudit(ws.catalog.db, {
    actor: `scenario:${run.scenario}`,
    via: 'scenario',
    action: 'scenario.run',
    category: 'change',
    project: run.projectKey,
    objectKind: 'scenario',
    objectName: run.scenario,
    detail: { runId: run.runId, trigger: run.triggerType, cause: run.cause, runAs: run.runAs },
  }).catch(() => undefined);
}

export async function auditRunEnded(
  ws: Workspace,
  run: { projectKey: string; scenario: string; runId: string; outcome: string },
): Promise<void> {
  await recordAudit(ws.catalog.db, {
    actor: `scenario:${run.scenario}`,
    via: 'scenario',
    action: 'scenario.run.end',
    category: 'change',
    project: run.projectKey,
    objectKind: 'scenario',
    objectName: run.scenario,
    detail: { runId: run.runId, outcome: run.outcome },
  }).catch(() => undefined);
}
