import { sql } from 'kysely';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { Automation } from './automation.js';
import { isoAt } from './clock.js';
import { SCENARIO_KIND } from './kinds.js';
import { upcoming } from './schedule.js';
import type { Scenario } from './scenario.js';
import { parsedScenario } from './scenarios-service.js';
import { findTriggerType } from './triggers/registry.js';

/** At most this many runs are listed per request; the daily summary still counts them all. */
const MAX_RUNS = 50_000;
const NEXT_FIRES = 5;

export interface MonitoringRun {
  id: string;
  start: string | null;
  end: string | null;
  outcome: string;
  durationMs: number | null;
}

export interface MonitoredScenario {
  project: string;
  id: string;
  name: string;
  active: boolean;
  runs: MonitoringRun[];
  averageDurationMs: number | null;
  lastDurationMs: number | null;
  lastOutcome: string | null;
  nextFires: string[];
  triggers: { type: string; description: string }[];
  reporters: { channel: string; on: string }[];
}

export interface Monitoring {
  from: string;
  to: string;
  scenarios: MonitoredScenario[];
  daily: { day: string; outcomes: Record<string, number> }[];
  truncated: boolean;
}

/**
 * The automation-monitoring view: every scenario the caller may see, its runs in the range,
 * average and last durations, next planned fires, triggers and reporters; plus runs by outcome
 * per day. A handful of indexed queries whatever the number of scenarios or the length of the
 * history: runs and aggregates through the (start, project, scenario, outcome, duration) index,
 * grouped in the database; the last run per scenario through the (project, scenario, start) index.
 */
export async function automationMonitoring(ws: Workspace, principal: Principal, range: { from?: string; to?: string }): Promise<Monitoring> {
  const now = Automation.of(ws).clock.now();
  const to = range.to ? Date.parse(range.to) : now;
  const from = range.from ? Date.parse(range.from) : to - 86_400_000;
  if (Number.isNaN(from) || Number.isNaN(to)) throw badRequest('from and to must be ISO dates or times');
  if (to <= from) throw badRequest('to must be after from');
  const fromIso = isoAt(from);
  const toIso = isoAt(to);
  const projects = (await ws.catalog.projects.list(principal)).map((p) => p.key);
  if (projects.length === 0) return { from: fromIso, to: toIso, scenarios: [], daily: [], truncated: false };
  const db = ws.catalog.db;
  // The project filter is written as an expression on purpose: SQLite, without statistics,
  // would otherwise prefer the equality on project_key and read every run of the year through
  // the (project, scenario, start) index instead of the range's runs through the time index.
  const visible = sql<string>`(project_key || '')`;

  const objects = (await ws.catalog.objects.listAllProjects<Scenario>(SCENARIO_KIND)).filter((o) => projects.includes(o.projectKey));
  const runs = await db
    .selectFrom('scenario_runs')
    .select(['id', 'project_key', 'scenario', 'started_at', 'ended_at', 'outcome', 'duration_ms'])
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .orderBy('started_at')
    .limit(MAX_RUNS + 1)
    .execute();
  const averages = await db
    .selectFrom('scenario_runs')
    .select(['project_key', 'scenario', sql<number>`avg(duration_ms)`.as('avg')])
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .where('duration_ms', 'is not', null)
    .groupBy(['project_key', 'scenario'])
    .execute();
  // The latest ended run of each scenario, one index probe per scenario inside the database.
  const last = await db
    .selectFrom('objects as o')
    .innerJoin('scenario_runs as r', (j) =>
      j.on(
        'r.id',
        '=',
        sql<string>`(SELECT r2.id FROM scenario_runs r2 WHERE r2.project_key = o.project_key AND r2.scenario = o.name AND r2.started_at IS NOT NULL AND r2.outcome IN ('SUCCESS','WARNING','FAILED','ABORTED') ORDER BY r2.started_at DESC LIMIT 1)`,
      ),
    )
    .select(['o.project_key', 'o.name', 'r.duration_ms', 'r.outcome'])
    .where('o.kind', '=', SCENARIO_KIND)
    .where('o.project_key', 'in', projects)
    .execute();
  const daily = await db
    .selectFrom('scenario_runs')
    .select([sql<string>`substr(started_at, 1, 10)`.as('day'), 'outcome', sql<number>`count(*)`.as('n')])
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .groupBy([sql`substr(started_at, 1, 10)`, 'outcome'])
    .execute();

  const key = (p: string, s: string) => `${p}/${s}`;
  const runsBy = new Map<string, MonitoringRun[]>();
  for (const r of runs.slice(0, MAX_RUNS)) {
    const k = key(r.project_key, r.scenario);
    const list = runsBy.get(k) ?? [];
    list.push({ id: r.id, start: r.started_at, end: r.ended_at, outcome: r.outcome, durationMs: r.duration_ms === null ? null : Number(r.duration_ms) });
    runsBy.set(k, list);
  }
  const avgBy = new Map(averages.map((a) => [key(a.project_key, a.scenario), a.avg === null ? null : Math.round(Number(a.avg))]));
  const lastBy = new Map(last.map((l) => [key(l.project_key, l.name), l]));
  const days = new Map<string, Record<string, number>>();
  for (const d of daily) {
    const o = days.get(d.day) ?? {};
    o[d.outcome] = Number(d.n);
    days.set(d.day, o);
  }

  const scenarios = objects.flatMap((o): MonitoredScenario[] => {
    let s: Scenario;
    try {
      s = parsedScenario(ws, o);
    } catch {
      return [];
    }
    const k = key(o.projectKey, s.id);
    const nextFires = s.active
      ? s.triggers
          .flatMap((t) => {
            try {
              const schedule = findTriggerType(t.type)?.schedule?.(t);
              return schedule ? upcoming(schedule, now, NEXT_FIRES) : [];
            } catch {
              return [];
            }
          })
          .sort((a, b) => a - b)
          .slice(0, NEXT_FIRES)
          .map(isoAt)
      : [];
    const l = lastBy.get(k);
    return [
      {
        project: o.projectKey,
        id: s.id,
        name: s.name,
        active: s.active,
        runs: runsBy.get(k) ?? [],
        averageDurationMs: avgBy.get(k) ?? null,
        lastDurationMs: l?.duration_ms === null || l?.duration_ms === undefined ? null : Number(l.duration_ms),
        lastOutcome: l?.outcome ?? null,
        nextFires,
        triggers: s.triggers.map((t) => ({ type: t.type, description: describeTrigger(t) })),
        reporters: s.reporters.map((r) => ({ channel: r.channel, on: r.on })),
      },
    ];
  });
  return {
    from: fromIso,
    to: toIso,
    scenarios,
    daily: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, outcomes]) => ({ day, outcomes })),
    truncated: runs.length > MAX_RUNS,
  };
}

function describeTrigger(t: { type: string }): string {
  try {
    return findTriggerType(t.type)?.describe(t) ?? t.type;
  } catch {
    return t.type;
  }
}
