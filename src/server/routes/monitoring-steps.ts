import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { Automation } from '../../automation/automation.js';
import { isoAt } from '../../automation/clock.js';
import { badRequest } from '../../common/errors.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

/** At most this many step runs per request (the UI says when the range holds more). */
const MAX_STEP_RUNS = 100_000;

/**
 * Step runs of every visible scenario run started in [from, to), in one query: the runs through
 * the time index (as the monitoring view reads them), each run's steps through the step table's
 * (run_id, idx) primary key. The monitoring timeline's "Expand to: step" reads it.
 */
export function monitoringStepRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/automation/monitoring/steps',
      summary: 'Step runs of the visible scenario runs started in [from, to) (the monitoring timeline expanded to steps)',
      tag: 'automation',
      query: z.object({ from: z.string().optional(), to: z.string().optional() }),
    },
    async ({ principal, query }) => {
      const to = query.to ? Date.parse(query.to) : Automation.of(ws).clock.now();
      const from = query.from ? Date.parse(query.from) : to - 86_400_000;
      if (Number.isNaN(from) || Number.isNaN(to)) throw badRequest('from and to must be ISO dates or times');
      if (to <= from) throw badRequest('to must be after from');
      const projects = (await ws.catalog.projects.list(principal)).map((p) => p.key);
      if (projects.length === 0) return { from: isoAt(from), to: isoAt(to), steps: [], truncated: false };
      // As in the monitoring view: the project filter is an expression so SQLite keeps the time index.
      const rows = await ws.catalog.db
        .selectFrom('scenario_runs as r')
        .innerJoin('scenario_step_runs as s', 's.run_id', 'r.id')
        .select(['r.id as run_id', 'r.project_key', 'r.scenario', 's.idx', 's.name', 's.type', 's.outcome', 's.started_at', 's.ended_at', 's.duration_ms'])
        .where('r.started_at', '>=', isoAt(from))
        .where('r.started_at', '<', isoAt(to))
        .where(sql<string>`(r.project_key || '')`, 'in', projects)
        .orderBy('r.started_at')
        .orderBy('s.idx')
        .limit(MAX_STEP_RUNS + 1)
        .execute();
      return {
        from: isoAt(from),
        to: isoAt(to),
        steps: rows.slice(0, MAX_STEP_RUNS).map((s) => ({
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
        truncated: rows.length > MAX_STEP_RUNS,
      };
    },
  );
}
