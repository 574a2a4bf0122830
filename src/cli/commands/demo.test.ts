import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo as capture } from '../capture-io.js';
import { DEMO_OPTIONS, stagedDays } from '../../alma/demo.js';
import { runCli } from '../main.js';

describe('llano demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-demo-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { LLANO_ADMIN_PASSWORD: 'demo-cli-password' };

  it('creates ALMA_OPS in the workspace once, then leaves it alone', async () => {
    const first = capture(dir, env);
    expect(await runCli(['--home', 'ws', 'demo', '--days', '2'], first)).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/Creating the demo project ALMA_OPS \(2 simulated days\)/);
    expect(first.stdout).toMatch(/Demo project ready .* \(build succeeded\)/);

    const list = capture(dir, env);
    expect(await runCli(['--home', 'ws', '--json', 'dataset', 'list', '-p', 'ALMA_OPS'], list)).toBe(0);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['trec_measurement', 'shift', 'shift_metrics', 'eb_trec_median']));
    expect(names).toContain('trec_change_points');

    const dashboards = capture(dir, env);
    expect(await runCli(['--home', 'ws', '--json', 'dashboard', 'list', '-p', 'ALMA_OPS'], dashboards)).toBe(0);
    expect((JSON.parse(dashboards.stdout) as { id: string }[]).map((d) => d.id)).toEqual([
      'operations',
      'pipeline_monitoring',
      'shift_report',
      'trec_qa',
    ]);
    // Pipeline monitoring: every tile on the simulated timeline (the run history was moved to
    // end today when imported; the dashboard moves it back beside the simulated job_run data).
    const json = async <T>(...args: string[]) => {
      const io = capture(dir, env);
      expect(await runCli(['--home', 'ws', '--json', ...args, '-p', 'ALMA_OPS'], io), io.stderr).toBe(0);
      return JSON.parse(io.stdout) as T;
    };
    const monitoring = await json<{ pages: { tiles: { insight: string }[] }[] }>(
      'dashboard',
      'show',
      'pipeline_monitoring',
    );
    const simulated = [Date.parse(`${DEMO_OPTIONS.start}T00:00:00Z`), 0];
    simulated[1] = simulated[0] + (2 + stagedDays(2)) * 86_400_000;
    const dates: Record<string, string[]> = {};
    for (const { insight } of monitoring.pages.flatMap((p) => p.tiles)) {
      const data = await json<{ rows: unknown[][] }>('insight', 'data', insight);
      dates[insight] = data.rows
        .flat()
        .filter((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v));
    }
    expect(Object.keys(dates).sort()).toEqual([
      'failed_runs_per_day',
      'loads_late_or_failing',
      'replication_backlog',
      'runtime_trend',
    ]);
    for (const [insight, values] of Object.entries(dates)) {
      expect(values.length, insight).toBeGreaterThan(0);
      const outside = values.filter((v) => {
        const t = Date.parse(v.includes('T') || v.length === 10 ? v : v.replace(' ', 'T') + 'Z');
        return !(t >= simulated[0] && t <= simulated[1]);
      });
      expect(outside, insight).toEqual([]);
    }
    // Its bar has a range of days (a date filter): one day keeps that day's rows only.
    const filters = (monitoring as unknown as { filters: { column: string; type: string }[] }).filters;
    expect(filters).toContainEqual({ column: 'day', type: 'date', label: 'Days' });
    const firstDay = [...dates.runtime_trend].sort()[0].slice(0, 10);
    const next = new Date(Date.parse(`${firstDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const oneDay = await json<{ rows: unknown[][] }>(
      'insight',
      'data',
      'runtime_trend',
      '--filter',
      `day:ge:${firstDay}`,
      '--filter',
      `day:lt:${next}`,
    );
    expect(oneDay.rows.length).toBeGreaterThan(0);
    expect(new Set(oneDay.rows.map((r) => String(r[0]).slice(0, 10)))).toEqual(new Set([firstDay]));
    const tile = capture(dir, env);
    expect(
      await runCli(['--home', 'ws', '--json', 'insight', 'data', 'efficiency_by_array', '-p', 'ALMA_OPS'], tile),
    ).toBe(0);
    expect((JSON.parse(tile.stdout) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    // The shift report: its latest-period table has rows and its webapp is listed.
    const latest = capture(dir, env);
    expect(
      await runCli(
        ['--home', 'ws', '--json', 'insight', 'data', 'shift_report_latest_table', '-p', 'ALMA_OPS'],
        latest,
      ),
    ).toBe(0);
    expect((JSON.parse(latest.stdout) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    const webapps = capture(dir, env);
    expect(await runCli(['--home', 'ws', '--json', 'webapp', 'list', '-p', 'ALMA_OPS'], webapps)).toBe(0);
    expect((JSON.parse(webapps.stdout) as { id: string }[]).map((w) => w.id)).toContain('shift_report');

    const again = capture(dir, env);
    expect(await runCli(['--home', 'ws', 'demo'], again)).toBe(0);
    expect(again.stdout).toBe('The demo project ALMA_OPS already exists: nothing to do\n');
  });

  it('refuses a remote server and bad day counts with one-line errors', async () => {
    const remote = capture(dir, env);
    expect(await runCli(['--url', 'http://localhost:1', 'demo'], remote)).toBe(1);
    expect(remote.stderr).toMatch(/^error: llano demo works on a local workspace/);
    const days = capture(dir, env);
    expect(await runCli(['--home', 'ws2', 'demo', '--days', '0'], days)).toBe(1);
    expect(days.stderr).toMatch(/^error: --days: a whole number of days/);
  });
});
