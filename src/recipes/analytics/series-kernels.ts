import {
  AnalyticsInputError,
  ChangePointWorkspace,
  detectChangePoints,
  hampelFilter,
  iqrOutliers,
  localOutlierScores,
  robustScaleAndSource,
  robustZScores,
  trendTest,
  tukeyFences,
  type ChangePointMethod,
  type CostKind,
  type NoiseModel,
  type OutlierScores,
  type PenaltyKind,
} from '../../analytics/index.js';

/**
 * The per-series work of the analysis recipes, as plain functions of plain data: the same code
 * runs in the recipe's thread and in worker threads (series-worker.ts), which is what keeps a
 * parallel build's output identical to a single-threaded one.
 */

/** Consecutive groups of a grouped read: group g of the batch is rows starts[g] … starts[g + 1] − 1. */
export interface SeriesBatch {
  /** Group id of the batch's first group. */
  firstGroup: number;
  starts: Int32Array;
  values: Float64Array;
  order: Float64Array | null;
}

/** Result columns of a batch, each `rows` long (numbers; NaN = NULL). */
export interface KernelOutput {
  rows: number;
  columns: Float64Array[];
}

export interface ChangepointKernel {
  kind: 'changepoints';
  method?: ChangePointMethod;
  cost?: CostKind;
  penalty?: PenaltyKind | number;
  minSize?: number;
  maxChanges?: number;
  noiseScale?: number;
  noiseModel?: NoiseModel;
}

export interface TrendKernel {
  kind: 'trend';
  alpha: number;
  /** Order units per day: Theil–Sen slopes are per day for dates and times. */
  perDay: number;
}

export interface OutlierKernel {
  kind: 'outliers';
  method: 'robust-z' | 'hampel' | 'iqr' | 'local';
  threshold?: number;
  /** local and hampel: points each side (their own defaults when not given). */
  window?: number;
}

/** The per-series part of robust-z and iqr: each series' centre and scale, or fences. */
export interface OutlierScaleKernel {
  kind: 'outlier-scales';
  method: 'robust-z' | 'iqr';
  /** iqr: the fence factor k. */
  threshold?: number;
  /**
   * The series' rows are in no particular order (see GroupedRead.unordered): robust-z then puts
   * 1 in column c of a series whose numbers may depend on the order in their last bit (the
   * fallback scale, a sum; a median of 0 among both −0 and +0), for the caller to compute in order.
   */
  unordered?: boolean;
}

/** Which analysis and its parameters: JSON, so that it can be posted to a worker. */
export type KernelSpec = ChangepointKernel | TrendKernel | OutlierKernel | OutlierScaleKernel;

/** Fewer points than this give a trend row with n and no statistics. */
export const TREND_MIN_POINTS = 3;

/** Output columns of each kernel, in order (changepoints and trend: `gid` first). */
export const KERNEL_COLUMNS = {
  changepoints: ['gid', 'change_index', 'change_at', 'mean_before', 'mean_after', 'points_before', 'points_after'],
  trend: ['gid', 'mk_s', 'mk_z', 'mk_p_value', 'kendall_tau', 'slope', 'slope_lower', 'slope_upper'],
  /** Aligned with the batch's rows. */
  outliers: ['outlier_score', 'is_outlier'],
  /**
   * One row per group, in group order: robust-z (median, scale, NaN; 1 when unordered and the
   * scale needs the order), iqr (lower fence, upper fence, IQR).
   */
  'outlier-scales': ['a', 'b', 'c'],
} as const satisfies Record<KernelSpec['kind'], readonly string[]>;

/** Grows columns row by row. */
class Rows {
  rows = 0;
  columns: Float64Array[];
  constructor(width: number, capacity: number) {
    this.columns = Array.from({ length: width }, () => new Float64Array(Math.max(16, capacity)));
  }
  push(...values: number[]): void {
    if (this.rows === this.columns[0].length)
      this.columns = this.columns.map((c) => {
        const bigger = new Float64Array(c.length * 2);
        bigger.set(c);
        return bigger;
      });
    for (let j = 0; j < values.length; j++) this.columns[j][this.rows] = values[j];
    this.rows++;
  }
  done(): KernelOutput {
    return { rows: this.rows, columns: this.columns.map((c) => c.slice(0, this.rows)) };
  }
}

export function runKernel(spec: KernelSpec, batch: SeriesBatch): KernelOutput {
  if (spec.kind === 'changepoints') return changepoints(spec, batch);
  if (spec.kind === 'trend') return trend(spec, batch);
  if (spec.kind === 'outlier-scales') return outlierScales(spec, batch);
  return outliers(spec, batch);
}

function changepoints(p: ChangepointKernel, batch: SeriesBatch): KernelOutput {
  const { starts, values, order, firstGroup } = batch;
  const groups = starts.length - 1;
  const out = new Rows(KERNEL_COLUMNS.changepoints.length, groups * 2);
  const workspace = new ChangePointWorkspace();
  for (let g = 0; g < groups; g++) {
    const from = starts[g];
    const n = starts[g + 1] - from;
    if (n < 2) continue;
    let found;
    try {
      found = detectChangePoints(values.subarray(from, from + n), {
        method: p.method,
        cost: p.cost,
        penalty: p.penalty,
        minSize: p.minSize,
        maxChanges: p.maxChanges,
        noiseScale: p.noiseScale,
        noiseModel: p.noiseModel,
        workspace,
      });
    } catch (error) {
      // Too few points for the cost or the minimum segment: this series has no change to report.
      if (error instanceof AnalyticsInputError) continue;
      throw error;
    }
    const segments = found.segments;
    for (let k = 0; k < found.changepoints.length; k++) {
      const at = found.changepoints[k];
      const before = segments[k];
      const after = segments[k + 1];
      out.push(firstGroup + g, at, order ? order[from + at] : NaN, before.mean, after.mean, before.n, after.n);
    }
  }
  return out.done();
}

function trend(p: TrendKernel, batch: SeriesBatch): KernelOutput {
  const { starts, values, order, firstGroup } = batch;
  const groups = starts.length - 1;
  const out = new Rows(KERNEL_COLUMNS.trend.length, groups);
  for (let g = 0; g < groups; g++) {
    const from = starts[g];
    const n = starts[g + 1] - from;
    if (n < TREND_MIN_POINTS) continue;
    const y = values.subarray(from, from + n);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = order ? order[from + i] / p.perDay : i;
    const { mannKendall: mk, theilSen: ts } = trendTest(y, x, 1 - p.alpha);
    // Every x equal (one timestamp): no slope, the test still stands.
    const slope = ts ? ts.slope : NaN;
    const lower = ts ? ts.lower : NaN;
    const upper = ts ? ts.upper : NaN;
    out.push(firstGroup + g, mk.s, mk.z, mk.pValue, mk.tau, slope, lower, upper);
  }
  return out.done();
}

/** The threshold each method flags above when none is given (iqr's is its fence factor k). */
export const DEFAULT_THRESHOLD = { 'robust-z': 3.5, iqr: 1.5, local: 3.5, hampel: 3 } as const;

function scoreSeries(p: OutlierKernel, values: Float64Array): OutlierScores {
  const threshold = p.threshold ?? DEFAULT_THRESHOLD[p.method];
  if (p.method === 'robust-z') return robustZScores(values, threshold);
  if (p.method === 'iqr') return iqrOutliers(values, threshold);
  if (p.method === 'local') return localOutlierScores(values, p.window, threshold);
  return hampelFilter(values, p.window, threshold);
}

function outliers(p: OutlierKernel, batch: SeriesBatch): KernelOutput {
  const { starts, values } = batch;
  const rows = values.length;
  const scores = new Float64Array(rows);
  const flags = new Float64Array(rows);
  for (let g = 0; g + 1 < starts.length; g++) {
    const from = starts[g];
    const to = starts[g + 1];
    if (to === from) continue;
    const r = scoreSeries(p, values.subarray(from, to));
    for (let i = 0; i < r.scores.length; i++) {
      scores[from + i] = r.scores[i];
      flags[from + i] = r.flags[i];
    }
  }
  return { rows, columns: [scores, flags] };
}

/** Whether the series holds both −0 and +0. */
function bothSignedZeros(series: Float64Array): boolean {
  let negative = false;
  let positive = false;
  for (let i = 0; i < series.length && !(negative && positive); i++)
    if (series[i] === 0) {
      if (Object.is(series[i], -0)) negative = true;
      else positive = true;
    }
  return negative && positive;
}

/** The same numbers robustZScores and iqrOutliers score each value of a series with. */
function outlierScales(p: OutlierScaleKernel, batch: SeriesBatch): KernelOutput {
  const { starts, values } = batch;
  const groups = starts.length - 1;
  const columns = [new Float64Array(groups), new Float64Array(groups), new Float64Array(groups)];
  for (let g = 0; g < groups; g++) {
    const series = values.subarray(starts[g], starts[g + 1]);
    if (p.method === 'robust-z') {
      const { scale, fallback } = robustScaleAndSource(series);
      columns[0][g] = scale.median;
      columns[1][g] = scale.scale;
      // In no particular order, the fallback's sum, and a median of 0 picked among −0 and +0 (the
      // sign of a zero score follows it), may differ in their last bit from those of the series in order.
      columns[2][g] = p.unordered && (fallback || (scale.median === 0 && bothSignedZeros(series))) ? 1 : NaN;
    } else {
      const { q1, q3, lower, upper } = tukeyFences(series, p.threshold ?? 1.5);
      columns[0][g] = lower;
      columns[1][g] = upper;
      columns[2][g] = q3 - q1;
    }
  }
  return { rows: groups, columns };
}
