import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { SCENARIO_KIND } from './kinds.js';
import { reporterTypes } from './reporters/registry.js';
import { generateSecrets, placedReporters } from './scenario-secrets.js';
import type { Scenario } from './scenario.js';

export interface RotatedSecret {
  scenario: string;
  /** The reporter's place, e.g. `reporters[0]` or `steps[2].reporter`. */
  where: string;
  field: string;
  /** The new secret: shown in this answer only. */
  secret: string;
  revision: number;
}

/**
 * Replaces a reporter's generated secret (a webhook's signing secret) with a fresh one, as a new
 * revision of the scenario (writer). `reporter` may be left out when the scenario has one such reporter.
 */
export async function rotateReporterSecret(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  reporter: string | undefined,
): Promise<RotatedSecret> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const stored = await ws.catalog.objects.require<Scenario>(projectKey, SCENARIO_KIND, id);
  const body = structuredClone(stored.body);
  const candidates = placedReporters(body).filter(
    (p) => (reporterTypes.find(p.reporter.channel)?.generatedSecrets ?? []).length > 0,
  );
  const known = candidates.map((c) => c.where).join(', ');
  if (!candidates.length) throw badRequest(`Scenario ${id} has no reporter with a signing secret (a webhook reporter)`);
  const chosen = reporter
    ? candidates.find((c) => c.where === reporter)
    : candidates.length === 1
      ? candidates[0]
      : null;
  if (!chosen)
    throw badRequest(
      reporter
        ? `reporter: ${reporter} is not a reporter with a signing secret; these are: ${known}`
        : `reporter: name the reporter whose secret to rotate, one of: ${known}`,
    );
  const [revealed] = generateSecrets(chosen);
  const saved = await ws.catalog.objects.put({
    projectKey,
    kind: SCENARIO_KIND,
    name: id,
    body,
    author: principal.username,
    expectRevision: stored.revision,
  });
  await ws.catalog.projects.touch(projectKey);
  return {
    scenario: id,
    where: revealed.where,
    field: revealed.field,
    secret: revealed.secret,
    revision: saved.revision,
  };
}
