import { medianInPlace } from '../common/order-statistics.js';
import type { ChangePointMethod } from './detect.js';
import { MAX_CLIP_HALF_WINDOW, MAX_SCALE_ROUNDS, residualNoise, SCALE_SETTLED, TREND_SETTLED } from './noise-model.js';
import { pruneWanderingChanges } from './random-walk.js';
import { segmentationCost, type SearchResult } from './search.js';
import { createCost } from './costs.js';
import { searchWithin } from './search-within.js';
import { clipToLocalSpread, prewhiten } from './spread-model.js';
import { linearTrendStep } from './trend-fit.js';
import { F64, type ChangePointWorkspace } from './workspace.js';

/** Inputs of {@link searchSpreadModel}, resolved by detectChangePoints. */
export interface SpreadSearchOptions {
  kind: 'meanvar' | 'var';
  method: Exclude<ChangePointMethod, 'auto'>;
  penalty: number;
  /** The same penalty for a change of level alone (the mean cost's), for the wandering-level check. */
  levelPenalty: number;
  minSize: number;
  maxChanges: number | undefined;
  /** Noise scale the series is divided by (the variance costs are scale-free; it keeps the variance floor meaningful). */
  scale: number;
  /** Clip spikes against their local spread first. */
  clip: boolean;
  /** Fit the common trend and the AR(1) noise (noiseModel `long-run`); false: search the (clipped) series as is. */
  model: boolean;
  workspace: ChangePointWorkspace;
}

/** What the variance-cost search found, with the noise model it settled on. */
export interface SpreadSearchResult {
  found: SearchResult;
  penalty: number;
  /** AR(1) coefficient of the innovations searched (0: the series itself). */
  phi: number;
  /** Common linear trend removed first (per point). */
  slope: number;
  clipped: number;
}

/**
 * Limit of the spike clipping in local SDs, the mean cost's 3. Measured on the families
 * (bench/_cost-quality.ts, meanvar, spread changes with 5–10 SD spikes): 0.38, 0.52 and 0.64 false
 * changes per series at limits 3, 4 and 5, while 3 took little from real spread changes (only
 * 10–25-point segments lose a little).
 */
const SPREAD_CLIP_LIMIT = 3;

/**
 * Change points under the `meanvar` or `var` cost with the same protections as the mean cost's
 * default, in the form a variance model needs (README "Non-default costs"):
 * 1. spikes clipped against their local spread (spread-model.ts);
 * 2. a common linear trend, kept when the search on the detrended series plus one penalty for the
 *    slope costs less (a variance cost sees a drift as extra variance everywhere);
 * 3. AR(1) noise: the lag-1 autocorrelation φ of the residuals of the segmentation; when it
 *    raises the long-run factor √((1 + φ)/(1 − φ)) by more than 5 %, the search runs on the
 *    innovations x_i − φ·x_{i−1} instead, and again until φ settles (it only grows);
 * 4. meanvar: the wandering-level check, variance changes kept (below).
 */
export function searchSpreadModel(data: Float64Array, o: SpreadSearchOptions): SpreadSearchResult {
  const n = data.length;
  const ws = o.workspace;
  const clipHalfWindow = Math.min(o.minSize - 1, MAX_CLIP_HALF_WINDOW);
  let seen = data;
  let clipped = 0;
  if (o.clip && clipHalfWindow > 0) {
    seen = ws.float64(F64.clipped, n);
    clipped = clipToLocalSpread(
      data,
      clipHalfWindow,
      SPREAD_CLIP_LIMIT,
      o.scale,
      seen,
      ws.float64(F64.reference, n),
      ws.float64(F64.spread, n),
    );
  }
  const scratch = ws.float64(F64.scratch, n);
  scratch.set(seen);
  const centre = medianInPlace(scratch, n);
  const normalised = ws.float64(F64.normalised, n);
  let phi = 0;
  // The series the search sees: centred, prewhitened once φ is known, on the noise scale.
  const prepare = (series: Float64Array) => {
    if (phi > 0) {
      prewhiten(series, centre, phi, normalised);
      for (let i = 0; i < n; i++) normalised[i] /= o.scale;
    } else for (let i = 0; i < n; i++) normalised[i] = (series[i] - centre) / o.scale;
    return normalised;
  };
  const run = (series: Float64Array) =>
    searchWithin(o.method, o.kind, prepare(series), o.penalty, o.minSize, o.maxChanges, ws);

  let { found, penalty } = run(seen);
  let slope = 0;
  if (!o.model) return { found, penalty, phi, slope, clipped };
  let level = seen;
  const longRunFactor = (p: number) => Math.sqrt((1 + p) / (1 - p));
  const trendStep = linearTrendStep(seen, ws, run);
  for (let round = 0; round < MAX_SCALE_ROUNDS; round++) {
    const step = trendStep({ found, penalty, slope, level }, TREND_SETTLED * o.scale);
    ({ found, penalty, slope, level } = step.fit);
    const noise = residualNoise(level, found.changes, {
      residuals: ws.float64(F64.residuals, n),
      absolute: ws.float64(F64.scratch, n),
    });
    if (longRunFactor(noise.phi) > SCALE_SETTLED * longRunFactor(phi)) {
      phi = noise.phi;
      ({ found, penalty } = run(level));
    } else if (!step.moved) break;
  }
  // 4. A wandering level is not a staircase (random-walk.ts, as for the mean cost), judged as
  //    level changes (the mean cost's penalty); a change across which the spread alone differs
  //    by more than that penalty is a variance change, which a walk of constant spread cannot
  //    explain, and stays.
  if (o.kind === 'meanvar' && o.maxChanges === undefined && found.changes.length > 0) {
    const kept = new Set(pruneWanderingChanges(level, found.changes, o.levelPenalty, ws));
    if (kept.size < found.changes.length) {
      for (const c of spreadChanges(level, found.changes, o.levelPenalty)) kept.add(c);
      const changes = [...kept].sort((a, b) => a - b);
      found = { changes, cost: segmentationCost(createCost(o.kind, prepare(level)), changes, penalty) };
    }
  }
  return { found, penalty, phi, slope, clipped };
}

/**
 * The changes of `changes` across which the spread differs by more than `threshold` on its own:
 * twice the log-likelihood ratio of separate variances against one pooled variance for the two
 * segments around the change (each around its own mean).
 */
export function spreadChanges(data: Float64Array, changes: readonly number[], threshold: number): number[] {
  const bounds = [0, ...changes, data.length];
  const squares: number[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    let mean = 0;
    for (let i = bounds[k]; i < bounds[k + 1]; i++) mean += data[i];
    mean /= bounds[k + 1] - bounds[k];
    let ss = 0;
    for (let i = bounds[k]; i < bounds[k + 1]; i++) ss += (data[i] - mean) ** 2;
    squares.push(ss);
  }
  const logVariance = (ss: number, m: number) => Math.log(Math.max(ss / m, Number.MIN_VALUE));
  return changes.filter((_, k) => {
    const a = bounds[k + 1] - bounds[k];
    const b = bounds[k + 2] - bounds[k + 1];
    const ratio =
      (a + b) * logVariance(squares[k] + squares[k + 1], a + b) -
      a * logVariance(squares[k], a) -
      b * logVariance(squares[k + 1], b);
    return ratio > threshold;
  });
}
