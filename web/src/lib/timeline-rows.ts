import type { MonitoredScenario, Monitoring, MonitoringStepRun, MonitoringSteps } from '../api/types';
import { formatCount } from './format';

export interface TimelineRow {
  key: string;
  /** A scenario or, expanded to steps, one of its steps. */
  step?: { name: string; type: string };
  scenario: MonitoredScenario;
  averageDurationMs: number | null;
  lastDurationMs: number | null;
  runs: { run: string; start: string | null; end: string | null; outcome: string; durationMs: number | null }[];
}

const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** One row per scenario; expanded to steps, each scenario row is followed by one row per step it ran in the range. */
export function timelineRows(scenarios: MonitoredScenario[], steps: MonitoringSteps | undefined): TimelineRow[] {
  // A deleted scenario's history may stand beside a scenario since created with its id.
  const rowKey = (s: MonitoredScenario) => `${s.project}/${s.id}${s.deleted ? ' (deleted)' : ''}`;
  const scenarioRow = (s: MonitoredScenario): TimelineRow => ({
    key: rowKey(s),
    scenario: s,
    averageDurationMs: s.averageDurationMs,
    lastDurationMs: s.lastDurationMs,
    runs: s.runs.map((r) => ({ ...r, run: r.id })),
  });
  if (!steps) return scenarios.map(scenarioRow);
  // Step runs grouped by scenario, then by step name in the order the steps run.
  type StepGroup = { type: string; index: number; runs: MonitoringStepRun[] };
  const byScenario = new Map<string, Map<string, StepGroup>>();
  for (const st of steps.steps) {
    const k = `${st.project}/${st.scenario}`;
    const names = byScenario.get(k) ?? new Map<string, StepGroup>();
    const entry = names.get(st.name) ?? { type: st.type, index: st.index, runs: [] };
    entry.index = Math.min(entry.index, st.index);
    entry.runs.push(st);
    names.set(st.name, entry);
    byScenario.set(k, names);
  }
  return scenarios.flatMap((s) => {
    const shown = new Set(s.runs.map((r) => r.id));
    const names = [...(byScenario.get(`${s.project}/${s.id}`) ?? new Map<string, StepGroup>()).entries()].sort(
      ([, a], [, b]) => a.index - b.index,
    );
    return [
      scenarioRow(s),
      ...names.flatMap(([name, e]): TimelineRow[] => {
        const runs = e.runs.filter((r) => shown.has(r.run));
        if (runs.length === 0) return [];
        const ended = runs.filter((r) => r.durationMs !== null && r.end);
        return [
          {
            key: `${rowKey(s)}/${name}`,
            step: { name, type: e.type },
            scenario: s,
            averageDurationMs: mean(ended.map((r) => r.durationMs!)),
            lastDurationMs: ended.length ? ended[ended.length - 1].durationMs : null,
            runs: runs.map((r) => ({
              run: r.run,
              start: r.start,
              end: r.end,
              outcome: r.outcome,
              durationMs: r.durationMs,
            })),
          },
        ];
      }),
    ];
  });
}

/** What the page says when the range holds more runs than the timeline lists (null when it lists them all). */
export function truncationNote(m: Pick<Monitoring, 'truncated' | 'totalRuns' | 'listedRuns'>): string | null {
  if (!m.truncated) return null;
  return `This range holds ${formatCount(m.totalRuns)} runs: the timeline shows only the most recent ${formatCount(m.listedRuns)}. Counts, average and last runtimes and the daily summary cover all of them. Narrow the range to see every run on the timeline.`;
}
