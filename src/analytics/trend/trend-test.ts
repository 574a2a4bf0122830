import { AnalyticsInputError, finiteSeries } from '../common/errors.js';
import { mannKendallSorting, type MannKendallResult } from './mann-kendall.js';
import { theilSenSorted, type TheilSenResult } from './theil-sen.js';

/** Mann–Kendall and Theil–Sen of one series, see {@link trendTest}. */
export interface TrendTestResult {
  mannKendall: MannKendallResult;
  /** Null when every x is equal: there is no slope, the test still stands. */
  theilSen: TheilSenResult | null;
}

/**
 * {@link mannKendall} of `y` and {@link theilSen} of `y` on `x`, exactly as those two give them,
 * sorting y once for both (the test's merge sort also gives the slope's ties and median of y).
 */
export function trendTest(y: ArrayLike<number>, x: ArrayLike<number>, confidence = 0.95): TrendTestResult {
  const ys = finiteSeries(y, 'y');
  const xs = finiteSeries(x, 'x');
  if (xs.length !== ys.length) throw new AnalyticsInputError(`x has ${xs.length} values and y ${ys.length}`);
  let sortedY = Float64Array.from(ys);
  const mannKendall = mannKendallSorting(ys, sortedY);
  // The merge sort keeps −0 and 0 in input order, a plain sort puts −0 first: as theilSen sorts.
  if (sortedY.some((v) => Object.is(v, -0))) sortedY = Float64Array.from(ys).sort();
  let distinct = false;
  for (let i = 1; i < xs.length && !distinct; i++) distinct = xs[i] !== xs[0];
  return { mannKendall, theilSen: distinct ? theilSenSorted(ys, xs, sortedY, { confidence }) : null };
}
