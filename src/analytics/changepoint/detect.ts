import { AnalyticsInputError, checkInteger, finiteSeries } from '../common/errors.js';
import { medianInPlace } from '../common/order-statistics.js';
import { COST_KINDS, COST_SHAPES, createCost, type CostKind } from './costs.js';
import { robustNoiseScale, standardDeviation } from './noise-scale.js';
import {
  blockMeanScale,
  CLIP_LIMIT,
  clipToRollingMedian,
  MAX_CLIP_HALF_WINDOW,
  MAX_SCALE_ROUNDS,
  residualNoise,
  SCALE_SETTLED,
  TREND_SETTLED,
} from './noise-model.js';
import { penaltyValue, type PenaltyKind } from './penalties.js';
import { pruneWanderingChanges } from './random-walk.js';
import { segmentationCost, type SearchResult } from './search.js';
import { searchWithin } from './search-within.js';
import { searchSpreadModel } from './spread-search.js';
import { searchRateModel } from './rate-search.js';
import { linearTrendStep } from './trend-fit.js';
import { ChangePointWorkspace, F64, sharedWorkspace } from './workspace.js';

/** Search algorithms. `auto` = FPOP for the mean cost, PELT otherwise (both exact). */
export type ChangePointMethod = 'auto' | 'pelt' | 'fpop' | 'binseg' | 'optimal-partitioning';

/** Every search algorithm name. */
export const CHANGE_POINT_METHODS: readonly ChangePointMethod[] = [
  'auto',
  'pelt',
  'fpop',
  'binseg',
  'optimal-partitioning',
];

/** How the noise scale is estimated when none is given (mean and robust costs; see README). */
export type NoiseModel = 'long-run' | 'white';

/** Every noise model name. */
export const NOISE_MODELS: readonly NoiseModel[] = ['long-run', 'white'];

/** Options of {@link detectChangePoints}; every field has a documented default. */
export interface ChangePointOptions {
  /** Default `auto` (FPOP for the mean cost, PELT otherwise); `pelt` and `fpop` run exactly those. */
  method?: ChangePointMethod;
  /** Segment model. Default `mean`. */
  cost?: CostKind;
  /** Penalty name or value per change point, on the unit-noise scale. Default `mbic`. */
  penalty?: PenaltyKind | number;
  /** Minimum segment length. Default: 5, lowered for short series to ⌊n/2⌋ (never below the cost's own minimum). */
  minSize?: number;
  /**
   * Noise standard deviation in the data's units; default: estimated (see `noiseModel`).
   * Mean and robust costs: used as is, without re-estimation or trend. Meanvar and var (scale-free):
   * only normalises. Ignored by the poisson cost.
   */
  noiseScale?: number;
  /**
   * `long-run` (default for the mean and robust costs): start from the MAD of first
   * differences, then re-estimate the scale from the residuals of the segmentation with their
   * lag-1 autocorrelation φ, σ·√((1 + φ)/(1 − φ)), and segment again until it settles, so
   * trends, slow wandering and autocorrelated noise are not cut into many segments.
   * `white`: the MAD of first differences only (independent noise; the earlier default).
   * The other costs' forms of `long-run` (README "Non-default costs"): meanvar and var fit the
   * common trend and search the AR(1) innovations; poisson fits a log-linear rate trend and a
   * quasi-Poisson dispersion. `white` turns those off.
   */
  noiseModel?: NoiseModel;
  /**
   * Mean cost: pull single-point outliers back to within 3 noise SDs of a centred rolling
   * median (half-window minSize − 1) before the search; meanvar and var: within 3 local SDs (the
   * spread of the neighbours). Default true; false keeps the data as is.
   */
  clipOutliers?: boolean;
  /**
   * At most this many changes (≥ 0). Binary segmentation stops after them; the exact searches
   * raise the penalty (bisection) to the smallest value that gives at most this many.
   */
  maxChanges?: number;
  /**
   * Scratch memory reused across calls, e.g. one workspace for a loop over thousands of
   * series: saves allocating and collecting the per-series buffers. Results never point into it.
   * Default: one workspace shared by the calls of this thread that pass none (held weakly, so the
   * garbage collector can still free it).
   */
  workspace?: ChangePointWorkspace;
}

/** One segment of the result, in the original units. */
export interface Segment {
  /** Index of its first point. */
  start: number;
  /** Index one past its last point (half-open [start, end)). */
  end: number;
  /** Number of points. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator; 0 for one point). */
  std: number;
}

/** Result of {@link detectChangePoints}. */
export interface ChangePointResult {
  /** 0-based index of the first point of each new segment, ascending. */
  changepoints: number[];
  segments: Segment[];
  /** Penalised objective on the normalised series: Σ segment costs + penalty · changes. */
  cost: number;
  /** Penalty per change actually used. */
  penalty: number;
  /** Noise scale the series was divided by; for the poisson cost √dispersion (1: Poisson counts). */
  noiseScale: number;
  /**
   * Lag-1 autocorrelation of the residuals behind `noiseScale` (0 unless the long-run model raised
   * it); meanvar and var: the φ of the AR(1) innovations searched.
   */
  autocorrelation: number;
  /**
   * Slope per point of the linear trend common to all segments that the long-run model
   * removed before segmenting (0 when none was worth its penalty). Segment means stay raw.
   * Poisson cost: the slope of the log rate.
   */
  trend: number;
  /** Points pulled back by the outlier clipping (0 when it is off). */
  clippedPoints: number;
  minSize: number;
  /** The search that ran (never `auto`). */
  method: Exclude<ChangePointMethod, 'auto'>;
  costKind: CostKind;
}

const DEFAULT_MIN_SIZE = 5;

/**
 * Offline change-point detection with robust defaults: single-point outliers are clipped to a
 * rolling median, the series is centred and divided by a noise scale that accounts for
 * autocorrelation (re-estimated from the residuals until it settles), then segmented by an
 * exact penalised search (FPOP for the mean cost, PELT otherwise) with an MBIC penalty and
 * a minimum segment of 5 points. NaN and ±Infinity are rejected with an
 * {@link AnalyticsInputError}; so are an empty series and a minimum segment longer than it.
 */
export function detectChangePoints(values: ArrayLike<number>, options: ChangePointOptions = {}): ChangePointResult {
  const data = finiteSeries(values);
  const n = data.length;
  if (n === 0) throw new AnalyticsInputError('cannot detect change points in an empty series');
  const kind = options.cost ?? 'mean';
  if (!COST_KINDS.includes(kind))
    throw new AnalyticsInputError(`unknown cost "${kind}"; use one of ${COST_KINDS.join(', ')}`);
  const method = options.method ?? 'auto';
  if (!CHANGE_POINT_METHODS.includes(method))
    throw new AnalyticsInputError(`unknown method "${method}"; use one of ${CHANGE_POINT_METHODS.join(', ')}`);
  if (method === 'fpop' && kind !== 'mean')
    throw new AnalyticsInputError('fpop handles the mean cost only; use pelt for other costs');
  const noiseModel = options.noiseModel ?? 'long-run';
  if (!NOISE_MODELS.includes(noiseModel))
    throw new AnalyticsInputError(`unknown noise model "${noiseModel}"; use one of ${NOISE_MODELS.join(', ')}`);
  const { noiseScale, maxChanges } = options;
  if (noiseScale !== undefined && !(Number.isFinite(noiseScale) && noiseScale > 0))
    throw new AnalyticsInputError(`noiseScale must be a positive number, got ${noiseScale}`);
  if (maxChanges !== undefined) checkInteger(maxChanges, 'maxChanges', 0);

  const ws = options.workspace ?? sharedWorkspace();
  const shape = COST_SHAPES[kind];
  const minSize = chooseMinSize(n, shape.shortestSegment, options.minSize);
  const basePenalty = penaltyValue(options.penalty ?? 'mbic', n, shape.parametersPerChange);
  const resolved = method === 'auto' ? (kind === 'mean' ? 'fpop' : 'pelt') : method;

  // The poisson cost works on the counts themselves.
  if (kind === 'poisson') {
    const rate = searchRateModel(data, {
      method: resolved,
      penalty: basePenalty,
      minSize,
      maxChanges,
      model: noiseModel === 'long-run',
      workspace: ws,
    });
    return result(data, rate.found, rate.penalty, rate.scale, rate.phi, rate.slope, 0, minSize, resolved, kind);
  }

  let scale = noiseScale ?? robustNoiseScale(data, ws.float64(F64.scratch, n));
  if (kind === 'meanvar' || kind === 'var') {
    const spread = searchSpreadModel(data, {
      kind,
      method: resolved,
      penalty: basePenalty,
      levelPenalty: penaltyValue(options.penalty ?? 'mbic', n, COST_SHAPES.mean.parametersPerChange),
      minSize,
      maxChanges,
      scale,
      clip: options.clipOutliers !== false,
      model: noiseModel === 'long-run',
      workspace: ws,
    });
    return result(
      data,
      spread.found,
      spread.penalty,
      scale,
      spread.phi,
      spread.slope,
      spread.clipped,
      minSize,
      resolved,
      kind,
    );
  }

  // Series the search sees: the data, or for the mean cost the data with spikes clipped.
  const clipHalfWindow = Math.min(minSize - 1, MAX_CLIP_HALF_WINDOW);
  let seen = data;
  let clipped = 0;
  if (kind === 'mean' && options.clipOutliers !== false && clipHalfWindow > 0) {
    seen = ws.float64(F64.clipped, n);
    clipped = clipToRollingMedian(data, clipHalfWindow, CLIP_LIMIT * scale, seen);
  }
  const scratch = ws.float64(F64.scratch, n);
  scratch.set(seen);
  const centre = medianInPlace(scratch, n);
  // (Only the mean and robust costs get here: the others returned above.)
  const longRun = noiseScale === undefined && noiseModel === 'long-run';
  if (longRun) scale = Math.max(scale, blockMeanScale(seen, blockLength(n, minSize), scratch));
  // `level` = the series minus the common trend (none until one is found).
  let level = seen;
  let slope = 0;
  const normalised = ws.float64(F64.normalised, n);
  const run = (series: Float64Array) => {
    for (let i = 0; i < n; i++) normalised[i] = (series[i] - centre) / scale;
    return searchWithin(resolved, kind, normalised, basePenalty, minSize, maxChanges, ws);
  };

  let { found, penalty } = run(level);
  let phi = 0;
  if (longRun) {
    // Alternate between the segmentation and the noise model around it:
    // 1. a linear trend common to all segments, taken when the search on the detrended series
    //    has a lower penalised cost, the trend itself paying one penalty (candidates: the
    //    slope within the current segments, and the slope of the whole series);
    // 2. the residual noise with its lag-1 autocorrelation: a clearly larger long-run scale
    //    means segment again. The scale only grows, so this settles in a few rounds.
    const trendStep = linearTrendStep(seen, ws, run);
    for (let round = 0; round < MAX_SCALE_ROUNDS; round++) {
      const step = trendStep({ found, penalty, slope, level }, TREND_SETTLED * scale);
      ({ found, penalty, slope, level } = step.fit);
      const noise = residualNoise(level, found.changes, {
        residuals: ws.float64(F64.residuals, n),
        absolute: ws.float64(F64.scratch, n),
      });
      if (noise.longRun > SCALE_SETTLED * scale) {
        scale = noise.longRun;
        phi = noise.phi;
        ({ found, penalty } = run(level));
      } else if (!step.moved) break;
    }
    // A wandering level (random walk) is not a staircase: keep only the changes that stand out
    // against a local-level model fitted within the segments just found (random-walk.ts). Its
    // models are Gaussian: for the robust cost (whose series is not clipped) they judge a
    // clipped copy, or heavy tails would pass for wandering.
    if (maxChanges === undefined && found.changes.length > 0) {
      let judged = level;
      if (kind === 'robust' && clipHalfWindow > 0) {
        judged = ws.float64(F64.reference, n);
        clipToRollingMedian(level, clipHalfWindow, CLIP_LIMIT * scale, judged);
      }
      const kept = pruneWanderingChanges(judged, found.changes, penalty, ws);
      if (kept.length < found.changes.length) {
        for (let i = 0; i < n; i++) normalised[i] = (level[i] - centre) / scale;
        found = { changes: [...kept], cost: segmentationCost(createCost(kind, normalised), kept, penalty) };
      }
    }
  }
  return result(data, found, penalty, scale, phi, slope, clipped, minSize, resolved, kind);
}

/** Block length for the block-mean scale: √n points, at least two minimum segments. */
const blockLength = (n: number, minSize: number) => Math.max(2 * minSize, Math.floor(Math.sqrt(n)));

function result(
  data: Float64Array,
  found: SearchResult,
  penalty: number,
  noiseScale: number,
  autocorrelation: number,
  trend: number,
  clippedPoints: number,
  minSize: number,
  method: Exclude<ChangePointMethod, 'auto'>,
  costKind: CostKind,
): ChangePointResult {
  return {
    changepoints: found.changes,
    segments: describeSegments(data, found.changes),
    cost: found.cost,
    penalty,
    noiseScale,
    autocorrelation,
    trend,
    clippedPoints,
    minSize,
    method,
    costKind,
  };
}

function chooseMinSize(n: number, shortest: number, requested: number | undefined): number {
  if (requested !== undefined) {
    checkInteger(requested, 'minSize', 1);
    if (requested > n) throw new AnalyticsInputError(`minSize ${requested} is larger than the series (${n} points)`);
    if (requested < shortest)
      throw new AnalyticsInputError(
        `this cost needs segments of at least ${shortest} points; minSize ${requested} is too small`,
      );
    return requested;
  }
  const size = Math.max(shortest, Math.min(DEFAULT_MIN_SIZE, Math.floor(n / 2)));
  if (size > n) throw new AnalyticsInputError(`this cost needs at least ${shortest} points, the series has ${n}`);
  return size;
}

/** Per-segment start, end, n, mean and standard deviation in the original units. */
export function describeSegments(values: ArrayLike<number>, changes: readonly number[]): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  for (const end of [...changes, values.length]) {
    let mean = 0;
    for (let i = start; i < end; i++) mean += values[i];
    mean /= end - start;
    segments.push({ start, end, n: end - start, mean, std: standardDeviation(values, start, end) });
    start = end;
  }
  return segments;
}
