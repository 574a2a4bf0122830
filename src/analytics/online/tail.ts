/**
 * Normal tail probabilities far out, where 1 − Φ(z) underflows or loses all its digits: the
 * anomaly likelihood compares tails with rates such as 1e-4 and turns z-scores of 40 into
 * surprises. Same rational approximation of erfc as common/normal.ts (relative error < 1.2e-7),
 * with its logarithm taken before the exponential.
 */

/** log erfc(x) for x ≥ 0. */
function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}

/** log P(Z > z) for a standard normal Z, finite for every finite z. */
export function logNormalUpperTail(z: number): number {
  if (z === Infinity) return -Infinity;
  if (z >= 0) return logErfc(z / Math.SQRT2) - Math.LN2;
  return Math.log1p(-0.5 * Math.exp(logErfc(-z / Math.SQRT2)));
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return Math.exp(logNormalUpperTail(z));
}

/** Surprise of a |z|-score: −log10 P(|Z| ≥ z), in decimal digits (0 at z = 0, ~8.7 at z = 6). */
export function surpriseOfZ(z: number): number {
  const a = Math.abs(z);
  if (a === Infinity) return Infinity;
  return -(logErfc(a / Math.SQRT2) / Math.LN10);
}
