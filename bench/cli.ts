/**
 * Start-up of the `llano` command, run as a user runs it: a child `node bin/llano.js …` per
 * measurement, the compiled JavaScript (dist/) against the TypeScript sources through tsx
 * (LLANO_FROM_SOURCE=1), both measured in this run, alternating, median of BENCH_RUNS (default 5).
 *   npm run bench cli
 *   node --import tsx bench/cli.ts --before /tmp/llano-before   (adds a checkout of an older Llano)
 * Wall time is what a user waits; CPU time (user + system of the child) is what a loaded
 * machine cannot hide. BENCH_IMPORT_MB (default 100) sizes the larger CSV of the import rows
 * (the other is a quarter of it): peak RSS growing with the file means it is held in memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const importMb = Number(process.env.BENCH_IMPORT_MB ?? 100);
const beforeAt = process.argv.indexOf('--before');
const beforeRoot = beforeAt > 0 ? path.resolve(process.argv[beforeAt + 1]) : null;

/** One way of running llano: a checkout and the environment that picks compiled or sources. */
interface Variant {
  name: string;
  bin: string;
  env: NodeJS.ProcessEnv;
  /** An older checkout may lack a command: its failures are shown, not fatal. */
  older?: boolean;
}

const variants: Variant[] = [
  { name: 'compiled (dist/)', bin: path.join(ROOT, 'bin', 'llano.js'), env: {} },
  { name: 'sources (tsx)', bin: path.join(ROOT, 'bin', 'llano.js'), env: { LLANO_FROM_SOURCE: '1' } },
  ...(beforeRoot
    ? [
        {
          name: `before (${path.basename(beforeRoot)})`,
          bin: path.join(beforeRoot, 'bin', 'llano.js'),
          env: {},
          older: true,
        },
      ]
    : []),
];

/** Preloaded into every child: reports its CPU time and peak RSS on stderr when it exits. */
const REPORT = `data:text/javascript,${encodeURIComponent(
  "process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write(`\\n@bench cpu=${(u.userCPUTime+u.systemCPUTime)/1000} rss=${u.maxRSS}\\n`)})",
)}`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  /** Exit code of a failed run (an older checkout without the command). */
  failed?: number;
}

function parseReport(stderr: string): { cpuMs: number; rssMb: number } {
  const m = /@bench cpu=([\d.]+) rss=(\d+)/.exec(stderr);
  if (!m) throw new Error(`no report from the child:\n${stderr}`);
  return { cpuMs: Number(m[1]), rssMb: Number(m[2]) / 1024 };
}

/** Runs `llano args` to its end. */
function runOnce(v: Variant, args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT, v.bin, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...v.env, ...env },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - start;
  if (r.status !== 0 && !v.older)
    throw new Error(`llano ${args.join(' ')} (${v.name}) exited with ${r.status}:\n${r.stderr}`);
  return { wallMs, ...parseReport(r.stderr), ...(r.status !== 0 ? { failed: r.status ?? -1 } : {}) };
}

/** Starts `llano serve` and times spawn → /api/health answers; then stops it. */
async function serverReady(v: Variant, home: string): Promise<Sample> {
  const start = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', REPORT, v.bin, 'serve', '--home', home, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, ...v.env, LLANO_ADMIN_PASSWORD: 'bench-password' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const healthy = async (): Promise<number> => {
    for (;;) {
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      if (
        url &&
        (await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        ))
      )
        return performance.now() - start;
      if (child.exitCode !== null) throw new Error(`serve exited:\n${out}${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const wallMs = await healthy();
  child.kill('SIGTERM');
  await exited;
  return { wallMs, ...parseReport(err) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall, CPU and RSS of each variant over `n` alternating runs. */
async function measure(n: number, one: (v: Variant) => Sample | Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[][] = variants.map(() => []);
  for (let i = 0; i < n; i++) for (const [j, v] of variants.entries()) samples[j].push(await one(v));
  return samples.map((s) => ({
    wallMs: median(s.map((x) => x.wallMs)),
    cpuMs: median(s.map((x) => x.cpuMs)),
    rssMb: median(s.map((x) => x.rssMb)),
    failed: s.find((x) => x.failed !== undefined)?.failed,
  }));
}

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const cell = (s: Sample) =>
  s.failed !== undefined
    ? `fails (exit ${s.failed})`
    : `${ms(s.wallMs)} (cpu ${ms(s.cpuMs)}, rss ${Math.round(s.rssMb)} MB)`;

async function writeCsv(file: string, mb: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('antenna,band,trec_x,note\n');
  let written = 0;
  for (let i = 0; written < mb * 1e6; i++) {
    const line = `DA${i % 66},${(i % 10) + 1},${(30 + (i % 97) / 7).toFixed(4)},row-${i}\n`;
    written += line.length;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function main(): Promise<void> {
  // The compiled variant must run the current sources.
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'build.js'), '--if-stale'], { stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-bench-cli-'));
  try {
    const series = path.join(dir, 'series.csv');
    writeFileSync(
      series,
      't,value\n' +
        Array.from({ length: 100 }, (_, i) => `${i},${(i < 50 ? 10 : 14) + Math.sin(i * 7.3)}`).join('\n') +
        '\n',
    );
    const home = path.join(dir, 'ws');
    const env = { LLANO_ADMIN_PASSWORD: 'bench-password', LLANO_PROJECT: 'BENCH' };
    runOnce(variants[0], ['--home', home, 'project', 'create', 'BENCH'], env);
    runOnce(variants[0], ['--home', home, 'dataset', 'import', 'series', series], env);

    const rows: string[][] = [];
    const row = (name: string, target: string, samples: Sample[]) => {
      rows.push([name, ...samples.map((s) => cell(s)), target]);
      console.error(`measured ${name}`);
    };
    // The reference: Node itself starting an empty script, measured in this run (same load).
    const nodeAlone: Variant = { name: 'node', bin: '-e', env: {} };
    row('reference: `node -e ""` (Node alone)', '', await measure(runs, () => runOnce(nodeAlone, [''])));
    row('llano --help', '≤ 150 ms', await measure(runs, (v) => runOnce(v, ['--help'])));
    row('llano --version', '≤ 150 ms', await measure(runs, (v) => runOnce(v, ['--version'])));
    row(
      'llano analytics changepoints (100 points)',
      '≤ 300 ms',
      await measure(runs, (v) => runOnce(v, ['analytics', 'changepoints', series, '--column', 'value'])),
    );
    row(
      'llano dataset head (local workspace)',
      '',
      await measure(runs, (v) => runOnce(v, ['--home', home, 'dataset', 'head', 'series', '-n', '5'], env)),
    );
    row(
      'llano serve: health answers (existing workspace)',
      '≤ 1.5 s',
      await measure(runs, (v) => serverReady(v, home)),
    );

    // Two sizes: what a local import holds in memory shows as RSS growing with the file.
    let k = 0;
    for (const mb of [importMb / 4, importMb]) {
      const big = path.join(dir, `big-${mb}.csv`);
      await writeCsv(big, mb);
      row(
        `llano dataset import, ${mb} MB CSV (local)`,
        mb === importMb ? 'rss not growing with the file' : '',
        await measure(Math.min(runs, 3), (v) =>
          runOnce(v, ['--home', home, 'dataset', 'import', `big${k++}`, big], env),
        ),
      );
      rmSync(big);
    }

    const header = ['case', ...variants.map((v) => v.name), 'target'];
    console.log(`### llano start-up: wall time (CPU time, peak RSS), median of ${runs} runs as child processes\n`);
    console.log(
      [
        '| ' + header.join(' | ') + ' |',
        '| ' + header.map(() => '---').join(' | ') + ' |',
        ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
