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
export const MAX_RUNS = 50_000;
/**
 * At most this many runs of one scenario are listed per request: a runaway scenario firing
 * every second must not push every other scenario's runs out of the listed ones.
 */
export const MAX_RUNS_PER_SCENARIO = 5_000;
/** Step runs per page by default, and at most (`limit`); the next page starts at `nextCursor`. */
export const DEFAULT_STEP_RUNS = 20_000;
export const MAX_STEP_RUNS = 100_000;
const NEXT_FIRES = 5;
/** What the monitoring view reads of a run. */
const RUN_COLUMNS = [
  'id',
  'project_key',
  'scenario',
  'started_at',
  'ended_at',
  'outcome',
  'duration_ms',
  'scenario_deleted_at',
] as const;

type Range = {
  from?: string;
  to?: string;
  /** Also the runs of deleted scenarios (hidden by default), as scenarios marked `deleted`. */
  includeDeleted?: boolean;
};

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
  options: { maxRuns?: number; maxRunsPerScenario?: number } = {},
): Promise<Monitoring> {
  const maxRuns = options.maxRuns ?? MAX_RUNS;
  const perScenario = options.maxRunsPerScenario ?? MAX_RUNS_PER_SCENARIO;
  const { now, fromIso, toIso, projects } = await monitoredRange(ws, principal, range);
  if (projects.length === 0)
    return { from: fromIso, to: toIso, scenarios: [], daily: [], truncated: false, totalRuns: 0, listedRuns: 0 };
  const db = ws.catalog.db;
  const visible = visibleProject('project_key');

  const objects = (await ws.catalog.objects.listAllProjects<Scenario>(SCENARIO_KIND)).filter((o) =>
    projects.includes(o.projectKey),
  );
  const hideDeleted = !range.includeDeleted;
  const inRange = db
    .selectFrom('scenario_runs')
    .select(RUN_COLUMNS)
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .$if(hideDeleted, (q) => q.where('scenario_deleted_at', 'is', null));
  // The newest runs of the range (the time index read backwards). When one scenario has more than
  // its share among them (a runaway), they are read again numbered per scenario in the database,
  // at most MAX_RUNS_PER_SCENARIO of each: the usual case pays for the plain read only.
  let newest = await inRange.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(maxRuns).execute();
  const perKey = new Map<string, number>();
  for (const r of newest) {
    const k = `${r.project_key}/${r.scenario}/${r.scenario_deleted_at}`;
    perKey.set(k, (perKey.get(k) ?? 0) + 1);
  }
  if (Math.max(0, ...perKey.values()) > perScenario)
    newest = await db
      .selectFrom(
        inRange
          .select(
            sql<number>`row_number() over (partition by project_key, scenario, scenario_deleted_at order by started_at desc, id desc)`.as(
              'nth',
            ),
          )
          .as('r'),
      )
      .select(RUN_COLUMNS)
      .where('nth', '<=', perScenario)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(maxRuns)
      .execute();
  const runs = newest.reverse();
  const averages = await db
    .selectFrom('scenario_runs')
    .select(['project_key', 'scenario', 'scenario_deleted_at', sql<number>`avg(duration_ms)`.as('avg')])
    .where('started_at', '>=', fromIso)
    .where('started_at', '<', toIso)
    .where(visible, 'in', projects)
    .where('duration_ms', 'is not', null)
    .$if(hideDeleted, (q) => q.where('scenario_deleted_at', 'is', null))
    .groupBy(['project_key', 'scenario', 'scenario_deleted_at'])
    .execute();
  // The latest ended run of each scenario, one index probe per scenario inside the database.
  const last = await db
    .selectFrom('objects as o')
    .innerJoin('scenario_runs as r', (j) =>
      j.on(
        'r.id',
        '=',
        sql<string>`(SELECT r2.id FROM scenario_runs r2 WHERE r2.project_key = o.project_key AND r2.scenario = o.name AND r2.started_at IS NOT NULL AND r2.scenario_deleted_at IS NULL AND r2.outcome IN ('SUCCESS','WARNING','FAILED','ABORTED') ORDER BY r2.started_at DESC LIMIT 1)`,
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
    .$if(hideDeleted, (q) => q.where('scenario_deleted_at', 'is', null))
    .groupBy([sql`substr(started_at, 1, 10)`, 'outcome'])
    .execute();

  // Runs of a deleted scenario are kept apart from those of a scenario since created with its id.
  const key = (p: string, s: string, deletedAt: string | null = null) => `${p}/${s}${deletedAt ? '\u0000deleted' : ''}`;
  const runsBy = new Map<string, MonitoringRun[]>();
  const deletedKeys = new Map<string, { project: string; id: string }>();
  for (const r of runs) {
    const k = key(r.project_key, r.scenario, r.scenario_deleted_at);
    if (r.scenario_deleted_at) deletedKeys.set(k, { project: r.project_key, id: r.scenario });
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
    averages.map((a) => [
      key(a.project_key, a.scenario, a.scenario_deleted_at),
      a.avg === null ? null : Math.round(Number(a.avg)),
    ]),
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
        deleted: false,
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
  // Asked for with includeDeleted: a deleted scenario is a row of its own, its runs as they were.
  const deleted = [...deletedKeys].map(([k, d]): MonitoredScenario => {
    const listed = runsBy.get(k)!;
    const latest = listed.at(-1)!;
    return {
      project: d.project,
      id: d.id,
      name: `${d.id} (deleted)`,
      active: false,
      deleted: true,
      runs: listed,
      averageDurationMs: avgBy.get(k) ?? null,
      lastDurationMs: latest.durationMs,
      lastOutcome: latest.outcome,
      nextFires: [],
      triggers: [],
      reporters: [],
    };
  });
  return {
    from: fromIso,
    to: toIso,
    scenarios: [...scenarios, ...deleted],
    daily: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, outcomes]) => ({ day, outcomes })),
    // Over the global cap or a scenario's own: fewer runs listed than the range holds.
    truncated: runs.length < totalRuns,
    totalRuns,
    listedRuns: runs.length,
  };
}

/** Where a page of step runs ended: the last step listed (newest first), opaque to clients. */
function encodeCursor(start: string, runId: string, index: number): string {
  return Buffer.from(JSON.stringify([start, runId, index])).toString('base64url');
}

function decodeCursor(cursor: string): { start: string; runId: string; index: number } {
  try {
    const [start, runId, index] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof start === 'string' && typeof runId === 'string' && Number.isInteger(index))
      return { start, runId, index: index as number };
  } catch {
    // said below
  }
  throw badRequest('cursor: not a cursor this endpoint gave (use nextCursor of the previous page)');
}

/**
 * Step runs of every visible scenario run started in [from, to), a page at a time: newest runs
 * first, `limit` step runs a page (20,000 by default, 100,000 at most); `nextCursor` asks for the
 * next, older page and is null on the last. Runs through the time index (as the monitoring view
 * reads them), each run's steps through the step table's (run_id, idx) primary key. Steps of
 * deleted scenarios' runs only with `includeDeleted`. The timeline's "Expand to: step" reads it.
 */
export async function automationMonitoringSteps(
  ws: Workspace,
  principal: Principal,
  range: Range & { limit?: number; cursor?: string },
  options: { maxStepRuns?: number } = {},
): Promise<MonitoringSteps> {
  const limit = Math.min(range.limit ?? options.maxStepRuns ?? DEFAULT_STEP_RUNS, options.maxStepRuns ?? MAX_STEP_RUNS);
  const after = range.cursor ? decodeCursor(range.cursor) : null;
  const { fromIso, toIso, projects } = await monitoredRange(ws, principal, range);
  if (projects.length === 0) return { from: fromIso, to: toIso, steps: [], truncated: false, nextCursor: null };
  const rows = await ws.catalog.db
    .selectFrom('scenario_runs as r')
    .innerJoin('scenario_step_runs as s', 's.run_id', 'r.id')
    .select([
      'r.id as run_id',
      'r.project_key',
      'r.scenario',
      'r.started_at as run_start',
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
    .$if(!range.includeDeleted, (q) => q.where('r.scenario_deleted_at', 'is', null))
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('r.started_at', '<', after!.start),
          eb.and([eb('r.started_at', '=', after!.start), eb('r.id', '<', after!.runId)]),
          eb.and([
            eb('r.started_at', '=', after!.start),
            eb('r.id', '=', after!.runId),
            eb('s.idx', '<', after!.index),
          ]),
        ]),
      ),
    )
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id', 'desc')
    .orderBy('s.idx', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const truncated = rows.length > limit;
  return {
    from: fromIso,
    to: toIso,
    steps: page.reverse().map((s) => ({
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
    truncated,
    nextCursor: truncated && last ? encodeCursor(last.run_start!, last.run_id, Number(last.idx)) : null,
  };
}

function describeTrigger(t: { type: string }): string {
  try {
    return triggerTypes.find(t.type)?.describe(t) ?? t.type;
  } catch {
    return t.type;
  }
}
