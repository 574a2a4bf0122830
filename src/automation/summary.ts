import type { Automation } from './automation.js';
import type { Scenario } from './scenario.js';
import type { RunSummary } from './types.js';

/** Where a person looks at a run (the web UI's page). */
export function runLink(automation: Automation, projectKey: string, scenarioId: string, runId: string): string {
  const base = automation.ws.config.publicUrl ?? `http://localhost:${automation.ws.config.port}`;
  return `${base.replace(/\/$/, '')}/projects/${encodeURIComponent(projectKey)}/scenarios/${encodeURIComponent(scenarioId)}/runs/${encodeURIComponent(runId)}`;
}

/** What reporters and report steps tell about a run (so far, while it goes). */
export async function runSummary(
  automation: Automation,
  projectKey: string,
  runId: string,
  scenario: Pick<Scenario, 'id' | 'name'>,
): Promise<RunSummary> {
  const run = await automation.runs.get(projectKey, runId, { details: true });
  return {
    projectKey,
    scenarioId: scenario.id,
    scenarioName: scenario.name,
    runId,
    trigger: run.cause,
    outcome: run.outcome,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    failedSteps: (run.steps ?? []).filter((s) => s.outcome === 'FAILED').map((s) => ({ name: s.name, error: s.error })),
    link: runLink(automation, projectKey, scenario.id, runId),
  };
}
