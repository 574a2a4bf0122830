import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT, ensureDemo } from '../src/alma/demo.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { getDataset } from '../src/datasets/datasets.js';
import { Automation } from '../src/automation/automation.js';
import { importScenarioHistory } from '../src/automation/history-import.js';
import { automationMonitoring } from '../src/automation/monitoring.js';
import { getScenarioRun } from '../src/automation/runs-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

describe('the observatory applications in the demo', () => {
  let ws: Workspace;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'llano-alma-apps-'));
    ws = await Workspace.open(loadConfig({ home, adminPassword: 'demo-password' }, {}));
    await bootstrapWorkspace(ws);
    expect(await ensureDemo(ws, () => undefined, { days: 4 })).toBe(true);
  }, 300_000);
  afterAll(async () => {
    await ws.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('imports the simulated job history: the monitoring view has runs with their real durations', async () => {
    const view = await automationMonitoring(ws, LOCAL_ADMIN, {});
    const byId = new Map(view.scenarios.map((s) => [s.id, s]));
    expect(byId.size).toBeGreaterThanOrEqual(11);
    // Metadata replication every 15 minutes, 10–110 s each (simulator §5 catalogue).
    const ql = byId.get('ql_event_etl')!;
    expect(ql.runs.length).toBeGreaterThan(40);
    for (const r of ql.runs) expect(r.durationMs).toBeGreaterThanOrEqual(5_000);
    expect(ql.averageDurationMs).toBeGreaterThan(10_000);
    expect(ql.averageDurationMs).toBeLessThan(120_000);
    expect(ql.lastDurationMs).not.toBeNull();
    expect(ql.nextFires.length).toBeGreaterThan(0);
    expect(ql.reporters.map((r) => r.channel)).toEqual(['mail', 'webhook']);
    expect(view.daily.length).toBeGreaterThan(0);
    // A day run of the ASDM ELT has one step per ingested EB, laid back to back.
    const elt = await automationMonitoring(ws, LOCAL_ADMIN, {
      from: new Date(Date.now() - 4 * 86_400_000).toISOString(),
    });
    const eltRun = elt.scenarios.find((s) => s.id === 'elt_asdm_monitoring')!.runs.at(-1)!;
    const details = await getScenarioRun(ws, LOCAL_ADMIN, DEMO_PROJECT, eltRun.id);
    expect(details.steps!.length).toBeGreaterThan(3);
    expect(details.steps![0].name).toMatch(/^asdm_ingest_osf uid:\/\//);
    const stepSum = details.steps!.reduce((a, s) => a + (s.durationMs ?? 0), 0);
    expect(stepSum).toBe(details.durationMs);
  });

  it('refuses history for a scenario that does not exist', async () => {
    await expect(
      importScenarioHistory(ws, LOCAL_ADMIN, DEMO_PROJECT, [
        { scenario: 'nope', outcome: 'SUCCESS', start: 0, end: 1, steps: [] },
      ]),
    ).rejects.toThrow(/scenario nope does not exist/);
  });

  it('a job scenario loads the next increment and rebuilds; when the staging runs dry the load warns', async () => {
    const rows = async (d: string) => (await getDataset(ws, LOCAL_ADMIN, DEMO_PROJECT, d)).rowCount ?? 0;
    const shifts = await rows('shift');
    expect(await rows('shift_metrics')).toBe(shifts);
    const automation = Automation.of(ws);
    const first = await automation.runAndWait(DEMO_PROJECT, 'shiftlog_etl', 'test');
    expect(first.outcome).toBe('SUCCESS');
    // One more day: 3 shifts for each of the 3 array families.
    expect(await rows('shift')).toBe(shifts + 9);
    expect(await rows('shift_metrics')).toBe(shifts + 9);
    const second = await automation.runAndWait(DEMO_PROJECT, 'shiftlog_etl', 'test');
    expect(second.outcome).toBe('WARNING');
    const run = await getScenarioRun(ws, LOCAL_ADMIN, DEMO_PROJECT, second.runId);
    expect(run.steps![0]).toMatchObject({ type: 'load-increment', outcome: 'WARNING' });
    expect(await rows('shift')).toBe(shifts + 9);
  });
});
