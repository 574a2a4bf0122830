import { commonTrend } from './noise-model.js';
import type { SearchResult } from './search.js';
import { F64, type ChangePointWorkspace } from './workspace.js';

/** A segmentation found under a common trend (slope 0: none). */
export interface TrendFit {
  found: SearchResult;
  /** Penalty per change of that search (also what the trend itself pays). */
  penalty: number;
  slope: number;
}

/**
 * The common-trend step of the noise models (README "Defaults and why", 3): the best of
 * `current` and a fit with each candidate slope, where a fit with a slope pays one penalty for
 * it, so that a drift is one parameter rather than a staircase. Candidates within `settled`
 * (|slope difference| × n, in the model's units over the series) of the best so far are not
 * tried. `fit(slope, best)` segments with that slope; `best` is the fit to keep intact (its
 * buffers must not be overwritten). Returns `current` itself when no candidate does better.
 */
export function bestTrendFit<T extends TrendFit>(
  current: T,
  candidates: readonly number[],
  n: number,
  settled: number,
  fit: (slope: number, best: T) => T,
): T {
  let best = current;
  let bestCost = current.found.cost + (current.slope !== 0 ? current.penalty : 0);
  for (const candidate of candidates) {
    if (Math.abs(candidate - best.slope) * n <= settled) continue;
    const tried = fit(candidate, best);
    const total = tried.found.cost + (candidate !== 0 ? tried.penalty : 0);
    if (total < bestCost - 1e-9 * Math.abs(bestCost)) {
      bestCost = total;
      best = tried;
    }
  }
  return best;
}

/** A segmentation of `level`: the series searched, with its common trend removed. */
export interface LevelFit extends TrendFit {
  level: Float64Array;
}

/**
 * The common-trend step for costs that search the series itself (mean, robust, meanvar, var):
 * candidates are the slope shared by the current segments (pooled within-segment regression,
 * which level shifts do not bias), the whole series' slope and none; each detrended series is
 * written to one of two workspace buffers, never the one the best fit holds. `step(current,
 * settled)` returns the best fit (its `level` is `seen` itself when the slope is 0) and whether
 * the trend moved.
 */
export function linearTrendStep(
  seen: Float64Array,
  workspace: ChangePointWorkspace,
  run: (series: Float64Array) => { found: SearchResult; penalty: number },
): (current: LevelFit, settled: number) => { fit: LevelFit; moved: boolean } {
  const n = seen.length;
  const buffers = [workspace.float64(F64.detrended, n), workspace.float64(F64.candidate, n)];
  const middle = (n - 1) / 2;
  // The whole series' slope depends on `seen` alone: once for all rounds.
  const wholeSlope = commonTrend(seen, []).slope;
  const fit = (candidate: number, best: LevelFit): LevelFit => {
    const detrended = best.level === buffers[0] ? buffers[1] : buffers[0];
    for (let i = 0; i < n; i++) detrended[i] = seen[i] - candidate * (i - middle);
    return { ...run(detrended), slope: candidate, level: detrended };
  };
  return (current, settled) => {
    const candidates = [commonTrend(seen, current.found.changes).slope, wholeSlope, 0];
    const best = bestTrendFit(current, candidates, n, settled, fit);
    return { fit: best.slope === 0 ? { ...best, level: seen } : best, moved: best !== current };
  };
}
