import type { SchedBlockRow } from './sb-states.js';

/**
 * Project states (§3.2, [S4]) at the end of the simulated period, from the states of the
 * project's SBs: Completed when every SB is FullyObserved; once the cycle is over,
 * PartiallyCompleted when some are, else ObservingTimedOut; during the cycle InProgress as
 * soon as one SB has an EB, else Ready.
 */

export const PROJECT_STATES = ['Ready', 'InProgress', 'PartiallyCompleted', 'ObservingTimedOut', 'Completed'] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];

export interface ProjectRow {
  project_code: string;
  cycle: number;
  grade: string;
  sched_blocks: number;
  sb_started: number;
  sb_fully_observed: number;
  first_eb_ts: number | null;
  last_eb_ts: number | null;
  state: ProjectState;
}

export function projectRows(blocks: readonly SchedBlockRow[], endMs: number): ProjectRow[] {
  const byCode = new Map<string, SchedBlockRow[]>();
  for (const sb of blocks) {
    const list = byCode.get(sb.project_code) ?? [];
    list.push(sb);
    byCode.set(sb.project_code, list);
  }
  return [...byCode].map(([code, sbs]) => {
    const started = sbs.filter((s) => s.executions > 0);
    const done = sbs.filter((s) => s.state === 'FullyObserved').length;
    const cycleOver = sbs.every((s) => s.cycle_end_ts <= endMs);
    const state: ProjectState =
      done === sbs.length
        ? 'Completed'
        : cycleOver
          ? done > 0
            ? 'PartiallyCompleted'
            : 'ObservingTimedOut'
          : started.length > 0
            ? 'InProgress'
            : 'Ready';
    const firsts = started.map((s) => s.first_eb_ts!);
    const lasts = started.map((s) => s.last_eb_ts!);
    return {
      project_code: code,
      cycle: sbs[0].cycle,
      grade: sbs[0].grade,
      sched_blocks: sbs.length,
      sb_started: started.length,
      sb_fully_observed: done,
      first_eb_ts: firsts.length > 0 ? Math.min(...firsts) : null,
      last_eb_ts: lasts.length > 0 ? Math.max(...lasts) : null,
      state,
    };
  });
}
