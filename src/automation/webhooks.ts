import { timingSafeEqual } from 'node:crypto';
import { notFound } from '../common/errors.js';
import { newTimeId, sha256 } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import { Automation, type FireStatus } from './automation.js';
import { SCENARIO_KIND } from './kinds.js';
import { parseScenario, triggerKey, type Scenario } from './scenario.js';

/** Equal-length digests compared in constant time: the token never leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(a), 'hex'), Buffer.from(sha256(b), 'hex'));
}

/**
 * Fires the webhook trigger holding `token` (public route: the token is the credential).
 * Every stored token is compared, so the time taken does not depend on which one matches.
 */
export async function fireWebhook(
  ws: Workspace,
  token: string,
  source: string,
): Promise<{ projectKey: string; scenario: string; runId: string | null; status: FireStatus }> {
  let found: { projectKey: string; scenario: Scenario; key: string } | null = null;
  for (const o of await ws.catalog.objects.listAllProjects<Scenario>(SCENARIO_KIND)) {
    let scenario: Scenario;
    try {
      scenario = parseScenario(o.body);
    } catch {
      continue;
    }
    for (const t of scenario.triggers) {
      if (t.type === 'webhook' && typeof t.token === 'string' && sameSecret(t.token, token) && !found)
        found = { projectKey: o.projectKey, scenario, key: triggerKey(t) };
    }
  }
  if (!found || !found.scenario.active) throw notFound('No active scenario has this webhook token');
  const r = await Automation.of(ws).fire({
    projectKey: found.projectKey,
    scenarioId: found.scenario.id,
    triggerType: 'webhook',
    triggerKey: found.key,
    instant: `webhook:${newTimeId()}`,
    cause: `webhook from ${source}`,
  });
  return { projectKey: found.projectKey, scenario: found.scenario.id, ...r };
}
