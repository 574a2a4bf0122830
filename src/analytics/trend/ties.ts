/** What the runs of equal values of a sorted array add to Kendall-type statistics. */
export interface Ties {
  /** Σ t(t−1)/2: pairs of equal values. */
  pairs: number;
  /** Σ t(t−1)(2t+5): the ties term of Var(S). */
  varianceTerm: number;
}

/** The ties of `sorted` (ascending, or at least with equal values next to each other). */
export function ties(sorted: ArrayLike<number>): Ties {
  const n = sorted.length;
  let pairs = 0;
  let varianceTerm = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    pairs += (t * (t - 1)) / 2;
    varianceTerm += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  return { pairs, varianceTerm };
}
