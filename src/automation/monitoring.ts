import { sql } from 'kysely';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { Automation } from './automation.js';
import { isoAt } from './clock.js';
import { SCENARIO_KIND } from './kinds.js';
import type { MonitoredScenario, Monitoring, MonitoringRun, MonitoringSteps } from './monitoring-types.js';
import { upcoming } from './schedule.js';
import type { Scenario } from './scenario.js';
import { parsedScenario } from './scenarios-service.js';
import { triggerTypes } from './triggers/registry.js';

export type {
  MonitoredScenario,
  Monitoring,
  MonitoringRun,
  MonitoringStepRun,
  MonitoringSteps,
} from './monitoring-types.js';

/** At most this many runs are listed per request, the newest of the range; counts, averages and the daily summary cover them all. */
const MAX_RUNS = 50_000;
/** At most this many step runs per request, those of the newest runs. */
const MAX_STEP_RUNS = 100_000;
const NEXT_FIRES = 5;

type Range = { from?: string; to?: string };

/** [from, to) as ISO instants (the last 24 hours by default), and the projects the caller may see. */
async function monitoredRange(ws: Workspace, principal: Principal, range: Range) {
  const now = Automation.of(ws).clock.now();
  const to = range.to ? Date.parse(range.to) : now;
  const from = range.from ? Date.parse(range.from) : to - 86_400_000;
  if (Number.isNaN(from) || Number.isNaN(to)) throw badRequest('from and to must be ISO dates or times');
  if (to <= from) throw badRequest('to must be after from');
  const projects = (await ws.catalog.projects.list(principal)).map((p) => p.key);
  return { now, fromIso: isoAt(from), toIso: isoAt(to), projects };
}

// The project filter is written as an expression on purpose: SQLite, without statistics,
// would otherwise prefer the equality on project_key and read every run of the year through
// the (project, scenario, start) index instead of the range's runs through the time index.
const visibleProject = (column: 'project_key' | 'r.project_key') => sql<string>`(${sql.ref(column)} || '')`;

/**
 * The automation-monitoring view: every scenario the caller may see, its runs in the range,
 * average and last durations, next planned fires, triggers and reporters; plus runs by outcome
 * per day. A handful of indexed queries whatever the number of scenarios or the length of the
 * history: runs and aggregates through the (start, project, scenario, outcome, duration) index,
 * grouped in the database; the last run per scenario through the (project, scenario, start) index.
 */
export async function automationMonitoring(
  ws: Workspace,
  principal: Principal,
  range: Range,
  options: { maxRuns?: number } = {},
): Promise<Monitoring> {
  const maxRuns = options.maxRuns ?? MAX_RUNS;
  const { now, fromIso, toIso, projects } = await monitoredRange(ws, principal, range);
  if (projects.length === 0)
    return { from: fromIso, to: toIso, scenarios: [], daily: [], truncated: false, totalRuns: 0, listedRuns: 0 };
  const db = ws.catalog.db;
  const visible = visibleProject('project_key');

  const objects = (await ws.catalog.objects.listAllProjects<Scenario>(SCENARIO_KIND)).filter((o) =>
    projects.includes(o.projectKey),
  );
  // The newest runs of the range (the time index read backwards), listed oldest first.
  const newest = await db
    .selectFrom('scenario_runs')
    .select(['id', 'project_key', 'scenario', 'started_at', 'ended_at', 'outcome', 'duration_ms'])
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .orderBy('started_at', 'desc')
    .limit(maxRuns + 1)
    .execute();
  const runs = newest.slice(0, maxRuns).reverse();
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
  for (const r of runs) {
    const k = key(r.project_key, r.scenario);
    const list = runsBy.get(k) ?? [];
    list.push({
      id: r.id,
      start: r.started_at,
      end: r.ended_at,
      outcome: r.outcome,
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    });
    runsBy.set(k, list);
  }
  const avgBy = new Map(
    averages.map((a) => [key(a.project_key, a.scenario), a.avg === null ? null : Math.round(Number(a.avg))]),
  );
  const lastBy = new Map(last.map((l) => [key(l.project_key, l.name), l]));
  const days = new Map<string, Record<string, number>>();
  let totalRuns = 0;
  for (const d of daily) {
    const o = days.get(d.day) ?? {};
    o[d.outcome] = Number(d.n);
    totalRuns += Number(d.n);
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
              const type = triggerTypes.find(t.type);
              const schedule = type?.kind === 'schedule' ? type.schedule(t) : null;
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
    truncated: newest.length > maxRuns,
    totalRuns,
    listedRuns: runs.length,
  };
}

/**
 * Step runs of every visible scenario run started in [from, to), in one query: the runs through
 * the time index (as the monitoring view reads them), each run's steps through the step table's
 * (run_id, idx) primary key. Over the cap, the steps of the newest runs are kept, as the
 * monitoring view keeps the newest runs. The timeline's "Expand to: step" reads it.
 */
export async function automationMonitoringSteps(
  ws: Workspace,
  principal: Principal,
  range: Range,
  options: { maxStepRuns?: number } = {},
): Promise<MonitoringSteps> {
  const maxStepRuns = options.maxStepRuns ?? MAX_STEP_RUNS;
  const { fromIso, toIso, projects } = await monitoredRange(ws, principal, range);
  if (projects.length === 0) return { from: fromIso, to: toIso, steps: [], truncated: false };
  const rows = await ws.catalog.db
    .selectFrom('scenario_runs as r')
    .innerJoin('scenario_step_runs as s', 's.run_id', 'r.id')
    .select([
      'r.id as run_id',
      'r.project_key',
      'r.scenario',
      's.idx',
      's.name',
      's.type',
      's.outcome',
      's.started_at',
      's.ended_at',
      's.duration_ms',
    ])
    .where('r.started_at', '>=', fromIso)
    .where('r.started_at', '<', toIso)
    .where(visibleProject('r.project_key'), 'in', projects)
    .orderBy('r.started_at', 'desc')
    .orderBy('s.idx', 'desc')
    .limit(maxStepRuns + 1)
    .execute();
  return {
    from: fromIso,
    to: toIso,
    steps: rows
      .slice(0, maxStepRuns)
      .reverse()
      .map((s) => ({
        run: s.run_id,
        project: s.project_key,
        scenario: s.scenario,
        index: Number(s.idx),
        name: s.name,
        type: s.type,
        outcome: s.outcome,
        start: s.started_at,
        end: s.ended_at,
        durationMs: s.duration_ms === null ? null : Number(s.duration_ms),
      })),
    truncated: rows.length > maxStepRuns,
  };
}

function describeTrigger(t: { type: string }): string {
  try {
    return triggerTypes.find(t.type)?.describe(t) ?? t.type;
  } catch {
    return t.type;
  }
}
