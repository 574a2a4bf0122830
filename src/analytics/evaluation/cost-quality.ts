import { detectChangePoints } from '../changepoint/detect.js';
import type { CostKind } from '../changepoint/costs.js';
import { COST_FAMILIES } from './cost-families.js';
import { SERIES_FAMILIES, type SeriesFamily } from './families.js';
import { cover, f1Score, truePositives } from './metrics.js';

/*
 * Change-point quality per cost (bench/_cost-quality.ts prints it, costs-protected.test.ts holds
 * floors on it): each cost on the families where its model means something: level shifts for
 * mean, robust and meanvar; spread changes for meanvar and var; counts for poisson (and the
 * Gaussian costs, which a user may run on counts too).
 */

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

/**
 * Scores every family with its costs, `perKind` series (seeds 1 … perKind) with and without
 * changes each; `detect` is the detector scored (another checkout's for a before/after); `only`
 * limits the costs scored.
 */
export function costQuality(
  perKind: number,
  detect: typeof detectChangePoints = detectChangePoints,
  only?: readonly CostKind[],
): CostRow[] {
  const rows: CostRow[] = [];
  const families: [SeriesFamily, CostKind[]][] = [
    ...SERIES_FAMILIES.map((f): [SeriesFamily, CostKind[]] => [f, COSTS_FOR[f.name] ?? LEVEL_COSTS]),
    ...COST_FAMILIES.map((f): [SeriesFamily, CostKind[]] => [f, COSTS_FOR[f.name] ?? SPREAD_COSTS]),
  ];
  for (const [family, costs] of families)
    for (const withChanges of [true, false]) {
      const series = Array.from({ length: perKind }, (_, k) => family.generate(k + 1, withChanges));
      for (const cost of only ? costs.filter((c) => only.includes(c)) : costs) {
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
