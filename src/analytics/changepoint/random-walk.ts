import { filterSequence, type FilterSequence } from './filter-sequence.js';
import { marginAbove } from './search.js';
import { ChangePointWorkspace, F64 } from './workspace.js';

/**
 * The wandering part of the default model (README "Defaults and why", 6): a series whose level
 * follows a random walk has no finite long-run variance, so no noise scale makes a constant-mean
 * search leave it whole, and a walk cut into steps looks like a staircase to any test that only
 * sees the segments. So the changes the search found are chosen again, all together, under three
 * noise models around the segment levels, and the best-fitting model decides:
 *
 * - white noise (the search's own model: its choice stands);
 * - a local level (Harvey 1989, ch. 2): y[t] = level[t] + noise[t], level[t] = level[t − 1] +
 *   walk[t], walk increments of variance r·σ² (the "difference" model);
 * - AR(1) noise with coefficient φ (the "level" model with dependent noise, which the search's
 *   long-run noise scale already accounts for: its choice stands).
 *
 * For each r (or φ) of a grid, every subset of the found changes is scored by −2·log-likelihood
 * with the segment levels as fixed unknowns (profiled out, so every subset is scored on all n
 * points alike) and σ² at its value with every found change in place, plus the penalty per
 * change; an exact dynamic programme over the found changes finds the best subset; r and φ pay
 * 2 each (AIC) against the white model. The walk wins
 * only when its best score is below both the white and the AR(1) ones: a walk cut in several
 * places is then merged whole, where testing one cut at a time would keep each (the other cuts
 * absorb the wandering), and autocorrelated or seasonal noise is not mistaken for a walk.
 */

/** Grid of log₁₀ r: −6 to 2 in decades, then half a decade either side of the best (r = 0 is the white model). */
const LOG_RATIO_GRID = Array.from({ length: 9 }, (_, i) => -6 + i);
/** Grid of φ for the AR(1) alternative (φ = 0 is the white model). */
const PHI_GRID = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
/**
 * Longest run of consecutive found changes that the selection can merge into one segment: keeps
 * its cost O(grid · span · n) when a long series has many changes.
 */
const MAX_SPAN = 16;

/** Per-segment scores of a noise model: RSS (levels profiled) and log-determinant, m × m, [i·m + j] for bounds i..j. */
interface SegmentScores {
  rss: Float64Array;
  logDet: Float64Array;
}

/** Best penalised score over subsets of the found changes, and the subset (ascending bounds indices). */
interface Selection {
  total: number;
  subset: number[];
}

/**
 * The subset of `changes` (found by a search on `data` with `penalty` per change) that the
 * better of the three noise models above keeps; `changes` itself unless the local level wins.
 */
export function pruneWanderingChanges(
  data: Float64Array,
  changes: readonly number[],
  penalty: number,
  workspace: ChangePointWorkspace = new ChangePointWorkspace(),
  /** False scores every ratio in full, without {@link ownSegmentsBound} (the tests compare the two). */
  bounded = true,
): readonly number[] {
  const n = data.length;
  const k = changes.length;
  if (k === 0) return changes;
  const bounds = [0, ...changes, n];
  const m = k + 2;
  const scores: SegmentScores = {
    rss: new Float64Array(m * m),
    logDet: new Float64Array(m * m),
  };
  const centred = workspace.float64(F64.wanderCentred, n);
  let mean = 0;
  for (let t = 0; t < n; t++) mean += data[t];
  mean /= n;
  for (let t = 0; t < n; t++) centred[t] = data[t] - mean;

  // White noise = r = 0 = φ = 0: the reference the other two must beat. r and φ are one more
  // parameter each and pay 2 for it (AIC): white is nested in both at the boundary r = φ = 0,
  // where twice the log-likelihood gain is ½χ²₀ + ½χ²₁ without wandering or dependence.
  const extra = 2;
  // (The local level with r = 0 and AR(1) with φ = 0 are the same white model; the AR(1) form
  // scores it in O(1) per segment from sums per chunk, where the filter needs a pass per start.)
  const sums = laggedSums(centred, bounds);
  let stationary = select(bounds, autoregressiveScores(centred, bounds, sums, 0, scores), n, penalty, 0);
  for (const phi of PHI_GRID) {
    const s = select(bounds, autoregressiveScores(centred, bounds, sums, phi, scores), n, penalty, extra);
    if (s.total < stationary.total) stationary = s;
  }
  // The longest stretch a filter runs: the sequences below need that many steps at most.
  let longest = 0;
  for (let i = 0; i < m - 1; i++) longest = Math.max(longest, bounds[Math.min(m - 1, i + MAX_SPAN)] - bounds[i]);
  const state = filterState(m);
  let walk: Selection | undefined;
  let bestLog = 0;
  const tryRatio = (logRatio: number) => {
    const sequence = filterSequence(10 ** logRatio, longest);
    ownSegmentScores(centred, bounds, sequence, scores, state);
    // A ratio whose bound is above the best walk so far cannot become it: the longer segments
    // (two thirds of the filter steps with 4 changes) are not scored. Nothing else changes.
    if (
      bounded &&
      walk !== undefined &&
      penalty >= 0 &&
      ownSegmentsBound(scores, m, n, extra) > marginAbove(walk.total)
    )
      return;
    const s = select(bounds, localLevelScores(centred, bounds, sequence, scores, state), n, penalty, extra);
    if (s.total < (walk?.total ?? Infinity)) {
      walk = s;
      bestLog = logRatio;
    }
  };
  for (const logRatio of LOG_RATIO_GRID) tryRatio(logRatio);
  const coarse = bestLog;
  tryRatio(coarse - 0.5);
  tryRatio(coarse + 0.5);
  if (walk === undefined || !(walk.total < stationary.total) || walk.subset.length === k) return changes;
  return walk.subset.map((j) => bounds[j]);
}

/**
 * Exact dynamic programme over the bounds: minimises Σ segments [RSS/σ² + log det] + penalty per
 * change, σ² = (Σ RSS with every found change)/n; the total adds n·log σ² (σ² differs between
 * models) and `parameterCost` for the model's own parameter.
 */
function select(
  bounds: readonly number[],
  scores: SegmentScores,
  n: number,
  penalty: number,
  parameterCost: number,
): Selection {
  const m = bounds.length;
  const { rss, logDet } = scores;
  let full = 0;
  for (let i = 0; i < m - 1; i++) full += rss[i * m + i + 1];
  const variance = full / n;
  if (!(variance > 0)) return { total: Infinity, subset: [] };
  const best = new Float64Array(m);
  const from = new Int32Array(m);
  for (let j = 1; j < m; j++) {
    best[j] = Infinity;
    for (let i = Math.max(0, j - MAX_SPAN); i < j; i++) {
      const value = best[i] + rss[i * m + j] / variance + logDet[i * m + j] + (i > 0 ? penalty : 0);
      if (value < best[j]) {
        best[j] = value;
        from[j] = i;
      }
    }
  }
  const subset: number[] = [];
  for (let j = from[m - 1]; j > 0; j = from[j]) subset.push(j);
  return { total: best[m - 1] + n * Math.log(variance) + parameterCost, subset: subset.reverse() };
}

/**
 * A lower bound of {@link select}'s total over every subset, from the scores of the found
 * segments alone (the RSS and log det of bounds i..i + 1). Merging segments never lowers either
 * score: the profiled RSS of a merged segment is at least the sum of its parts' (its part after a
 * bound has its first level drawn from the walk instead of free), and its log det adds F's that
 * have grown since its start (F grows with the steps since the start). So every subset scores at
 * least Σ (RSS/σ² + log det) of the found segments, n at σ² = Σ RSS / n (the variance `select`
 * uses), plus n·log σ² and the parameter's cost; the penalties, all ≥ 0, are left out.
 */
function ownSegmentsBound(scores: SegmentScores, m: number, n: number, parameterCost: number): number {
  const { rss, logDet } = scores;
  // The same sum, in the same order, as select's σ².
  let full = 0;
  for (let i = 0; i < m - 1; i++) full += rss[i * m + i + 1];
  const variance = full / n;
  if (!(variance > 0)) return Infinity;
  let total = 0;
  for (let i = 0; i < m - 1; i++) total += rss[i * m + i + 1] / variance + logDet[i * m + i + 1];
  return total + n * Math.log(variance) + parameterCost;
}

/** Per-start filter state of {@link localLevelScores}, m entries each (allocated once per call of the check). */
interface FilterState {
  level: Float64Array;
  vv: Float64Array;
  vw: Float64Array;
  ww: Float64Array;
  sumLog: Float64Array;
  /** Σ squared innovations of the current chunk's faded stretch, and where that stretch began. */
  squares: Float64Array;
  fastFrom: Int32Array;
}

/** Filter state for `m` bounds. */
function filterState(m: number): FilterState {
  return {
    level: new Float64Array(m),
    vv: new Float64Array(m),
    vw: new Float64Array(m),
    ww: new Float64Array(m),
    sumLog: new Float64Array(m),
    squares: new Float64Array(m),
    fastFrom: new Int32Array(m),
  };
}

/**
 * Local-level scores of every segment [bounds[i], bounds[j]) with 2 ≤ j − i ≤ MAX_SPAN, one filter
 * pass per start, each continuing where {@link ownSegmentScores} left it at bounds[i + 1]: the
 * level at the segment's first point is a fixed unknown, carried through the filter next to the
 * data (de Jong 1991), so its RSS is profiled over it; log det = Σ log F.
 *
 * The filters of all starts advance together, chunk by chunk between consecutive bounds, and
 * in their faded stretch two at a time: each filter is a chain of dependent operations, so two
 * chains interleaved run in about the time of one. Every filter does the very same operations
 * in the same order as it would alone, so the scores are bit for bit the same.
 */
function localLevelScores(
  data: Float64Array,
  bounds: readonly number[],
  sequence: FilterSequence,
  out: SegmentScores,
  state: FilterState,
) {
  const m = bounds.length;
  const { gain, fadedFrom } = sequence;
  const { squares, fastFrom } = state;
  const steadyGain = gain[fadedFrom];
  const record = (i: number, j: number, stop: number) => recordScores(sequence, state, out, m, i, j, stop);
  for (let j = 2; j < m; j++) {
    const begin = bounds[j - 1];
    const stop = bounds[j];
    // The starts up to the previous chunk's (that one's own segment is scored already).
    const end = j - 1;
    const first = Math.max(0, j - MAX_SPAN);
    // Before the first level's part has faded: the full update, two starts at a time.
    let start = first;
    for (; start + 1 < end; start += 2) fullUpdates(data, bounds, sequence, state, start, start + 1, begin, stop);
    if (start < end) fullUpdates(data, bounds, sequence, state, start, -1, begin, stop);
    // A start whose faded stretch waits for a partner.
    let waiting = -1;
    for (let i = first; i < end; i++) {
      const t = fastFrom[i];
      squares[i] = 0;
      if (t >= stop) {
        record(i, j, stop);
        continue;
      }
      if (waiting < 0) {
        waiting = i;
        continue;
      }
      // Steady, and the first level's part has died out: only the data's innovations add up
      // (the bulk of a long segment). Two filters: the one that starts earlier runs alone up to
      // where the other starts, then both together.
      const p = waiting;
      waiting = -1;
      const lead = fastFrom[p] <= fastFrom[i] ? p : i;
      const other = lead === p ? i : p;
      const originA = data[bounds[lead]];
      const join = fastFrom[other];
      fadedAlone(data, originA, steadyGain, state, lead, fastFrom[lead], join);
      fadedPair(data, steadyGain, state, lead, originA, join, other, data[bounds[other]], join, stop - join);
      record(lead, j, stop);
      record(other, j, stop);
    }
    if (waiting >= 0) {
      fadedAlone(data, data[bounds[waiting]], steadyGain, state, waiting, fastFrom[waiting], stop);
      record(waiting, j, stop);
    }
  }
  return out;
}

/**
 * Start i's faded stretch over data[from … to) alone, carrying on its level and its Σ squared
 * innovations (`squares[i]`, set to 0 at the stretch's start by the caller).
 */
function fadedAlone(
  data: Float64Array,
  origin: number,
  steadyGain: number,
  state: FilterState,
  i: number,
  from: number,
  to: number,
): void {
  let lv = state.level[i];
  let sq = state.squares[i];
  for (let u = from; u < to; u++) {
    const v = data[u] - origin - lv;
    sq += v * v;
    lv += steadyGain * v;
  }
  state.level[i] = lv;
  state.squares[i] = sq;
}

/**
 * Two starts' faded stretches for `length` steps, interleaved (two chains of dependent operations
 * take about the time of one); each does the very operations of {@link fadedAlone}. Each filter:
 * its state slot, first level (origin) and where in the data it goes on (plain parameters: taking
 * them as tuples made the whole check a quarter slower).
 */
function fadedPair(
  data: Float64Array,
  steadyGain: number,
  state: FilterState,
  a: number,
  originA: number,
  fromA: number,
  b: number,
  originB: number,
  fromB: number,
  length: number,
): void {
  const { level, squares } = state;
  let levelA = level[a];
  let levelB = level[b];
  let squaresA = squares[a];
  let squaresB = squares[b];
  for (let o = 0; o < length; o++) {
    const vA = data[fromA + o] - originA - levelA;
    const vB = data[fromB + o] - originB - levelB;
    squaresA += vA * vA;
    squaresB += vB * vB;
    levelA += steadyGain * vA;
    levelB += steadyGain * vB;
  }
  level[a] = levelA;
  level[b] = levelB;
  squares[a] = squaresA;
  squares[b] = squaresB;
}

/** Start i's scores of the segment ending at bounds[j] = `stop`: its faded stretch's sums added, RSS profiled. */
function recordScores(
  sequence: FilterSequence,
  state: FilterState,
  out: SegmentScores,
  m: number,
  i: number,
  j: number,
  stop: number,
): void {
  const { inverseF, logF, fadedFrom } = sequence;
  const { vv, vw, ww, sumLog, squares, fastFrom } = state;
  if (fastFrom[i] < stop) {
    vv[i] += squares[i] * inverseF[fadedFrom];
    sumLog[i] += logF[fadedFrom] * (stop - fastFrom[i]);
  }
  out.rss[i * m + j] = Math.max(0, vv[i] - (vw[i] * vw[i]) / ww[i]);
  out.logDet[i * m + j] = sumLog[i];
}

/**
 * Local-level scores of each start's own segment [bounds[i], bounds[i + 1]), leaving every filter's
 * state at the segment's end for {@link localLevelScores} to carry on. The segments do not overlap
 * and every filter begins at step 0, so two of them run interleaved (two chains of dependent
 * operations take about the time of one), sharing the sequence's entries; each does the very
 * operations, in the same order, that it would alone (as in {@link fullUpdates}).
 */
function ownSegmentScores(
  data: Float64Array,
  bounds: readonly number[],
  sequence: FilterSequence,
  out: SegmentScores,
  state: FilterState,
): SegmentScores {
  const m = bounds.length;
  const { gain, fadedFrom } = sequence;
  const { level, vv, vw, ww, sumLog, fastFrom } = state;
  const steadyGain = gain[fadedFrom];
  for (let p = 0; p < m - 1; p += 2) {
    const q = p + 1 < m - 1 ? p + 1 : -1;
    for (const i of q < 0 ? [p] : [p, q]) level[i] = vv[i] = vw[i] = ww[i] = sumLog[i] = 0;
    const aP = bounds[p];
    const endP = Math.min(bounds[p + 1], aP + fadedFrom);
    let k = 0;
    if (q >= 0) {
      // Full updates: both filters at the same step k, each on its own segment.
      const aQ = bounds[q];
      const endQ = Math.min(bounds[q + 1], aQ + fadedFrom);
      k = Math.min(endP - aP, endQ - aQ);
      fullPair(data, sequence, state, p, data[aP], aP, 0, q, data[aQ], aQ, 0, k);
      fullUpdate(data, sequence, state, q, aQ, aQ + k, endQ);
      fastFrom[q] = endQ;
    }
    fullUpdate(data, sequence, state, p, aP, aP + k, endP);
    fastFrom[p] = endP;
    // Faded stretches: both together over the shorter one's length, then the longer one alone.
    const stopP = bounds[p + 1];
    state.squares[p] = 0;
    if (q >= 0) {
      const stopQ = bounds[q + 1];
      const [fromP, fromQ] = [fastFrom[p], fastFrom[q]];
      const originQ = data[bounds[q]];
      state.squares[q] = 0;
      const both = Math.min(stopP - fromP, stopQ - fromQ);
      fadedPair(data, steadyGain, state, p, data[aP], fromP, q, originQ, fromQ, both);
      if (stopQ - fromQ > both) fadedAlone(data, originQ, steadyGain, state, q, fromQ + both, stopQ);
      else fadedAlone(data, data[aP], steadyGain, state, p, fromP + both, stopP);
      recordScores(sequence, state, out, m, q, q + 1, stopQ);
    } else fadedAlone(data, data[aP], steadyGain, state, p, fastFrom[p], stopP);
    recordScores(sequence, state, out, m, p, p + 1, bounds[p + 1]);
  }
  return out;
}

/**
 * The full filter update of starts p and q (q = −1: p alone; else p < q) over the chunk
 * [begin, stop), up to where each one's first level has faded. Both advance together (each
 * filter is a chain of dependent operations: two interleaved take little more than one) up to
 * where p, the earlier start, fades; then q alone. Each does the very operations, in the same
 * order, that it would alone. Sets `fastFrom` to where each faded stretch begins.
 */
function fullUpdates(
  data: Float64Array,
  bounds: readonly number[],
  sequence: FilterSequence,
  state: FilterState,
  p: number,
  q: number,
  begin: number,
  stop: number,
): void {
  const { fadedFrom } = sequence;
  const { fastFrom } = state;
  const aP = bounds[p];
  const endP = Math.min(stop, aP + fadedFrom);
  let t = begin;
  if (q >= 0 && t < endP) {
    const aQ = bounds[q];
    fullPair(data, sequence, state, p, data[aP], t, t - aP, q, data[aQ], t, t - aQ, endP - t);
    t = endP;
  } else if (t < endP) {
    fullUpdate(data, sequence, state, p, aP, t, endP);
    t = endP;
  }
  fastFrom[p] = Math.max(begin, endP);
  if (q < 0) return;
  const aQ = bounds[q];
  const endQ = Math.min(stop, aQ + fadedFrom);
  if (t < endQ) fullUpdate(data, sequence, state, q, aQ, t, endQ);
  fastFrom[q] = Math.max(begin, endQ);
}

/**
 * Two starts' full updates for `length` steps, interleaved (two chains of dependent operations
 * take about the time of one); each does the very operations of {@link fullUpdate}. Each filter:
 * its state slot, first level (origin), where in the data it goes on and its step there.
 */
function fullPair(
  data: Float64Array,
  sequence: FilterSequence,
  state: FilterState,
  a: number,
  originA: number,
  fromA: number,
  stepA: number,
  b: number,
  originB: number,
  fromB: number,
  stepB: number,
  length: number,
): void {
  const { inverseF, gain, weight } = sequence;
  const { level, vv, vw } = state;
  let levelA = level[a];
  let vvA = vv[a];
  let vwA = vw[a];
  let levelB = level[b];
  let vvB = vv[b];
  let vwB = vw[b];
  for (let o = 0; o < length; o++) {
    const kA = stepA + o;
    const kB = stepB + o;
    const fA = inverseF[kA];
    const fB = inverseF[kB];
    const vA = data[fromA + o] - originA - levelA;
    const vB = data[fromB + o] - originB - levelB;
    vvA += vA * vA * fA;
    vvB += vB * vB * fB;
    vwA += vA * weight[kA] * fA;
    vwB += vB * weight[kB] * fB;
    levelA += gain[kA] * vA;
    levelB += gain[kB] * vB;
  }
  level[a] = levelA;
  vv[a] = vvA;
  vw[a] = vwA;
  level[b] = levelB;
  vv[b] = vvB;
  vw[b] = vwB;
  dataFreeSums(sequence, state, a, stepA + length);
  dataFreeSums(sequence, state, b, stepB + length);
}

/** The full update of the start at `a` (state slot i) from t to end. */
function fullUpdate(
  data: Float64Array,
  sequence: FilterSequence,
  state: FilterState,
  i: number,
  a: number,
  t: number,
  end: number,
): void {
  const { inverseF, gain, weight } = sequence;
  const origin = data[a];
  let lv = state.level[i];
  let sv = state.vv[i];
  let sw = state.vw[i];
  for (; t < end; t++) {
    const k = t - a;
    const f = inverseF[k];
    const v = data[t] - origin - lv;
    sv += v * v * f;
    sw += v * weight[k] * f;
    lv += gain[k] * v;
  }
  state.level[i] = lv;
  state.vv[i] = sv;
  state.vw[i] = sw;
  dataFreeSums(sequence, state, i, end - a);
}

/** Σ weight²/F and Σ log F over the first `steps` steps: they do not depend on the data, the sequence has them summed. */
function dataFreeSums(sequence: FilterSequence, state: FilterState, i: number, steps: number): void {
  state.ww[i] = sequence.weightSquareSum[steps];
  state.sumLog[i] = sequence.logFSum[steps];
}

/**
 * Sums of each chunk between consecutive bounds that the AR(1) scores of every φ are made of:
 * over its points t ≥ 1 after the first, of y[t], y[t − 1], y[t]², y[t]·y[t − 1] and y[t − 1]²
 * (`rest`), and the same five terms of its first point (`head`, zero for t = 0). Every φ's
 * Σ z and Σ z² of a segment (z[t] = y[t] − φ·y[t − 1]) then come from them in O(1) per chunk,
 * where a pass over the series for each of the twelve φ took longer than the rest of the model.
 */
interface LaggedSums {
  rest: Float64Array;
  head: Float64Array;
}

const TERMS = 5;

function laggedSums(data: Float64Array, bounds: readonly number[]): LaggedSums {
  const chunks = bounds.length - 1;
  const rest = new Float64Array(chunks * TERMS);
  const head = new Float64Array(chunks * TERMS);
  for (let c = 0; c < chunks; c++) {
    const start = bounds[c];
    if (start >= 1) {
      const y = data[start];
      const lag = data[start - 1];
      head.set([y, lag, y * y, y * lag, lag * lag], c * TERMS);
    }
    let sy = 0;
    let sLag = 0;
    let syy = 0;
    let syLag = 0;
    let sLagLag = 0;
    for (let t = start + 1; t < bounds[c + 1]; t++) {
      const y = data[t];
      const lag = data[t - 1];
      sy += y;
      sLag += lag;
      syy += y * y;
      syLag += y * lag;
      sLagLag += lag * lag;
    }
    rest.set([sy, sLag, syy, syLag, sLagLag], c * TERMS);
  }
  return { rest, head };
}

/**
 * AR(1) scores of every segment: the exact Gaussian likelihood with the segment mean profiled
 * (Prais–Winsten: the first point weighted by 1 − φ², then z[t] = y[t] − φ·y[t − 1]), in O(1) per
 * chunk from {@link laggedSums}; log det = −log(1 − φ²) per segment.
 */
function autoregressiveScores(
  data: Float64Array,
  bounds: readonly number[],
  sums: LaggedSums,
  phi: number,
  out: SegmentScores,
) {
  const m = bounds.length;
  const { rest, head } = sums;
  const first = 1 - phi * phi;
  const restWeight = (1 - phi) * (1 - phi);
  const logDet = -Math.log(first);
  for (let i = 0; i < m - 1; i++) {
    const a = bounds[i];
    const y = data[a];
    // Σ over t in (a, b) of y[t], y[t − 1], y[t]², y[t]·y[t − 1], y[t − 1]²: the first chunk
    // without its first point, then whole chunks.
    let sy = rest[i * TERMS];
    let sLag = rest[i * TERMS + 1];
    let syy = rest[i * TERMS + 2];
    let syLag = rest[i * TERMS + 3];
    let sLagLag = rest[i * TERMS + 4];
    for (let j = i + 1; j <= Math.min(m - 1, i + MAX_SPAN); j++) {
      if (j > i + 1) {
        const c = (j - 1) * TERMS;
        sy += head[c] + rest[c];
        sLag += head[c + 1] + rest[c + 1];
        syy += head[c + 2] + rest[c + 2];
        syLag += head[c + 3] + rest[c + 3];
        sLagLag += head[c + 4] + rest[c + 4];
      }
      const b = bounds[j];
      const z = sy - phi * sLag;
      const z2 = syy - 2 * phi * syLag + phi * phi * sLagLag;
      const weight = first + (b - a - 1) * restWeight;
      const cross = first * y + (1 - phi) * z;
      out.rss[i * m + j] = Math.max(0, first * y * y + z2 - (cross * cross) / weight);
      out.logDet[i * m + j] = logDet;
    }
  }
  return out;
}
