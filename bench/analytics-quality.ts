// Change-point quality: `npm run bench analytics-quality` (or node --import tsx bench/analytics-quality.ts).
// Scores the default `detectChangePoints` with F1 (margin 5) and Cover as defined by van den Burg &
// Williams (2020) on synthetic families that imitate real data (src/analytics/evaluation/families.ts),
// each with and without changes, next to the "no change" baseline in the same table.
import { detectChangePoints } from '../src/analytics/index.js';
import { SERIES_FAMILIES, type LabelledSeries } from '../src/analytics/evaluation/families.js';
import { cover, f1Score } from '../src/analytics/evaluation/metrics.js';

const SERIES_PER_KIND = 50;

const table = (header: string[], rows: (string | number)[][]) =>
  console.log(
    [
      '| ' + header.join(' | ') + ' |',
      '| ' + header.map(() => '---').join(' | ') + ' |',
      ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
    ].join('\n') + '\n',
  );

interface Scored {
  f1: number;
  cover: number;
  baselineF1: number;
  baselineCover: number;
  found: number;
}

function score(series: LabelledSeries): Scored {
  const found = detectChangePoints(series.values).changepoints;
  const n = series.values.length;
  return {
    f1: f1Score([series.changes], found).f1,
    cover: cover([series.changes], found, n),
    baselineF1: f1Score([series.changes], []).f1,
    baselineCover: cover([series.changes], [], n),
    found: found.length,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(3);

function summarise(label: string, kind: string, scored: Scored[], quiet: boolean): (string | number)[] {
  const atMostOne = scored.filter((s) => s.found <= 1).length / scored.length;
  return [
    label,
    kind,
    scored.length,
    f(mean(scored.map((s) => s.f1))),
    f(mean(scored.map((s) => s.cover))),
    f(mean(scored.map((s) => s.baselineF1))),
    f(mean(scored.map((s) => s.baselineCover))),
    mean(scored.map((s) => s.found)).toFixed(2),
    quiet ? `${(100 * atMostOne).toFixed(0)} %` : '',
  ];
}

const started = performance.now();
const rows: (string | number)[][] = [];
const all: Scored[] = [];
const withChanges: Scored[] = [];
const quietShares: number[] = [];
for (const family of SERIES_FAMILIES) {
  for (const changes of [true, false]) {
    const scored: Scored[] = [];
    for (let seed = 1; seed <= SERIES_PER_KIND; seed++) scored.push(score(family.generate(seed, changes)));
    rows.push(summarise(family.name, changes ? 'changes' : 'no change', scored, !changes));
    all.push(...scored);
    if (changes) withChanges.push(...scored);
    else quietShares.push(scored.filter((s) => s.found <= 1).length / scored.length);
  }
}
rows.push(summarise('**overall, series with changes**', 'changes', withChanges, false));
rows.push(summarise('**overall, all series**', 'both', all, false));

console.log(`### Default detectChangePoints on synthetic families (${SERIES_PER_KIND} series per row)\n`);
table(
  [
    'family',
    'kind',
    'series',
    'F1 (margin 5)',
    'Cover',
    '"no change" F1',
    '"no change" Cover',
    'changes found (mean)',
    '≤ 1 change found',
  ],
  rows,
);
const overallF1 = mean(all.map((s) => s.f1));
const overallCover = mean(all.map((s) => s.cover));
console.log('Acceptance (issue 13):');
console.log(
  `- every no-change family ≤ 1 change point in ≥ 90 % of series: ${quietShares.every((s) => s >= 0.9) ? 'PASS' : 'FAIL'} (worst ${(100 * Math.min(...quietShares)).toFixed(0)} %)`,
);
console.log(`- overall F1 ≥ 0.85: ${overallF1 >= 0.85 ? 'PASS' : 'FAIL'} (${f(overallF1)})`);
console.log(`- overall Cover ≥ 0.80: ${overallCover >= 0.8 ? 'PASS' : 'FAIL'} (${f(overallCover)})`);
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
