import { describe, expect, it } from 'vitest';
import type { MonitoredScenario, MonitoringStepRun } from '../api/types';
import { timelineRows, truncationNote } from './timeline-rows';

const scenario = (id: string, runIds: string[]): MonitoredScenario => ({
  project: 'P',
  id,
  name: id,
  active: true,
  deleted: false,
  runs: runIds.map((r, i) => ({
    id: r,
    start: `2026-01-01T0${i}:00:00.000Z`,
    end: `2026-01-01T0${i}:01:00.000Z`,
    outcome: 'SUCCESS',
    durationMs: 60_000,
  })),
  averageDurationMs: 60_000,
  lastDurationMs: 60_000,
  lastOutcome: 'SUCCESS',
  nextFires: [],
  triggers: [],
  reporters: [],
});

const step = (
  run: string,
  scenarioId: string,
  index: number,
  name: string,
  durationMs: number | null,
  outcome: MonitoringStepRun['outcome'] = 'SUCCESS',
): MonitoringStepRun => ({
  run,
  project: 'P',
  scenario: scenarioId,
  index,
  name,
  type: name.split(' ')[1],
  outcome,
  start: '2026-01-01T00:00:00.000Z',
  end: durationMs === null ? null : '2026-01-01T00:00:01.000Z',
  durationMs,
});

describe('monitoring timeline rows', () => {
  it('is one row per scenario unless expanded to steps', () => {
    const rows = timelineRows([scenario('a', ['r1']), scenario('b', [])], undefined);
    expect(rows.map((r) => r.key)).toEqual(['P/a', 'P/b']);
    expect(rows[0].runs[0].run).toBe('r1');
  });

  it('follows each scenario with its steps in run order, with their average and last durations', () => {
    const steps = [
      step('r1', 'a', 1, '2 sql', 3000),
      step('r1', 'a', 0, '1 build', 1000),
      step('r2', 'a', 0, '1 build', 2000),
      step('r2', 'a', 1, '2 sql', null, 'RUNNING'),
    ];
    const rows = timelineRows([scenario('a', ['r1', 'r2']), scenario('b', [])], {
      from: '',
      to: '',
      steps,
      truncated: false,
      nextCursor: null,
    });
    expect(rows.map((r) => r.key)).toEqual(['P/a', 'P/a/1 build', 'P/a/2 sql', 'P/b']);
    expect(rows[1]).toMatchObject({
      step: { name: '1 build', type: 'build' },
      averageDurationMs: 1500,
      lastDurationMs: 2000,
    });
    // A running step has a bar but no duration yet.
    expect(rows[2].runs.map((r) => r.outcome)).toEqual(['SUCCESS', 'RUNNING']);
    expect(rows[2]).toMatchObject({ averageDurationMs: 3000, lastDurationMs: 3000 });
  });

  it('shows only the steps of the runs shown (the outcome filter), and no empty step rows', () => {
    const steps = [step('r1', 'a', 0, '1 build', 1000), step('hidden', 'a', 1, '2 sql', 1000)];
    const rows = timelineRows([scenario('a', ['r1'])], { from: '', to: '', steps, truncated: false, nextCursor: null });
    expect(rows.map((r) => r.key)).toEqual(['P/a', 'P/a/1 build']);
  });

  it('says when the timeline lists only the most recent runs of the range, and how many there are', () => {
    expect(truncationNote({ truncated: false, totalRuns: 12, listedRuns: 12 })).toBeNull();
    const note = truncationNote({ truncated: true, totalRuns: 216_000, listedRuns: 50_000 });
    expect(note).toMatch(/^This range holds 216,000 runs: the timeline shows only the most recent 50,000\./);
    expect(note).toMatch(/daily summary cover all of them/);
  });

  it("keeps a deleted scenario's row apart from a scenario since created with its id", () => {
    const gone = { ...scenario('a', ['old']), name: 'a (deleted)', deleted: true };
    const steps = [step('r1', 'a', 0, '1 build', 1000), step('old', 'a', 0, '1 build', 3000)];
    const rows = timelineRows([scenario('a', ['r1']), gone], {
      from: '',
      to: '',
      steps,
      truncated: false,
      nextCursor: null,
    });
    expect(rows.map((r) => [r.key, r.runs.map((x) => x.run)])).toEqual([
      ['P/a', ['r1']],
      ['P/a/1 build', ['r1']],
      ['P/a (deleted)', ['old']],
      ['P/a (deleted)/1 build', ['old']],
    ]);
  });
});
