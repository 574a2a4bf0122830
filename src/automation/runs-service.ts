import type { Principal } from '../catalog/access.js';
import type { Workspace } from '../workspace/workspace.js';
import { RunStore } from './run-store.js';
import type { ScenarioRun } from './run-types.js';

/** Runs of a scenario, newest first (reader). */
export async function listScenarioRuns(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  scenarioId: string,
  limit = 100,
): Promise<ScenarioRun[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return new RunStore(ws).list(projectKey, scenarioId, limit);
}

/** A run with its steps and log (reader). */
export async function getScenarioRun(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  runId: string,
): Promise<ScenarioRun> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return new RunStore(ws).get(projectKey, runId, { details: true });
}
