// Automation benchmarks: `node --import tsx bench/automation.ts [section…]`. Prints a markdown table.
// Sections: steps (runner overhead per no-op step and per trivial build step), latency (fire
// latency of a time trigger on the real clock), ticks (scheduler CPU per tick with 1,000
// scenarios due every minute), monitoring (the monitoring view over a year of hourly runs of
// 300 scenarios). No argument runs them all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Automation } from '../src/automation/automation.js';
import { ManualClock, SystemClock } from '../src/automation/clock.js';
import { Scheduler } from '../src/automation/scheduler.js';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { buildServer } from '../src/server/app.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';

const rows: string[][] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function openWorkspace(name: string): Promise<{ ws: Workspace; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), `llano-bench-${name}-`));
  const ws = await Workspace.open(loadConfig({ home: path.join(dir, 'ws'), adminPassword: 'bench-password' }, {}));
  await bootstrapWorkspace(ws);
  await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
  return { ws, dir };
}

async function timeRun(automation: Automation, id: string): Promise<number> {
  const start = performance.now();
  const { runId } = await automation.runManually(LOCAL_ADMIN, 'BENCH', id);
  const run = await automation.waitForRun('BENCH', runId);
  if (run.outcome !== 'SUCCESS') throw new Error(`${id}: ${run.outcome} ${run.error}`);
  return performance.now() - start;
}

const wanted = process.argv.slice(2);
const section = (name: string) => wanted.length === 0 || wanted.includes(name);

// 1 and 2: runner overhead per step.
if (section('steps')) {
  const { ws, dir } = await openWorkspace('steps');
  const automation = Automation.of(ws);
  await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
    id: 'noops',
    steps: Array.from({ length: 100 }, () => ({ type: 'noop' })),
  });
  const noop = [];
  for (let i = 0; i < 5; i++) noop.push((await timeRun(automation, 'noops')) / 100);
  rows.push(['scenario of 100 sequential no-op steps: overhead per step', ms(median(noop)), '≤ 2 ms']);

  const csv = path.join(dir, 'seed.csv');
  writeFileSync(csv, 'x,y\n1,a\n2,b\n3,c\n');
  await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'seed', { filePath: csv, fileName: 'seed.csv' });
  for (let i = 0; i < 40; i++)
    await saveRecipe(ws, LOCAL_ADMIN, 'BENCH', {
      name: `r_${i}`,
      type: 'sql',
      inputs: ['seed'],
      output: `out_${i}`,
      sql: `SELECT x + ${i} AS x, y FROM seed`,
    });
  await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
    id: 'builds',
    steps: Array.from({ length: 40 }, (_, i) => ({ type: 'build', targets: [`out_${i}`], mode: 'only' })),
  });
  const build = [];
  for (let i = 0; i < 3; i++) build.push((await timeRun(automation, 'builds')) / 40);
  // The same 40 builds straight through the flow, to separate the runner's share from the build's.
  const bare = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    for (let r = 0; r < 40; r++)
      await (
        await startBuild(ws, LOCAL_ADMIN, 'BENCH', { targets: [`out_${r}`], mode: 'only' })
      ).done;
    bare.push((performance.now() - start) / 40);
  }
  rows.push(['scenario of 40 builds of trivial SQL recipes: time per build step', ms(median(build)), '≤ 20 ms']);
  rows.push(['the same builds started directly (startBuild, no scenario): time per build', ms(median(bare)), '']);
  await automation.idle();
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
}

// 3: fire latency after the due instant, real clock, a trigger due every second.
if (section('latency')) {
  const { ws, dir } = await openWorkspace('latency');
  await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
    id: 'every_second',
    concurrency: 'parallel',
    triggers: [{ type: 'time', cron: '* * * * * *' }],
    steps: [{ type: 'noop' }],
  });
  const scheduler = new Scheduler(ws, { clock: new SystemClock() });
  await scheduler.start();
  await new Promise((resolve) => setTimeout(resolve, 6500)); // let it fire on the real clock
  await scheduler.stop();
  await scheduler.automation.idle();
  const runs = await ws.catalog.db
    .selectFrom('scenario_runs')
    .select(['cause', 'created_at'])
    .where('scenario', '=', 'every_second')
    .execute();
  const latencies = runs.map((r) => Date.parse(r.created_at) - Date.parse(r.cause.replace(/^.*: /, '')));
  rows.push([
    `fire latency after the due instant (${latencies.length} fires, median / max)`,
    `${ms(median(latencies))} / ${ms(Math.max(...latencies))}`,
    '≤ 100 ms',
  ]);
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
}

// 4: 1,000 scenarios due every minute: scheduler CPU per tick.
if (section('ticks')) {
  const { ws, dir } = await openWorkspace('ticks');
  for (let i = 0; i < 1000; i++)
    await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
      id: `s_${i}`,
      triggers: [{ type: 'time', everyMinutes: 1 }],
      steps: [{ type: 'noop' }],
    });
  const clock = new ManualClock(Date.UTC(2030, 0, 1, 0, 0, 30));
  const scheduler = new Scheduler(ws, { clock });
  await scheduler.start({ loop: false });
  await scheduler.tick(); // loads and arms the 1,000 triggers
  const cpu = async (fn: () => Promise<void>) => {
    const before = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  const idle = [];
  for (let i = 0; i < 20; i++) {
    clock.advance(1000);
    idle.push(await cpu(() => scheduler.tick()));
  }
  const firing = [];
  for (let minute = 1; minute <= 3; minute++) {
    clock.set(Date.UTC(2030, 0, 1, 0, minute, 0));
    firing.push(await cpu(() => scheduler.tick()));
    await scheduler.automation.idle();
  }
  rows.push(['1,000 scenarios every minute: scheduler CPU per tick, nothing due', ms(median(idle)), '']);
  rows.push([
    '1,000 scenarios every minute: CPU of the tick firing all 1,000 (claims, run records, and the 1,000 one-step runs it starts)',
    ms(median(firing)),
    '',
  ]);
  await scheduler.stop();
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
}

// 5: the monitoring view over a year of history: 300 scenarios, one run per hour each.
if (section('monitoring')) {
  const scenarioCount = Number(process.env.BENCH_MONITORING_SCENARIOS ?? 300);
  const hours = Number(process.env.BENCH_MONITORING_HOURS ?? 365 * 24);
  const { ws, dir } = await openWorkspace('monitoring');
  for (let i = 0; i < scenarioCount; i++) {
    await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
      id: `s_${i}`,
      triggers: [{ type: 'time', everyHours: 1 }],
      steps: [{ type: 'noop' }, { type: 'noop' }],
    });
  }
  // History goes straight into the run tables: one transaction, prepared statements, through a
  // second connection to the same SQLite file (the workspace's connection then sees it).
  const end = Date.UTC(2030, 0, 1);
  const start = end - hours * 3_600_000;
  const generation = performance.now();
  const sqlite = new Database(path.join(ws.config.home, 'catalog.db'));
  const insertRun = sqlite.prepare(
    `INSERT INTO scenario_runs (id, project_key, scenario, trigger_type, trigger_key, cause, outcome, created_at, started_at, ended_at, duration_ms, error, run_as, owner, owner_host, heartbeat_at, abort_requested)
     VALUES (?, 'BENCH', ?, 'time', 'hourly', 'every 1 h', ?, ?, ?, ?, ?, ?, 'admin', 'bench', 'bench', NULL, 0)`,
  );
  const insertStep = sqlite.prepare(
    `INSERT INTO scenario_step_runs (run_id, idx, name, type, outcome, started_at, ended_at, duration_ms, attempts, error, detail) VALUES (?, ?, ?, 'noop', ?, ?, ?, ?, 1, NULL, NULL)`,
  );
  sqlite.transaction(() => {
    for (let h = 0; h < hours; h++) {
      const hourStart = start + h * 3_600_000;
      for (let i = 0; i < scenarioCount; i++) {
        const started = hourStart + (i % 60) * 1000;
        const duration = 200 + ((h * 7919 + i * 104_729) % 5000);
        const failed = (h + i) % 97 === 0;
        const outcome = failed ? 'FAILED' : 'SUCCESS';
        const id = `${started.toString(36)}-${i.toString(36).padStart(3, '0')}`;
        const startedIso = new Date(started).toISOString();
        const endedIso = new Date(started + duration).toISOString();
        insertRun.run(
          id,
          `s_${i}`,
          outcome,
          startedIso,
          startedIso,
          endedIso,
          duration,
          failed ? '1 step(s) failed: 1 noop' : null,
        );
        insertStep.run(id, 0, '1 noop', outcome, startedIso, endedIso, duration);
      }
    }
  })();
  sqlite.close();
  const runCount = scenarioCount * hours;
  rows.push([
    `monitoring: generating ${scenarioCount} scenarios × ${hours} hourly runs (${(runCount / 1e6).toFixed(2)} M runs, one step row each)`,
    `${((performance.now() - generation) / 1000).toFixed(1)} s`,
    '',
  ]);

  const app = await buildServer(ws);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: 'bench-password' },
  });
  const token = login.json<{ token: string }>().token;
  Automation.of(ws).clock = new ManualClock(end);
  const timeMonitoring = async (rangeMs: number) => {
    const url = `/api/automation/monitoring?from=${new Date(end - rangeMs).toISOString()}&to=${new Date(end).toISOString()}`;
    const times: number[] = [];
    let body: {
      scenarios: { runs: unknown[]; averageDurationMs: number | null; lastDurationMs: number | null }[];
      truncated: boolean;
    } | null = null;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      times.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`monitoring: ${res.statusCode} ${res.body}`);
      body = res.json();
    }
    const listed = body!.scenarios.reduce((n, s) => n + s.runs.length, 0);
    if (
      body!.scenarios.length !== scenarioCount ||
      body!.scenarios.some((s) => s.averageDurationMs === null || s.lastDurationMs === null)
    )
      throw new Error('monitoring: missing scenarios or durations');
    return { median: median(times), first: times[0], listed, truncated: body!.truncated };
  };
  const day = await timeMonitoring(86_400_000);
  rows.push([
    `GET /api/automation/monitoring, 24 h range (${day.listed} runs listed; median of 5 / first call)`,
    `${ms(day.median)} / ${ms(day.first)}`,
    '≪ 1 s',
  ]);
  const month = await timeMonitoring(30 * 86_400_000);
  rows.push([
    `GET /api/automation/monitoring, 30-day range (${month.listed} runs listed${month.truncated ? ', truncated' : ''}; median of 5 / first call)`,
    `${ms(month.median)} / ${ms(month.first)}`,
    '',
  ]);
  await app.close();
  await ws.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  '| measure | result | target |\n| --- | --- | --- |\n' + rows.map((r) => `| ${r.join(' | ')} |`).join('\n'),
);
