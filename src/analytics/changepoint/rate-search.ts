import type { ChangePointMethod } from './detect.js';
import { MAX_SCALE_ROUNDS, residualNoise, SCALE_SETTLED } from './noise-model.js';
import type { SearchResult } from './search.js';
import { searchWithin } from './search-within.js';
import { bestTrendFit } from './trend-fit.js';
import { F64, type ChangePointWorkspace } from './workspace.js';

/** Inputs of {@link searchRateModel}, resolved by detectChangePoints. */
export interface RateSearchOptions {
  method: Exclude<ChangePointMethod, 'auto'>;
  penalty: number;
  minSize: number;
  maxChanges: number | undefined;
  /** Fit the rate trend and the overdispersion (noiseModel `long-run`); false: the plain Poisson search. */
  model: boolean;
  workspace: ChangePointWorkspace;
}

/** What the Poisson search found, with the model it settled on. */
export interface RateSearchResult {
  /** Changes and penalised cost on the quasi-likelihood scale (Poisson cost ÷ dispersion). */
  found: SearchResult;
  /** Penalty per change on that scale. */
  penalty: number;
  /** √dispersion: the factor by which the counts vary more than Poisson counts would (≥ 1). */
  scale: number;
  /** Lag-1 autocorrelation of the Pearson residuals behind the dispersion. */
  phi: number;
  /** Common log-linear trend of the rate, per point (0: none). */
  slope: number;
}

/** A rate trend is re-fitted until it moves by less than this (log rate over the series: 5 %). */
const RATE_TREND_SETTLED = 0.05;
/** Largest log-rate change over the series that the trend may take (keeps exp() finite). */
const MAX_LOG_DRIFT = 20;

/**
 * Changes of a count rate with the protections of the mean cost's default, in Poisson form
 * (README "Non-default costs"):
 * 1. a log-linear trend of the rate common to all segments (each segment keeps its own level),
 *    rate λₖ·exp(b·(i − mid)), kept when the search with it plus one penalty costs less: a drifting
 *    rate is one parameter, not a staircase;
 * 2. overdispersion and autocorrelation: the long-run variance of the Pearson residuals
 *    (x − λ̂)/√λ̂ of the segmentation, σ²·(1 + φ)/(1 − φ) (noise-model.ts), is the dispersion
 *    (never below 1, the Poisson value); the Poisson cost is divided by it (quasi-likelihood)
 *    and the search runs again, until it settles. It only grows.
 */
export function searchRateModel(data: Float64Array, o: RateSearchOptions): RateSearchResult {
  const n = data.length;
  const ws = o.workspace;
  const middle = (n - 1) / 2;
  let dispersion = 1;
  let slope = 0;
  let phi = 0;
  const exposure = ws.float64(F64.exposure, n + 1);
  // Σ x·(i − mid): the term of the likelihood that depends on the trend but not on the segments.
  let moment = 0;
  for (let i = 0; i < n; i++) moment += data[i] * (i - middle);
  const run = (b: number) => {
    let cumulative = 0;
    exposure[0] = 0;
    for (let i = 0; i < n; i++) exposure[i + 1] = cumulative += Math.exp(b * (i - middle));
    const tried = searchWithin(
      o.method,
      'poisson',
      data,
      o.penalty * dispersion,
      o.minSize,
      o.maxChanges,
      ws,
      b === 0 ? undefined : exposure,
    );
    // On the quasi-likelihood scale, with the trend's own term: comparable across trends.
    return {
      found: { changes: tried.found.changes, cost: (tried.found.cost - 2 * b * moment) / dispersion },
      penalty: tried.penalty / dispersion,
    };
  };

  let { found, penalty } = run(0);
  if (!o.model) return { found, penalty, scale: 1, phi, slope };
  const residuals = ws.float64(F64.detrended, n);
  // The whole series' trend depends on the data only: fitted once, not once per round.
  const wholeTrend = rateTrend(data, []);
  for (let round = 0; round < MAX_SCALE_ROUNDS; round++) {
    const current = { found, penalty, slope };
    const candidates = [rateTrend(data, found.changes), wholeTrend, 0];
    const best = bestTrendFit(current, candidates, n, RATE_TREND_SETTLED, (candidate) => ({
      ...run(candidate),
      slope: candidate,
    }));
    const trendMoved = best !== current;
    ({ found, penalty, slope } = best);
    pearsonResiduals(data, found.changes, slope, residuals);
    const noise = residualNoise(residuals, found.changes, {
      residuals: ws.float64(F64.residuals, n),
      absolute: ws.float64(F64.scratch, n),
    });
    const longRun = noise.longRun * noise.longRun;
    if (Math.sqrt(longRun) > SCALE_SETTLED * Math.sqrt(dispersion)) {
      dispersion = longRun;
      phi = noise.phi;
      ({ found, penalty } = run(slope));
    } else if (!trendMoved) break;
  }
  return { found, penalty, scale: Math.sqrt(dispersion), phi, slope };
}

/**
 * Maximum-likelihood log-linear trend b of a Poisson rate common to the segments starting at 0
 * and at each of `changes` (each with its own level λₖ, profiled out: λₖ = Sₖ / Σ exp(b·(i − mid))):
 * Newton's method on the concave profile log-likelihood, from b = 0.
 */
export function rateTrend(data: Float64Array, changes: readonly number[]): number {
  const n = data.length;
  const middle = (n - 1) / 2;
  const bounds = [0, ...changes, n];
  let moment = 0;
  for (let i = 0; i < n; i++) moment += data[i] * (i - middle);
  let b = 0;
  for (let step = 0; step < 30; step++) {
    let gradient = moment;
    let curvature = 0;
    for (let k = 0; k + 1 < bounds.length; k++) {
      let total = 0;
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      for (let i = bounds[k]; i < bounds[k + 1]; i++) {
        const t = i - middle;
        const e = Math.exp(b * t);
        total += data[i];
        e0 += e;
        e1 += e * t;
        e2 += e * t * t;
      }
      if (total === 0) continue;
      const mean = e1 / e0;
      gradient -= total * mean;
      curvature += total * (e2 / e0 - mean * mean);
    }
    if (!(curvature > 0)) return 0;
    const next = Math.max(-MAX_LOG_DRIFT / n, Math.min(MAX_LOG_DRIFT / n, b + gradient / curvature));
    const done = Math.abs(next - b) * n < 1e-6;
    b = next;
    if (done) break;
  }
  return b;
}

/** Writes (x − λ̂)/√λ̂ to `out`, λ̂ the fitted rate of the segmentation with log-linear trend `b` (0 where λ̂ = 0). */
function pearsonResiduals(data: Float64Array, changes: readonly number[], b: number, out: Float64Array): void {
  const n = data.length;
  const middle = (n - 1) / 2;
  const bounds = [0, ...changes, n];
  for (let k = 0; k + 1 < bounds.length; k++) {
    let total = 0;
    let exposure = 0;
    for (let i = bounds[k]; i < bounds[k + 1]; i++) {
      total += data[i];
      exposure += Math.exp(b * (i - middle));
    }
    for (let i = bounds[k]; i < bounds[k + 1]; i++) {
      const rate = (total / exposure) * Math.exp(b * (i - middle));
      out[i] = rate > 0 ? (data[i] - rate) / Math.sqrt(rate) : 0;
    }
  }
}
