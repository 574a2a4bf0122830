// Outlier quality: `npm run bench outliers-quality` (or node --import tsx bench/outliers-quality.ts).
// Precision and recall of isolated spikes (6–12 noise units) and false alarms per 1,000 points on
// the same series without spikes, per family of real behaviour (src/analytics/evaluation/
// outlier-families.ts), for the global robust z, Hampel windows, and the local baseline of the
// recipe's default (`local`, with orderBy: a cycle too short for the window is taken out first,
// see src/analytics/outliers/seasonal.ts) at several half-windows; plus a variant dividing by the
// MAD of first differences / √2 instead of the residuals' own MAD. BENCH_SERIES sets the series per
// family and kind (default 40).
import { hampelFilter, localOutlierScores, robustZScores } from '../src/analytics/index.js';
import { robustNoiseScale } from '../src/analytics/changepoint/noise-scale.js';
import { OUTLIER_FAMILIES } from '../src/analytics/evaluation/outlier-families.js';
import { outlierQuality, type OutlierFlagger } from '../src/analytics/evaluation/outlier-metrics.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 40);

/** The local baseline with the noise scale of the change-point defaults (MAD of differences / √2). */
const localOverDifferences =
  (h: number): OutlierFlagger =>
  (v) => {
    const { baseline } = localOutlierScores(v, h);
    const scale = robustNoiseScale(v);
    return baseline.map((b, i) => (Math.abs(v[i] - b) > 3.5 * scale ? 1 : 0));
  };

const METHODS: [string, OutlierFlagger][] = [
  ['robust-z (global)', (v) => robustZScores(v).flags],
  ['hampel h=3', (v) => hampelFilter(v, 3).flags],
  ['hampel h=7', (v) => hampelFilter(v, 7).flags],
  ['hampel h=7 t=3.5', (v) => hampelFilter(v, 7, 3.5).flags],
  ['local h=3', (v) => localOutlierScores(v, 3).flags],
  ['local h=5 (default)', (v) => localOutlierScores(v, 5).flags],
  ['local h=7', (v) => localOutlierScores(v, 7).flags],
  ['local h=10', (v) => localOutlierScores(v, 10).flags],
  ['local h=5, diff scale', localOverDifferences(5)],
];

const started = performance.now();
const header = ['family', ...METHODS.map(([name]) => name)];
const rows = OUTLIER_FAMILIES.map((family) => [
  family.name,
  ...METHODS.map(([, flag]) => {
    const q = outlierQuality(family, flag, SERIES);
    return `${q.precision.toFixed(2)} / ${q.recall.toFixed(2)} / ${q.falseAlarmsPer1000.toFixed(1)}`;
  }),
]);
console.log(
  `### Outliers: precision / recall of spikes / false alarms per 1,000 points without spikes (${SERIES} series per family and kind)\n`,
);
console.log(
  [
    '| ' + header.join(' | ') + ' |',
    '| ' + header.map(() => '---').join(' | ') + ' |',
    ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
  ].join('\n'),
);
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
