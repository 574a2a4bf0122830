import { AnalyticsInputError, checkInteger, finiteSeries } from '../common/errors.js';
import { medianInPlace } from '../common/order-statistics.js';
import { binarySegmentation } from './binseg.js';
import { COST_KINDS, COST_SHAPES, createCost, type CostKind } from './costs.js';
import { fpop } from './fpop.js';
import { robustNoiseScale, standardDeviation } from './noise-scale.js';
import { optimalPartitioning } from './optimal-partitioning.js';
import { pelt } from './pelt.js';
import { penaltyValue, type PenaltyKind } from './penalties.js';
import type { SearchResult } from './search.js';
import { ChangePointWorkspace, F64 } from './workspace.js';

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

/** Options of {@link detectChangePoints}; every field has a documented default. */
export interface ChangePointOptions {
  /** Default `auto`. */
  method?: ChangePointMethod;
  /** Segment model. Default `mean`. */
  cost?: CostKind;
  /** Penalty name or value per change point, on the unit-noise scale. Default `mbic`. */
  penalty?: PenaltyKind | number;
  /** Minimum segment length. Default: 5, lowered for short series to ⌊n/2⌋ (never below the cost's own minimum). */
  minSize?: number;
  /** Noise standard deviation; default: estimated by the MAD of first differences. Ignored by the poisson cost. */
  noiseScale?: number;
  /** Binary segmentation only: stop after this many changes. */
  maxChanges?: number;
  /**
   * Scratch memory reused across calls, e.g. one workspace for a loop over thousands of
   * series: saves allocating and collecting the per-series buffers. Results never point into it.
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
  /** Noise scale the series was divided by (1 for the poisson cost). */
  noiseScale: number;
  minSize: number;
  method: Exclude<ChangePointMethod, 'auto'>;
  costKind: CostKind;
}

const DEFAULT_MIN_SIZE = 5;

/**
 * Offline change-point detection with robust defaults: the series is centred on its median
 * and divided by a robust noise scale (MAD of first differences), then segmented by an
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

  const ws = options.workspace ?? new ChangePointWorkspace();
  const { normalised, scale } = normalise(data, kind, options.noiseScale, ws);
  const shape = COST_SHAPES[kind];
  const minSize = chooseMinSize(n, shape.shortestSegment, options.minSize);
  const penalty = penaltyValue(options.penalty ?? 'mbic', n, shape.parametersPerChange);
  const resolved = method === 'auto' ? (kind === 'mean' ? 'fpop' : 'pelt') : method;
  let found: SearchResult;
  if (resolved === 'fpop') found = fpop({ data: normalised, penalty, minSize, workspace: ws });
  else {
    const cost = createCost(kind, normalised);
    if (resolved === 'pelt') found = pelt({ cost, penalty, minSize, workspace: ws });
    else if (resolved === 'binseg')
      found = binarySegmentation({ cost, penalty, minSize, maxChanges: options.maxChanges });
    else found = optimalPartitioning({ cost, penalty, minSize });
  }
  return {
    changepoints: found.changes,
    segments: describeSegments(data, found.changes),
    cost: found.cost,
    penalty,
    noiseScale: scale,
    minSize,
    method: resolved,
    costKind: kind,
  };
}

function normalise(
  data: Float64Array,
  kind: CostKind,
  noiseScale: number | undefined,
  ws: ChangePointWorkspace,
): { normalised: Float64Array; scale: number } {
  if (kind === 'poisson') return { normalised: data, scale: 1 };
  if (noiseScale !== undefined && !(Number.isFinite(noiseScale) && noiseScale > 0)) {
    throw new AnalyticsInputError(`noiseScale must be a positive number, got ${noiseScale}`);
  }
  const n = data.length;
  const scratch = ws.float64(F64.scratch, n);
  const scale = noiseScale ?? robustNoiseScale(data, scratch);
  // data is finite (checked above), so its median is that of a plain copy.
  scratch.set(data);
  const centre = medianInPlace(scratch, n);
  const normalised = ws.float64(F64.normalised, n);
  for (let i = 0; i < n; i++) normalised[i] = (data[i] - centre) / scale;
  return { normalised, scale };
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
