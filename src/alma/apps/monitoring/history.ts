import type { HistoricalRun, HistoricalStep } from '../../../automation/history-import.js';
import type { ObservatoryJob } from './jobs.js';

const DAY_MS = 86_400_000;

/** A row of the simulator's `job_run` table, times in epoch ms. */
export interface JobRunRecord {
  job_name: string;
  target: string | null;
  scheduled_ts: number;
  start_ts: number | null;
  end_ts: number | null;
  status: string;
  failure_cause: string | null;
  eb_uid: string | null;
  mous_uid: string | null;
}

/** `job` or `job:target` (one target of a job, e.g. TelCal's nightly batch). */
function matches(spec: string, r: JobRunRecord): boolean {
  const [job, target] = spec.split(':');
  return r.job_name === job && (target === undefined || r.target === target);
}

function stepOf(r: JobRunRecord, start: number, end: number): HistoricalStep {
  const outcome: HistoricalStep['outcome'] =
    r.status === 'SUCCESS' ? 'SUCCESS' : r.status === 'SKIPPED' ? 'SKIPPED' : 'FAILED';
  const what = r.eb_uid ?? r.mous_uid ?? r.target;
  const error =
    r.status === 'RETRYING'
      ? `${r.failure_cause ?? 'failed'} (retried)`
      : r.status === 'TIMEOUT' || r.status === 'FAILED'
        ? (r.failure_cause ?? r.status.toLowerCase())
        : null;
  return { name: what ? `${r.job_name} ${what}` : r.job_name, type: 'job', outcome, start, end, error };
}

/** Ended job runs only: queued and running ones (at the end of the simulation) have no outcome yet. */
const ended = (r: JobRunRecord): r is JobRunRecord & { start_ts: number; end_ts: number } =>
  r.start_ts !== null && r.end_ts !== null && !['RUNNING', 'QUEUED'].includes(r.status);

const dayOutcome = (steps: HistoricalStep[], rows: JobRunRecord[]): HistoricalRun['outcome'] =>
  rows.some((r) => r.status === 'FAILED' || r.status === 'TIMEOUT')
    ? 'FAILED'
    : steps.some((s) => s.outcome === 'FAILED')
      ? 'WARNING'
      : 'SUCCESS';

/**
 * The simulated job runs as the scenarios' past runs, moved by `shiftMs` (whole days, so that
 * schedules keep their time of day) and cut at `nowMs`. A job run becomes a run with one step
 * (its real duration, outcome and failure cause), or a day of job runs one run whose steps they
 * are, back to back from the scenario's scheduled time. A retried attempt is a failed step; a
 * day run with a failure that its retry recovered is WARNING.
 */
export function jobRunsToHistory(
  jobs: readonly ObservatoryJob[],
  rows: readonly JobRunRecord[],
  options: { shiftMs: number; nowMs: number },
): HistoricalRun[] {
  const out: HistoricalRun[] = [];
  const { shiftMs, nowMs } = options;
  for (const job of jobs) {
    const h = job.history;
    if (!h) continue;
    const mine = rows.filter((r) => h.jobs.some((spec) => matches(spec, r))).filter(ended);
    if (h.per === 'run') {
      for (const r of mine) {
        if (r.status === 'SKIPPED') continue;
        const start = r.start_ts + shiftMs;
        const end = r.end_ts + shiftMs;
        if (end > nowMs) continue;
        const step = stepOf(r, start, end);
        out.push({
          scenario: job.id,
          outcome: step.outcome === 'SUCCESS' ? 'SUCCESS' : 'FAILED',
          start,
          end,
          cause: `Time trigger (imported ${r.job_name} run)`,
          error: step.error,
          steps: [step],
        });
      }
      continue;
    }
    const [hh, mm] = h.at.split(':').map(Number);
    const byDay = new Map<number, (JobRunRecord & { start_ts: number; end_ts: number })[]>();
    for (const r of mine) {
      const day = Math.floor(r.scheduled_ts / DAY_MS) * DAY_MS;
      byDay.set(day, [...(byDay.get(day) ?? []), r]);
    }
    for (const [day, dayRows] of [...byDay.entries()].sort(([a], [b]) => a - b)) {
      const start = day + shiftMs + (hh * 60 + mm) * 60_000;
      let at = start;
      const steps = dayRows
        .sort((a, b) => a.scheduled_ts - b.scheduled_ts)
        .map((r) => {
          const s = stepOf(r, at, at + (r.status === 'SKIPPED' ? 0 : r.end_ts - r.start_ts));
          at = s.end;
          return s;
        });
      if (at > nowMs) continue;
      const outcome = dayOutcome(steps, dayRows);
      const failed = steps.filter((s) => s.outcome === 'FAILED');
      out.push({
        scenario: job.id,
        outcome,
        start,
        end: at,
        cause: `Time trigger (imported ${h.jobs.join(', ')} runs of the day)`,
        error: outcome === 'SUCCESS' ? null : `${failed.length} of ${steps.length} job runs failed`,
        steps,
      });
    }
  }
  return out;
}

/** Whole days that bring `cutoffMs` (the end of the history) to the start of the day after `nowMs`. */
export function historyShiftMs(cutoffMs: number, nowMs: number): number {
  return Math.ceil((nowMs - cutoffMs) / DAY_MS) * DAY_MS;
}
