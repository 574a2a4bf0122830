// The detect-online step on a large input with a little new data: what a run costs when it has
// one new row (or one late row) in each of thousands of series, i.e. the catalog writes of the
// states and the alarm/late rows written to the output. `node --import tsx bench/_detect-online-batches.ts`
// Options (environment): BENCH_SERIES (6000), BENCH_ROWS (100 per series: 600,000 rows),
// BENCH_RUNS (3 rounds), BENCH_CATALOG=postgres (an embedded PostgreSQL catalog, else SQLite).
// CPU is this process's user+sys during the run (DuckDB's threads included; PostgreSQL's server
// process is not: compare its wall time). To compare two trees, run this file in each, alternately.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Automation } from '../src/automation/automation.js';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startPostgres } from '../test/support/embedded-postgres.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 6000);
const ROWS = Number(process.env.BENCH_ROWS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const postgres = process.env.BENCH_CATALOG === 'postgres';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const minute = (i: number) => new Date(Date.UTC(2030, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');

/** Minutes [0, upTo) of every series, plus one row per series at each minute of `late` (appended). */
function csv(upTo: number, late: number[] = []): string {
  const lines = ['ts,antenna,trec'];
  for (let s = 0; s < SERIES; s++)
    for (let i = 0; i < upTo; i++) lines.push(`${minute(i)},S${s},${(40 + Math.sin(i * 0.7 + s)).toFixed(4)}`);
  for (const i of late) for (let s = 0; s < SERIES; s++) lines.push(`${minute(i)},S${s},40.5`);
  return lines.join('\n') + '\n';
}

const pg = postgres ? await startPostgres() : null;
const dir = mkdtempSync(path.join(tmpdir(), 'llano-bench-detect-'));
const ws = await Workspace.open(
  loadConfig(
    { home: path.join(dir, 'ws'), adminPassword: 'bench-password', ...(pg ? { catalogUrl: pg.url } : {}) },
    {},
  ),
);
await bootstrapWorkspace(ws);
await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'BENCH' });
const automation = Automation.of(ws);
const file = path.join(dir, 'in.csv');
const load = async (text: string) => {
  writeFileSync(file, text);
  await importDataset(ws, LOCAL_ADMIN, 'BENCH', 'readings', { filePath: file, fileName: 'in.csv' });
};

/** One run of the scenario: CPU (user+sys) and wall ms, and the step's detail. */
async function timedRun(): Promise<{ cpu: number; wall: number; detail: Record<string, number> }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const { runId } = await automation.runManually(LOCAL_ADMIN, 'BENCH', 'watch');
  const run = await automation.waitForRun('BENCH', runId);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (run.outcome === 'FAILED') throw new Error(`run failed: ${run.error}`);
  const steps = await ws.catalog.db
    .selectFrom('scenario_step_runs')
    .select('detail')
    .where('run_id', '=', runId)
    .execute();
  return {
    cpu: (used.user + used.system) / 1000,
    wall,
    detail: JSON.parse(steps[0].detail!) as Record<string, number>,
  };
}

await load(csv(ROWS));
await saveScenario(ws, LOCAL_ADMIN, 'BENCH', {
  id: 'watch',
  steps: [
    {
      type: 'detect-online',
      dataset: 'readings',
      groupBy: ['antenna'],
      orderBy: 'ts',
      column: 'trec',
      output: 'alarms',
      onAlarm: 'ignore',
    },
  ],
});
const first = await timedRun();
const fresh: { cpu: number; wall: number }[] = [];
const late: { cpu: number; wall: number }[] = [];
for (let r = 0; r < RUNS; r++) {
  // One new row per series.
  await load(
    csv(
      ROWS + r + 1,
      Array.from({ length: r }, (_, i) => i),
    ),
  );
  const a = await timedRun();
  if (a.detail.rows !== SERIES) throw new Error(`expected ${SERIES} new rows, fed ${a.detail.rows}`);
  fresh.push(a);
  // One late row per series (a second copy of an old minute): written to the output, not learned from.
  await load(
    csv(
      ROWS + r + 1,
      Array.from({ length: r + 1 }, (_, i) => i),
    ),
  );
  const b = await timedRun();
  if (b.detail.lateRows !== SERIES) throw new Error(`expected ${SERIES} late rows, got ${b.detail.lateRows}`);
  late.push(b);
}
const ms = (xs: { cpu: number; wall: number }[]) =>
  `${median(xs.map((x) => x.cpu)).toFixed(0)} ms CPU / ${median(xs.map((x) => x.wall)).toFixed(0)} ms wall`;
console.log(
  `| detect-online, ${SERIES} series × ${ROWS} rows, ${postgres ? 'PostgreSQL' : 'SQLite'} catalog (median of ${RUNS}) | |`,
);
console.log('|---|---|');
console.log(`| first run (every row new) | ${first.cpu.toFixed(0)} ms CPU / ${first.wall.toFixed(0)} ms wall |`);
console.log(`| 1 new row per series | ${ms(fresh)} |`);
console.log(`| 1 late row per series | ${ms(late)} |`);
await automation.idle();
await ws.close();
await pg?.stop();
rmSync(dir, { recursive: true, force: true });
