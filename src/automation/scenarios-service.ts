import { RunStore } from './run-store.js';
import type { Principal } from '../catalog/access.js';
import { roleAtLeast } from '../catalog/access.js';
import { forbidden, notFound } from '../common/errors.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { forgetDetectors } from './detector-state.js';
import { SCENARIO_KIND } from './kinds.js';
import { detectorsOfSteps } from './online-detection.js';
import { refuseChainCycles } from './scenario-chains.js';
import { redactScenario, restoreSecrets, type RevealedSecret } from './scenario-secrets.js';
import { checkScenario, parseScenario, type Scenario } from './scenario.js';
import { revisionStamp } from '../catalog/object-stamp.js';

export interface ScenarioInfo extends Scenario {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
  /** Only in the answer to the save that generated them (a new webhook reporter's signing secret). */
  revealedSecrets?: RevealedSecret[];
}

async function canEdit(ws: Workspace, principal: Principal, projectKey: string): Promise<boolean> {
  return roleAtLeast(await ws.catalog.projects.roleOf(principal, projectKey), 'writer');
}

function info(
  stored: { projectKey: string; body: Scenario; revision: number; updatedAt: string; updatedBy: string },
  showTokens: boolean,
): ScenarioInfo {
  return {
    ...redactScenario(parseScenario(stored.body), { showTokens }),
    projectKey: stored.projectKey,
    ...revisionStamp(stored),
  };
}

export async function listScenarios(ws: Workspace, principal: Principal, projectKey: string): Promise<ScenarioInfo[]> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const edit = await canEdit(ws, principal, projectKey);
  return (await ws.catalog.objects.list<Scenario>(projectKey, SCENARIO_KIND)).map((o) => info(o, edit));
}

export async function getScenario(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<ScenarioInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const stored = await ws.catalog.objects.require<Scenario>(projectKey, SCENARIO_KIND, id);
  return info(stored, await canEdit(ws, principal, projectKey));
}

export type LoadedScenario = Readonly<Scenario & { updatedBy: string }>;

/**
 * Parsed scenarios of each workspace by project and id, valid for one revision (and edit time:
 * a project deleted and created again starts its revisions afresh). Firing a scenario then
 * costs a look at its revision instead of reading and validating the whole body again.
 */
const cacheOf = workspaceSlot(
  'automation.parsed-scenarios',
  () => new Map<string, { revision: number; updatedAt: string; scenario: LoadedScenario }>(),
);

/** The parsed form of a stored scenario, from the cache when this revision was parsed before. */
export function parsedScenario(
  ws: Workspace,
  stored: { projectKey: string; name: string; body: unknown; revision: number; updatedAt: string; updatedBy: string },
): LoadedScenario {
  const cache = cacheOf(ws);
  const key = `${stored.projectKey}/${stored.name}`;
  const hit = cache.get(key);
  if (hit && hit.revision === stored.revision && hit.updatedAt === stored.updatedAt) return hit.scenario;
  const scenario = Object.freeze({ ...parseScenario(stored.body), updatedBy: stored.updatedBy });
  cache.set(key, { revision: stored.revision, updatedAt: stored.updatedAt, scenario });
  return scenario;
}

/** The stored scenario with its secrets, for the runner: its revision is read, its body only when it changed. */
export async function loadScenario(ws: Workspace, projectKey: string, id: string): Promise<LoadedScenario> {
  const head = await ws.catalog.db
    .selectFrom('objects')
    .select(['revision', 'updated_at'])
    .where('project_key', '=', projectKey)
    .where('kind', '=', SCENARIO_KIND)
    .where('name', '=', id)
    .executeTakeFirst();
  if (!head) throw notFound(`${SCENARIO_KIND} ${id} not found in project ${projectKey}`);
  const hit = cacheOf(ws).get(`${projectKey}/${id}`);
  if (hit && hit.revision === head.revision && hit.updatedAt === head.updated_at) return hit.scenario;
  return parsedScenario(ws, await ws.catalog.objects.require<Scenario>(projectKey, SCENARIO_KIND, id));
}

/**
 * Creates or replaces a scenario (writer): every trigger, step and reporter is checked by its
 * type, names in the catalog must exist, cron and time zones must parse. Runs act as `runAs`,
 * which only an admin may set to someone else.
 */
export async function saveScenario(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<ScenarioInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  // A scenario read from the API can be saved back: its read-only fields are dropped.
  const body = { ...((input ?? {}) as Record<string, unknown>) };
  for (const readOnly of ['projectKey', 'revision', 'updatedAt', 'updatedBy', 'revealedSecrets']) delete body[readOnly];
  const existing =
    typeof body.id === 'string'
      ? await ws.catalog.objects.get<Scenario>(projectKey, SCENARIO_KIND, body.id).catch(() => null)
      : null;
  const revealed: RevealedSecret[] = [];
  const restored = restoreSecrets(
    body as unknown as Scenario,
    existing ? parseScenario(existing.body) : null,
    revealed,
  );
  // Every problem in one answer; naming someone else to run as is refused outright unless an admin does it.
  const scenario = await checkScenario({ ws, projectKey, principal }, restored, async (s) => {
    if (!s.runAs || s.runAs === principal.username) return [];
    if (!principal.isAdmin) throw forbidden('Only an admin may make a scenario run as another user');
    if (await ws.catalog.users.findByUsername(s.runAs)) return [];
    return [{ where: 'Scenario', field: 'runAs', message: `runAs: user ${s.runAs} does not exist` }];
  });
  scenario.runAs ??= principal.username;
  await refuseChainCycles(ws, projectKey, scenario);
  const stored = await ws.catalog.objects.put({
    projectKey,
    kind: SCENARIO_KIND,
    name: scenario.id,
    body: scenario,
    author: principal.username,
    ...options,
  });
  // A detect-online step removed, or given another input, column or output: its states and files go.
  await forgetDetectors(ws, projectKey, scenario.id, detectorsOfSteps(scenario.steps));
  await ws.catalog.projects.touch(projectKey);
  return revealed.length ? { ...info(stored, true), revealedSecrets: revealed } : info(stored, true);
}

export async function deleteScenario(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  // Its runs stay as history, marked: reachable by id and by the scenario's run list, hidden from
  // the monitoring view unless asked for (see README.md).
  await ws.catalog.db.transaction().execute(async (trx) => {
    await ws.catalog.objects.delete({ projectKey, kind: SCENARIO_KIND, name: id, author: principal.username }, trx);
    await new RunStore(ws).markScenarioDeleted(projectKey, id, new Date().toISOString(), trx);
  });
  await forgetDetectors(ws, projectKey, id);
}
