// Simulator benchmark: Trec rows per second into Parquet, and the time and peak memory
// of `--scale full`. Each measurement runs in its own process so peak RSS is its own.
// Run: node --import tsx bench/simulator.ts   (or: npm run bench simulator)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation } from '../src/alma/simulator/generate.js';
import { simulate, type SimulationOptionsInput } from '../src/alma/simulator/index.js';

interface Measurement {
  label: string;
  trecRows: number;
  spectrumRows: number;
  seconds: number;
  /** User + system CPU seconds of the process (all threads): steadier than wall time on a shared host. */
  cpuSeconds: number;
  maxRssMb: number;
  bytes: number;
}

const CASES: Record<string, { label: string; options: Omit<SimulationOptionsInput, 'out'> | null }> = {
  generate: { label: 'generate plans only (120 days, no writing)', options: null },
  parquet: { label: 'simulate → Parquet (120 days)', options: { start: '2024-10-01', days: 120, seed: 42 } },
  year: { label: 'simulate → Parquet (365 days)', options: { start: '2024-10-01', days: 365, seed: 42 } },
  full: { label: 'simulate --scale full → Parquet', options: { scale: 'full', seed: 42 } },
};

const cpu = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};

async function child(name: string): Promise<Measurement> {
  const c = CASES[name];
  const started = performance.now();
  if (!c.options) {
    const sim = new Simulation({ out: '/unused', start: '2024-10-01', days: 120, seed: 42 });
    let trecRows = 0;
    for (const day of sim.days()) trecRows += day.trecPlan.rows;
    return {
      label: c.label,
      trecRows,
      spectrumRows: 0,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: cpu(),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      bytes: 0,
    };
  }
  const out = mkdtempSync(path.join(tmpdir(), 'llano-bench-sim-'));
  try {
    const result = await simulate({ ...c.options, out });
    const seconds = (performance.now() - started) / 1000;
    const rows = (n: string) => result.tables.find((t) => t.name === n)?.rows ?? 0;
    const bytes = result.tables.reduce((s, t) => s + statSync(t.path).size, 0);
    return {
      label: c.label,
      trecRows: rows('trec_measurement'),
      spectrumRows: rows('trec_spectrum'),
      seconds,
      cpuSeconds: cpu(),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      bytes,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const childName = process.argv[2] === '--child' ? process.argv[3] : null;
// `--only parquet,generate` runs a subset (the full scale takes minutes).
const only = process.argv[2] === '--only' ? process.argv[3].split(',') : null;
if (childName) {
  process.stdout.write(JSON.stringify(await child(childName)) + '\n');
} else {
  const self = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const measured: Record<string, Measurement> = {};
  for (const name of Object.keys(CASES).filter((n) => !only || only.includes(n))) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', name], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      process.exitCode = 1;
      continue;
    }
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measurement;
    measured[name] = m;
    const target =
      name === 'parquet' || name === 'year' || name === 'full'
        ? `≥ 2,000,000 rows/s${name === 'full' ? '; < 60 s, < 2,048 MB' : ''}`
        : '';
    rows.push(
      `| ${m.label} | ${fmt(m.trecRows)} | ${fmt(m.spectrumRows)} | ${m.seconds.toFixed(1)} | ${m.cpuSeconds.toFixed(1)} | ${fmt(m.trecRows / m.seconds)} | ${fmt(m.maxRssMb)} | ${m.bytes ? fmt(m.bytes / 1e6) : '—'} | ${target} |`,
    );
  }
  // Steady state: the rows and seconds the year adds to the 120 days (start-up costs — worker
  // start, JIT warm-up, the first chunks — cancel out).
  const { parquet, year } = measured;
  if (parquet && year) {
    const dr = year.trecRows - parquet.trecRows;
    const ds = year.seconds - parquet.seconds;
    rows.push(
      `| steady state (365 − 120 days) | ${fmt(dr)} | 0 | ${ds.toFixed(1)} | ${(year.cpuSeconds - parquet.cpuSeconds).toFixed(1)} | ${fmt(dr / ds)} | | | ≥ 2,000,000 rows/s |`,
    );
  }
  console.log(
    '| measurement | Trec rows | spectrum rows | seconds | CPU s | Trec rows/s | peak RSS (MB) | files (MB) | target |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const line of rows) console.log(line);
}
