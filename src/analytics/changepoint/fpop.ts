import { backtrack, type SearchResult } from './search.js';
import { F64, I32, sharedWorkspace, type ChangePointWorkspace } from './workspace.js';

/** Inputs of FPOP: the unit-noise data, the penalty per change and the minimum segment length. */
export interface FpopParameters {
  data: Float64Array;
  penalty: number;
  minSize: number;
  /** Scratch memory to reuse across calls (see {@link ChangePointWorkspace}); optional. */
  workspace?: ChangePointWorkspace;
}

/**
 * FPOP (Maidstone, Hocking, Rigaill & Fearnhead 2017): exact penalised change-in-mean
 * segmentation with functional pruning. For every candidate last change τ it keeps, as a
 * function of the current segment mean μ,
 *
 *   q_τ(μ) = F(τ) + β + Σ_{i=τ..t−1} (x_i − μ)²,
 *
 * and only the intervals of μ where q_τ is the lowest of all candidates. Adding a point
 * adds the same (x − μ)² to every q_τ, so a candidate that is nowhere the lowest never will
 * be again and is dropped. The comparison q_p − q_n of two candidates does not depend on t,
 * so each insertion splits the current pieces once. The piece list stays short (about
 * log n candidates on change-free stretches), which keeps the search near-linear where
 * PELT's inequality pruning turns quadratic.
 *
 * With a minimum segment length m, candidate τ enters at time τ + m with m points already
 * in its quadratic; pruning stays exact because later points are still common to all.
 *
 * The pieces live in flat typed arrays (lower end, upper end, owner) that are rebuilt into a
 * second set at each insertion and swapped: no object or closure per step. A piece on which
 * the entering candidate is higher at both ends (q_old − q_new is convex there) is copied
 * without computing roots.
 */
export function fpop({ data, penalty, minSize, workspace }: FpopParameters): SearchResult {
  const n = data.length;
  const ws = workspace ?? sharedWorkspace();
  const sum = ws.float64(F64.sum, n + 1);
  const sumSquares = ws.float64(F64.sumSquares, n + 1);
  let lowest = Infinity;
  let highest = -Infinity;
  sum[0] = 0;
  sumSquares[0] = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i];
    sum[i + 1] = sum[i] + x;
    sumSquares[i + 1] = sumSquares[i] + x * x;
    if (x < lowest) lowest = x;
    if (x > highest) highest = x;
  }
  if (!(highest > lowest)) {
    lowest -= 0.5;
    highest += 0.5;
  }
  const best = ws.float64(F64.best, n + 1);
  const last = ws.int32(I32.last, n + 1);
  best.fill(Infinity);
  last.fill(0);
  best[0] = -penalty;

  let capacity = 64;
  let lo = new Float64Array(capacity);
  let hi = new Float64Array(capacity);
  let owner = new Int32Array(capacity);
  let nextLo = new Float64Array(capacity);
  let nextHi = new Float64Array(capacity);
  let nextOwner = new Int32Array(capacity);
  let pieces = 0;

  for (let t = minSize; t <= n; t++) {
    const tau = t - minSize;
    const st = sum[t];
    const qt = sumSquares[t];
    // Insert the entering candidate. It nearly always wins somewhere (at least near an end of
    // the data range, where its quadratic has the fewest points), so every step rebuilds.
    if (best[tau] < Infinity) {
      // Insert candidate tau: split every piece where it beats the piece's owner.
      // Every piece can become at most three, so make room for that first.
      if (3 * pieces + 1 > capacity) {
        capacity = 2 * (3 * pieces + 1);
        const grownLo = new Float64Array(capacity);
        const grownHi = new Float64Array(capacity);
        const grownOwner = new Int32Array(capacity);
        grownLo.set(lo.subarray(0, pieces));
        grownHi.set(hi.subarray(0, pieces));
        grownOwner.set(owner.subarray(0, pieces));
        lo = grownLo;
        hi = grownHi;
        owner = grownOwner;
        nextLo = new Float64Array(capacity);
        nextHi = new Float64Array(capacity);
        nextOwner = new Int32Array(capacity);
      }
      let built = 0;
      if (pieces === 0) {
        nextLo[0] = lowest;
        nextHi[0] = highest;
        nextOwner[0] = tau;
        built = 1;
      } else {
        const bestTau = best[tau];
        const sumTau = sum[tau];
        const sqTau = sumSquares[tau];
        // Roots of q_old − q_new depend on the owner only; consecutive pieces often share it.
        let rootsOf = -1;
        let r1 = 0;
        let r2 = 0;
        let everywhere = false;
        for (let p = 0; p < pieces; p++) {
          const old = owner[p];
          const from = lo[p];
          const to = hi[p];
          // q_old − q_new = aμ² + bμ + c with a > 0: the new candidate wins outside the roots.
          const a = tau - old;
          const b = -2 * (sumTau - sum[old]);
          const c = best[old] - bestTau + (sqTau - sumSquares[old]);
          if (lowerOnWholePiece(a, b, c, from, to)) {
            // The roots would lie beyond both ends: the piece stays as it is.
            built = emit(nextLo, nextHi, nextOwner, built, from, to, old);
            continue;
          }
          if (old !== rootsOf) {
            rootsOf = old;
            const disc = b * b - 4 * a * c;
            everywhere = disc <= 0;
            if (!everywhere) {
              const root = Math.sqrt(disc);
              const q = -0.5 * (b + (b >= 0 ? root : -root));
              r1 = q / a;
              r2 = q !== 0 ? c / q : r1;
              if (r1 > r2) {
                const swap = r1;
                r1 = r2;
                r2 = swap;
              }
            }
          }
          if (everywhere) {
            built = emit(nextLo, nextHi, nextOwner, built, from, to, tau);
            continue;
          }
          built = emit(nextLo, nextHi, nextOwner, built, from, to < r1 ? to : r1, tau);
          built = emit(nextLo, nextHi, nextOwner, built, from > r1 ? from : r1, to < r2 ? to : r2, old);
          built = emit(nextLo, nextHi, nextOwner, built, from > r2 ? from : r2, to, tau);
        }
      }
      let swapF = lo;
      lo = nextLo;
      nextLo = swapF;
      swapF = hi;
      hi = nextHi;
      nextHi = swapF;
      const swapI = owner;
      owner = nextOwner;
      nextOwner = swapI;
      pieces = built;
    }
    let value = Infinity;
    let arg = 0;
    for (let p = 0; p < pieces; p++) {
      const old = owner[p];
      const v = pieceMinimum(t, old, lo[p], hi[p], st, qt, best, sum, sumSquares, penalty);
      if (v < value || (v === value && old < arg)) {
        value = v;
        arg = old;
      }
    }
    best[t] = value;
    last[t] = arg;
  }
  return { changes: backtrack(last, n), cost: best[n] };
}

/**
 * True when aμ² + bμ + c (= q_old − q_new, a > 0, so convex) is negative on all of [from, to],
 * with a margin: it is then negative at both ends. Borderline cases answer false and go to
 * the exact root computation.
 */
function lowerOnWholePiece(a: number, b: number, c: number, from: number, to: number): boolean {
  const atFrom = (a * from + b) * from + c;
  const atTo = (a * to + b) * to + c;
  const margin = 1e-9 * (Math.abs(c) + a * (from * from + to * to) + Math.abs(b) * (Math.abs(from) + Math.abs(to)));
  return atFrom < -margin && atTo < -margin;
}

/** Minimum over [from, to] of q_tau(μ) = F(τ) + β + Σ_{τ..t−1} (x_i − μ)²: at the segment mean, clamped to the piece. */
function pieceMinimum(
  t: number,
  tau: number,
  from: number,
  to: number,
  st: number,
  qt: number,
  best: Float64Array,
  sum: Float64Array,
  sumSquares: Float64Array,
  penalty: number,
): number {
  const count = t - tau;
  const s = st - sum[tau];
  let mu = s / count;
  if (mu < from) mu = from;
  else if (mu > to) mu = to;
  return best[tau] + penalty + (qt - sumSquares[tau]) - 2 * mu * s + count * mu * mu;
}

/**
 * Appends the piece [from, to) owned by `tau` to the list being built (skipping empty ones and
 * merging with a preceding piece of the same owner); returns the new length.
 */
function emit(
  lo: Float64Array,
  hi: Float64Array,
  owner: Int32Array,
  built: number,
  from: number,
  to: number,
  tau: number,
): number {
  if (!(to > from)) return built;
  if (built > 0 && owner[built - 1] === tau && hi[built - 1] >= from) {
    hi[built - 1] = to;
    return built;
  }
  lo[built] = from;
  hi[built] = to;
  owner[built] = tau;
  return built + 1;
}
