import { backtrack, type SearchResult } from './search.js';

/** Inputs of FPOP: the unit-noise data, the penalty per change and the minimum segment length. */
export interface FpopParameters {
  data: Float64Array;
  penalty: number;
  minSize: number;
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
 */
export function fpop({ data, penalty, minSize }: FpopParameters): SearchResult {
  const n = data.length;
  const sum = new Float64Array(n + 1);
  const sumSquares = new Float64Array(n + 1);
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < n; i++) {
    sum[i + 1] = sum[i] + data[i];
    sumSquares[i + 1] = sumSquares[i] + data[i] * data[i];
    if (data[i] < lowest) lowest = data[i];
    if (data[i] > highest) highest = data[i];
  }
  if (!(highest > lowest)) {
    lowest -= 0.5;
    highest += 0.5;
  }
  const best = new Float64Array(n + 1).fill(Infinity);
  const last = new Int32Array(n + 1);
  best[0] = -penalty;

  let capacity = 64;
  let lo = new Float64Array(capacity);
  let hi = new Float64Array(capacity);
  let owner = new Int32Array(capacity);
  let nextLo = new Float64Array(capacity);
  let nextHi = new Float64Array(capacity);
  let nextOwner = new Int32Array(capacity);
  let pieces = 0;
  let built = 0;

  const emit = (from: number, to: number, tau: number) => {
    if (!(to > from)) return;
    if (built > 0 && nextOwner[built - 1] === tau && nextHi[built - 1] >= from) {
      nextHi[built - 1] = to;
      return;
    }
    if (built === capacity) {
      capacity *= 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (k: number) => T): T => {
        const b = make(capacity);
        b.set(a);
        return b;
      };
      nextLo = grow(nextLo, (k) => new Float64Array(k));
      nextHi = grow(nextHi, (k) => new Float64Array(k));
      nextOwner = grow(nextOwner, (k) => new Int32Array(k));
      lo = grow(lo, (k) => new Float64Array(k));
      hi = grow(hi, (k) => new Float64Array(k));
      owner = grow(owner, (k) => new Int32Array(k));
    }
    nextLo[built] = from;
    nextHi[built] = to;
    nextOwner[built] = tau;
    built++;
  };

  const insert = (tau: number) => {
    built = 0;
    if (pieces === 0) {
      emit(lowest, highest, tau);
    } else {
      for (let p = 0; p < pieces; p++) {
        const old = owner[p];
        const from = lo[p];
        const to = hi[p];
        // q_old − q_new = aμ² + bμ + c with a > 0: the new candidate wins outside the roots.
        const a = tau - old;
        const b = -2 * (sum[tau] - sum[old]);
        const c = best[old] - best[tau] + (sumSquares[tau] - sumSquares[old]);
        const disc = b * b - 4 * a * c;
        if (disc <= 0) {
          emit(from, to, tau);
          continue;
        }
        const root = Math.sqrt(disc);
        const q = -0.5 * (b + (b >= 0 ? root : -root));
        let r1 = q / a;
        let r2 = q !== 0 ? c / q : r1;
        if (r1 > r2) [r1, r2] = [r2, r1];
        emit(from, Math.min(to, r1), tau);
        emit(Math.max(from, r1), Math.min(to, r2), old);
        emit(Math.max(from, r2), to, tau);
      }
    }
    [lo, nextLo] = [nextLo, lo];
    [hi, nextHi] = [nextHi, hi];
    [owner, nextOwner] = [nextOwner, owner];
    pieces = built;
  };

  for (let t = minSize; t <= n; t++) {
    const entering = t - minSize;
    if (best[entering] < Infinity) insert(entering);
    let value = Infinity;
    let arg = 0;
    const st = sum[t];
    const qt = sumSquares[t];
    for (let p = 0; p < pieces; p++) {
      const tau = owner[p];
      const count = t - tau;
      const s = st - sum[tau];
      let mu = s / count;
      if (mu < lo[p]) mu = lo[p];
      else if (mu > hi[p]) mu = hi[p];
      const v = best[tau] + penalty + (qt - sumSquares[tau]) - 2 * mu * s + count * mu * mu;
      if (v < value || (v === value && tau < arg)) {
        value = v;
        arg = tau;
      }
    }
    best[t] = value;
    last[t] = arg;
  }
  return { changes: backtrack(last, n), cost: best[n] };
}
