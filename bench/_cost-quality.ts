// Change-point quality per cost: each non-default cost on the families where it means something
// (level shifts: mean, robust, meanvar; spread changes: meanvar, var; counts: poisson, mean), F1
// (margin 5), Cover, changes found and false changes (found minus those within 5 points of a true
// one) per family and kind. Imported by bench/analytics-quality.ts; alone:
// `node --import tsx bench/_cost-quality.ts` (BENCH_SERIES series per row, default 50; BENCH_BASE=/path
// scores the detectChangePoints of another checkout instead, e.g. a copy of main's src/, for a before/after).
import { pathToFileURL } from 'node:url';
import { detectChangePoints, type CostKind } from '../src/analytics/index.js';
import { COST_FAMILIES } from '../src/analytics/evaluation/cost-families.js';
import { SERIES_FAMILIES, type SeriesFamily } from '../src/analytics/evaluation/families.js';
import { cover, f1Score, truePositives } from '../src/analytics/evaluation/metrics.js';

const detect: typeof detectChangePoints = process.env.BENCH_BASE
  ? (
      (await import(`${process.env.BENCH_BASE}/src/analytics/index.ts`)) as {
        detectChangePoints: typeof detectChangePoints;
      }
    ).detectChangePoints
  : detectChangePoints;

/** Costs scored on each family: the ones whose model the family's annotated changes fit. */
const COSTS_FOR: Record<string, CostKind[]> = {
  counts: ['mean', 'robust', 'meanvar', 'poisson'],
  'counts + trend': ['mean', 'meanvar', 'poisson'],
  'counts, overdispersed': ['mean', 'meanvar', 'poisson'],
};
const LEVEL_COSTS: CostKind[] = ['mean', 'robust', 'meanvar'];
const SPREAD_COSTS: CostKind[] = ['meanvar', 'var'];

/** One family × kind × cost: means over its series. */
export interface CostRow {
  family: string;
  withChanges: boolean;
  cost: CostKind;
  f1: number;
  cover: number;
  found: number;
  falseChanges: number;
  /** Share of series with at most one change found (meaningful for no-change rows). */
  quiet: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Scores every family with its costs, `perKind` series with and without changes each. */
export function costQuality(perKind: number): CostRow[] {
  const rows: CostRow[] = [];
  const families: [SeriesFamily, CostKind[]][] = [
    ...SERIES_FAMILIES.map((f): [SeriesFamily, CostKind[]] => [f, COSTS_FOR[f.name] ?? LEVEL_COSTS]),
    ...COST_FAMILIES.map((f): [SeriesFamily, CostKind[]] => [f, COSTS_FOR[f.name] ?? SPREAD_COSTS]),
  ];
  for (const [family, costs] of families)
    for (const withChanges of [true, false]) {
      const series = Array.from({ length: perKind }, (_, k) => family.generate(k + 1, withChanges));
      for (const cost of costs) {
        const scores = series.map((s) => {
          const found = detect(s.values, { cost }).changepoints;
          const hits = truePositives(s.changes, found, 5).size;
          return {
            f1: f1Score([s.changes], found).f1,
            cover: cover([s.changes], found, s.values.length),
            found: found.length,
            falseChanges: found.length - hits,
          };
        });
        rows.push({
          family: family.name,
          withChanges,
          cost,
          f1: mean(scores.map((s) => s.f1)),
          cover: mean(scores.map((s) => s.cover)),
          found: mean(scores.map((s) => s.found)),
          falseChanges: mean(scores.map((s) => s.falseChanges)),
          quiet: scores.filter((s) => s.found <= 1).length / scores.length,
        });
      }
    }
  return rows;
}

/** The rows as a Markdown table. */
export function costQualityTable(rows: CostRow[]): string {
  const lines = [
    '| family | kind | cost | F1 (margin 5) | Cover | changes found (mean) | false changes (mean) | ≤ 1 change found |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.family} | ${r.withChanges ? 'changes' : 'no change'} | ${r.cost} | ${r.f1.toFixed(3)} | ${r.cover.toFixed(3)} | ${r.found.toFixed(2)} | ${r.falseChanges.toFixed(2)} | ${r.withChanges ? '' : `${(100 * r.quiet).toFixed(0)} %`} |`,
    );
  return lines.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  console.log(costQualityTable(costQuality(Number(process.env.BENCH_SERIES ?? 50))));
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
