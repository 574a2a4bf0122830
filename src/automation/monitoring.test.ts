import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../catalog/access.js';
import { loadConfig } from '../common/config.js';
import { Workspace } from '../workspace/workspace.js';
import { Automation } from './automation.js';
import { automationMonitoring, automationMonitoringSteps } from './monitoring.js';
import { deleteScenario, saveScenario } from './scenarios-service.js';
import type { RunOutcome } from './types.js';

const P = 'MON';
const range = { from: '2030-01-01T00:00:00.000Z', to: '2030-01-04T00:00:00.000Z' };

describe('automation monitoring over more runs than it lists', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-monitoring-'));
  let ws: Workspace;

  /** A run recorded and ended through the run store, with its two steps. */
  const run = async (scenario: string, start: string, seconds: number, outcome: RunOutcome) => {
    const { runs } = Automation.of(ws);
    const id = `${scenario}@${start}`;
    const end = new Date(Date.parse(start) + seconds * 1000).toISOString();
    await runs.insert({
      id,
      projectKey: P,
      scenario,
      triggerType: 'manual',
      triggerKey: null,
      cause: 'test',
      outcome: 'RUNNING',
      runAs: 'admin',
      steps: [
        { name: 'first', type: 'noop' },
        { name: 'second', type: 'noop' },
      ],
      at: start,
    });
    for (const index of [0, 1]) await runs.setStep(id, index, { outcome: 'SUCCESS', at: end, startedAt: start });
    await runs.finish(id, outcome, end, null);
  };

  beforeAll(async () => {
    ws = await Workspace.open(loadConfig({ home: dir }, {}));
    await ws.catalog.projects.create(LOCAL_ADMIN, { key: P });
    for (const id of ['a', 'b', 'c'])
      await saveScenario(ws, LOCAL_ADMIN, P, {
        id,
        triggers: [{ type: 'manual' }],
        steps: [
          { type: 'noop', name: 'first' },
          { type: 'noop', name: 'second' },
        ],
      });
    // Seven runs in the range, over three days; c runs only before and after it.
    await run('a', '2030-01-01T00:00:00.000Z', 10, 'SUCCESS');
    await run('b', '2030-01-01T06:00:00.000Z', 100, 'SUCCESS');
    await run('a', '2030-01-01T12:00:00.000Z', 20, 'FAILED');
    await run('a', '2030-01-02T00:00:00.000Z', 30, 'SUCCESS');
    await run('b', '2030-01-02T06:00:00.000Z', 200, 'WARNING');
    await run('a', '2030-01-03T00:00:00.000Z', 40, 'SUCCESS');
    await run('b', '2030-01-03T06:00:00.000Z', 300, 'SUCCESS');
    await run('c', '2029-12-31T23:00:00.000Z', 5, 'SUCCESS');
    await run('c', '2030-01-04T00:00:00.000Z', 5, 'SUCCESS');
  });
  afterAll(async () => {
    await ws?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const starts = (m: Awaited<ReturnType<typeof automationMonitoring>>, id: string) =>
    m.scenarios.find((s) => s.id === id)!.runs.map((r) => r.start);
  const daily = [
    { day: '2030-01-01', outcomes: { SUCCESS: 2, FAILED: 1 } },
    { day: '2030-01-02', outcomes: { SUCCESS: 1, WARNING: 1 } },
    { day: '2030-01-03', outcomes: { SUCCESS: 2 } },
  ];

  it('lists every run of the range, oldest first, when they fit', async () => {
    for (const maxRuns of [undefined, 7]) {
      const m = await automationMonitoring(ws, LOCAL_ADMIN, range, { maxRuns });
      expect(m).toMatchObject({ truncated: false, totalRuns: 7, listedRuns: 7, daily });
      expect(starts(m, 'a')).toEqual([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T12:00:00.000Z',
        '2030-01-02T00:00:00.000Z',
        '2030-01-03T00:00:00.000Z',
      ]);
      expect(starts(m, 'c')).toEqual([]);
    }
  });

  it('keeps the newest runs over the cap, oldest first, and still summarises all of them', async () => {
    const m = await automationMonitoring(ws, LOCAL_ADMIN, range, { maxRuns: 3 });
    expect(m).toMatchObject({ truncated: true, totalRuns: 7, listedRuns: 3, daily });
    expect(starts(m, 'a')).toEqual(['2030-01-03T00:00:00.000Z']);
    expect(starts(m, 'b')).toEqual(['2030-01-02T06:00:00.000Z', '2030-01-03T06:00:00.000Z']);
    expect(m.scenarios.find((s) => s.id === 'b')!.runs[0]).toMatchObject({
      outcome: 'WARNING',
      durationMs: 200_000,
      end: '2030-01-02T06:03:20.000Z',
    });
    // Averages over the range's runs, not the listed ones; the last run of each scenario.
    const summary = m.scenarios.map((s) => [s.id, s.averageDurationMs, s.lastDurationMs, s.lastOutcome]);
    expect(summary.slice(0, 2)).toEqual([
      ['a', 25_000, 40_000, 'SUCCESS'],
      ['b', 200_000, 300_000, 'SUCCESS'],
    ]);
    expect(m.scenarios[2]).toMatchObject({ id: 'c', runs: [], averageDurationMs: null });
  });

  it('keeps the steps of the newest runs over the step cap, in run and step order', async () => {
    const all = await automationMonitoringSteps(ws, LOCAL_ADMIN, range);
    expect(all.truncated).toBe(false);
    expect(all.steps).toHaveLength(14);
    expect(all.steps[0]).toMatchObject({ run: 'a@2030-01-01T00:00:00.000Z', index: 0, name: 'first' });
    const newest = await automationMonitoringSteps(ws, LOCAL_ADMIN, range, { maxStepRuns: 4 });
    expect(newest.truncated).toBe(true);
    expect(newest.steps.map((s) => [s.run, s.index])).toEqual([
      ['a@2030-01-03T00:00:00.000Z', 0],
      ['a@2030-01-03T00:00:00.000Z', 1],
      ['b@2030-01-03T06:00:00.000Z', 0],
      ['b@2030-01-03T06:00:00.000Z', 1],
    ]);
  });

  it('lists at most its share of one scenario: a runaway does not push the others out', async () => {
    const m = await automationMonitoring(ws, LOCAL_ADMIN, range, { maxRunsPerScenario: 2 });
    expect(m).toMatchObject({ truncated: true, totalRuns: 7, listedRuns: 4, daily });
    expect(starts(m, 'a')).toEqual(['2030-01-02T00:00:00.000Z', '2030-01-03T00:00:00.000Z']);
    expect(starts(m, 'b')).toEqual(['2030-01-02T06:00:00.000Z', '2030-01-03T06:00:00.000Z']);
  });

  it('pages through the step runs with a cursor, newest runs first, none twice or missed', async () => {
    const all = await automationMonitoringSteps(ws, LOCAL_ADMIN, range);
    expect(all.nextCursor).toBeNull();
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await automationMonitoringSteps(ws, LOCAL_ADMIN, { ...range, limit: 3, cursor });
      expect(page.steps.length).toBeLessThanOrEqual(3);
      expect(page.truncated).toBe(page.nextCursor !== null);
      pages.push(page.steps.map((s) => `${s.run}#${s.index}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toHaveLength(5);
    // Each page is in run and step order; the pages go back in time.
    expect(pages.reverse().flat()).toEqual(all.steps.map((s) => `${s.run}#${s.index}`));
    await expect(automationMonitoringSteps(ws, LOCAL_ADMIN, { ...range, cursor: 'nonsense' })).rejects.toThrow(
      /cursor: not a cursor this endpoint gave/,
    );
  });

  it("keeps a deleted scenario's runs as marked history, hidden from monitoring unless asked for", async () => {
    await saveScenario(ws, LOCAL_ADMIN, P, { id: 'gone', triggers: [{ type: 'manual' }], steps: [{ type: 'noop' }] });
    await run('gone', '2030-01-02T12:00:00.000Z', 50, 'FAILED');
    expect((await automationMonitoring(ws, LOCAL_ADMIN, range)).totalRuns).toBe(8);
    await deleteScenario(ws, LOCAL_ADMIN, P, 'gone');
    // The same id again: its new runs are its own, not the deleted one's.
    await saveScenario(ws, LOCAL_ADMIN, P, { id: 'gone', triggers: [{ type: 'manual' }], steps: [{ type: 'noop' }] });
    await run('gone', '2030-01-03T12:00:00.000Z', 60, 'SUCCESS');

    const hidden = await automationMonitoring(ws, LOCAL_ADMIN, range);
    expect(hidden).toMatchObject({ truncated: false, totalRuns: 8, listedRuns: 8 });
    expect(hidden.scenarios.filter((s) => s.deleted)).toEqual([]);
    expect(hidden.scenarios.find((s) => s.id === 'gone')).toMatchObject({
      runs: [{ start: '2030-01-03T12:00:00.000Z', outcome: 'SUCCESS' }],
      averageDurationMs: 60_000,
      lastOutcome: 'SUCCESS',
    });
    const hiddenSteps = await automationMonitoringSteps(ws, LOCAL_ADMIN, range);
    expect(hiddenSteps.steps.filter((s) => s.run === 'gone@2030-01-02T12:00:00.000Z')).toEqual([]);

    const shown = await automationMonitoring(ws, LOCAL_ADMIN, { ...range, includeDeleted: true });
    expect(shown).toMatchObject({ totalRuns: 9, listedRuns: 9 });
    expect(shown.scenarios.filter((s) => s.id === 'gone').map((s) => [s.name, s.deleted, s.runs.length])).toEqual([
      ['gone', false, 1],
      ['gone (deleted)', true, 1],
    ]);
    expect(shown.scenarios.find((s) => s.deleted)).toMatchObject({
      active: false,
      averageDurationMs: 50_000,
      lastOutcome: 'FAILED',
      triggers: [],
      nextFires: [],
    });
    const shownSteps = await automationMonitoringSteps(ws, LOCAL_ADMIN, { ...range, includeDeleted: true });
    expect(shownSteps.steps.filter((s) => s.run === 'gone@2030-01-02T12:00:00.000Z')).toHaveLength(2);
    // Still reachable by id and in the scenario's list of runs, marked.
    const kept = await Automation.of(ws).runs.get(P, 'gone@2030-01-02T12:00:00.000Z', { details: true });
    expect(kept.outcome).toBe('FAILED');
    expect(kept.scenarioDeletedAt).toMatch(/^\d{4}-/);
    expect(kept.steps).toHaveLength(2);
    const listed = await Automation.of(ws).runs.list(P, 'gone');
    expect(listed.map((r) => r.scenarioDeletedAt === null)).toEqual([true, false]);
  });
});
