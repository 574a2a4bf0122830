import { badRequest } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { SCENARIO_KIND } from './kinds.js';
import type { Scenario } from './scenario.js';

/**
 * Scenarios start one another two ways: a `scenario-ended` trigger of B on A starts B when A
 * ends, and a `run-scenario` step of A starts B. A cycle of such links (A's end starts B, B's end
 * starts A) runs without end: a trial's two scenarios made 111,039 runs in ten minutes and froze
 * the server. Saving a scenario that would close such a cycle is refused (`refuseChainCycles`);
 * the scheduler also refuses to fire a trigger whose scenario already ran in the chain of runs
 * that led to it (`firedChain`), which catches cycles made by two servers saving at once.
 */

/** One link: `from` starting `to`, and how. */
interface ChainLink {
  from: string;
  to: string;
  how: 'ends' | 'runs';
}

/** The links a scenario's triggers and steps make. */
function linksOf(scenario: Pick<Scenario, 'id' | 'triggers' | 'steps'>): ChainLink[] {
  const links: ChainLink[] = [];
  for (const t of scenario.triggers)
    if (t.type === 'scenario-ended' && typeof t.scenario === 'string')
      links.push({ from: t.scenario, to: scenario.id, how: 'ends' });
  for (const s of scenario.steps)
    if (s.type === 'run-scenario' && typeof s.scenario === 'string')
      links.push({ from: scenario.id, to: s.scenario, how: 'runs' });
  return links;
}

/** The cycle through `start` in these links, as the links walked (shortest first found), or null. */
export function cycleThrough(start: string, links: readonly ChainLink[]): ChainLink[] | null {
  const out = new Map<string, ChainLink[]>();
  for (const l of links) out.set(l.from, [...(out.get(l.from) ?? []), l]);
  // Breadth first from `start`: the first path back to it is a shortest cycle, the clearest to show.
  const via = new Map<string, ChainLink>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const link of out.get(queue[i]) ?? []) {
      if (link.to === start) {
        const path = [link];
        for (let at = link.from; at !== start; at = via.get(at)!.from) path.unshift(via.get(at)!);
        return path;
      }
      if (via.has(link.to)) continue;
      via.set(link.to, link);
      queue.push(link.to);
    }
  }
  return null;
}

/** "a → (its end starts) b → (runs, as a step) a". */
export function describeCycle(path: readonly ChainLink[]): string {
  return [
    path[0].from,
    ...path.map((l) => `${l.how === 'ends' ? '(its end starts)' : '(runs, as a step)'} ${l.to}`),
  ].join(' → ');
}

/**
 * Refuses (400) a scenario about to be saved whose triggers or steps would close a cycle with
 * the project's other scenarios, naming the cycle.
 */
export async function refuseChainCycles(
  ws: Workspace,
  projectKey: string,
  scenario: Pick<Scenario, 'id' | 'triggers' | 'steps'>,
): Promise<void> {
  const links = linksOf(scenario);
  if (!links.length) return;
  const others = await ws.catalog.objects.list<Scenario>(projectKey, SCENARIO_KIND);
  for (const other of others) if (other.name !== scenario.id) links.push(...linksOf({ ...other.body, id: other.name }));
  const cycle = cycleThrough(scenario.id, links);
  if (cycle)
    throw badRequest(
      `Scenarios would start each other without end: ${describeCycle(cycle)}. Remove one of these links.`,
      { cycle: [cycle[0].from, ...cycle.map((l) => l.to)] },
    );
}

/** Longest chain of runs walked back (a legitimate chain is far shorter; a longer one is stopped). */
export const MAX_CHAIN = 50;

/**
 * The scenarios of the runs that led to `runId`, newest first (the run's own scenario first):
 * each run fired by a `scenario-ended` trigger names the run whose end fired it (its fire's
 * instant is `run:<id>`). At most MAX_CHAIN runs.
 */
export async function firedChain(ws: Workspace, projectKey: string, runId: string): Promise<string[]> {
  const chain: string[] = [];
  let current: string | null = runId;
  while (current && chain.length < MAX_CHAIN) {
    const fire = await ws.catalog.db
      .selectFrom('trigger_fires')
      .select(['scenario', 'instant'])
      .where('project_key', '=', projectKey)
      .where('run_id', '=', current)
      .executeTakeFirst();
    if (!fire) break;
    chain.push(fire.scenario);
    current = fire.instant.startsWith('run:') ? fire.instant.slice('run:'.length) : null;
  }
  return chain;
}
