// Online detectors: `npm run bench analytics-online`. Throughput per series (one detector fed a
// whole series, wall clock and CPU time, medians of 3 runs), then false alarms per 1 000 points
// and detection delays on the synthetic stream families (src/analytics/online/stream-families.ts),
// then the offline BOCPD segmentation (`changepoints --method bocpd`) on spikes and steps.
// The machine is shared: wall-clock points/s fall with the load, CPU-time points/s much less.
import { bocpdChangePoints, createAnomalyLikelihood, createBocpd, createCusum } from '../src/analytics/index.js';
import { createRandom, type Random } from '../src/analytics/common/random.js';
import { piecewiseGaussian } from '../src/analytics/common/synthetic.js';
import { flaggedIndices, onlineQuality, onlineQualityTitle, type OnlineCandidate } from './_online-quality.js';

const table = (header: string[], rows: (string | number)[][]) =>
  console.log(
    [
      '| ' + header.join(' | ') + ' |',
      '| ' + header.map(() => '---').join(' | ') + ' |',
      ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
    ].join('\n') + '\n',
  );
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const perSecond = (points: number, ms: number) => Math.round((points / ms) * 1000).toLocaleString('en');

const CANDIDATES: OnlineCandidate[] = [
  { name: 'BOCPD (32 run lengths, default)', run: (v) => createBocpd().updateBatch(v).alarms },
  {
    name: 'BOCPD (400 run lengths, former default)',
    run: (v) => createBocpd({ maxRunLengths: 400 }).updateBatch(v).alarms,
  },
  { name: 'CUSUM (k 0.5, h 5)', run: (v) => createCusum().updateBatch(v).alarms },
  {
    name: 'anomaly likelihood (rate 1e-4)',
    run: (v) => flaggedIndices(createAnomalyLikelihood().updateBatch(v).alarms),
  },
];

// 1. Throughput.
{
  const random = createRandom(1);
  const inputs: [string, Float64Array][] = [
    ['stationary N(0,1), 10⁵', Float64Array.from({ length: 100_000 }, () => random.normal())],
    ['20 shifts of 3σ, 2·10⁵', piecewiseGaussian({ n: 200_000, changes: 20, seed: 4, meanShift: 3 }).values],
    // The anomaly likelihood's seasonal baseline (found after the probation) on its path.
    [
      'cycle of 24, amplitude 3σ, 10⁵',
      Float64Array.from({ length: 100_000 }, (_, i) => 3 * Math.sin((2 * Math.PI * i) / 24) + random.normal()),
    ],
  ];
  // Warm the JIT on a short series first, as a long-running process would be.
  for (const c of CANDIDATES) c.run(inputs[0][1].subarray(0, 5000));
  const rows: (string | number)[][] = [];
  for (const [label, values] of inputs) {
    for (const c of CANDIDATES) {
      const walls: number[] = [];
      const cpus: number[] = [];
      let alarms = 0;
      for (let k = 0; k < 3; k++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        alarms = c.run(values).length;
        walls.push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        cpus.push((used.user + used.system) / 1000);
      }
      // The target is for the default online paths (BOCPD with 32 run lengths, and the anomaly likelihood of
      // `analytics anomalies` and `detect-online`), on CPU time: wall time on a shared machine says more about the
      // load than about the detector, so it is printed beside it.
      const cpuRate = (values.length / median(cpus)) * 1000;
      const targeted = c === CANDIDATES[0] || c.name.startsWith('anomaly likelihood');
      rows.push([
        label,
        c.name,
        perSecond(values.length, median(walls)),
        perSecond(values.length, median(cpus)),
        targeted ? `≥ 100,000: ${cpuRate >= 100_000 ? 'met' : 'NOT met'}` : '–',
        alarms,
      ]);
    }
  }
  console.log(
    '### Throughput per series (one detector, whole series; medians of 3 runs; target: BOCPD and the anomaly likelihood ≥ 100,000 points/s per series)\n',
  );
  table(['input', 'detector', 'points/s (wall)', 'points/s (CPU time)', 'target (CPU time)', 'alarms'], rows);
}

// 2. False alarms and delays on the families (20 series of 5 000 points each).
{
  const quality = onlineQuality(CANDIDATES.filter((x) => !x.name.includes('400')));
  console.log(onlineQualityTitle(quality));
  table(['family', 'kind', 'BOCPD', 'CUSUM', 'anomaly likelihood'], quality.rows);
}

// 3. BOCPD segmentation of whole series: changes reported per series, and a 3σ step at n/2 found
// within ±5 points. Single spikes must not make changes (they are clipped to a rolling median first).
{
  const n = 1000;
  const seeds = 30;
  const spike = (r: Random) => (r.next() < 0.01 ? (r.next() < 0.5 ? -1 : 1) * (6 + 9 * r.next()) : 0);
  const t3 = (r: Random) => r.normal() / Math.sqrt((r.normal() ** 2 + r.normal() ** 2 + r.normal() ** 2) / 3);
  const families: [string, (r: Random, i: number) => number][] = [
    ['gaussian, no change', (r) => r.normal()],
    ['gaussian + 1 % spikes of 6–15σ', (r) => r.normal() + spike(r)],
    ['heavy-tailed t3, no change', (r) => t3(r)],
    ['step 3σ', (r, i) => r.normal() + (i >= n / 2 ? 3 : 0)],
    ['step 3σ + 1 % spikes', (r, i) => r.normal() + (i >= n / 2 ? 3 : 0) + spike(r)],
  ];
  const rows = families.map(([name, value]) => {
    let changes = 0;
    let found = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = createRandom(seed);
      const changePoints = bocpdChangePoints(Float64Array.from({ length: n }, (_, i) => value(r, i)));
      changes += changePoints.length;
      if (changePoints.some((c) => Math.abs(c - n / 2) <= 5)) found++;
    }
    return [name, (changes / seeds).toFixed(2), name.startsWith('step') ? `${found}/${seeds}` : '–'];
  });
  console.log(`### BOCPD segmentation (changepoints --method bocpd), ${seeds} × ${n} points per family\n`);
  table(['family', 'changes per series', 'step at n/2 found (±5)'], rows);
}
