import { AnalyticsInputError } from '../common/errors.js';

/** Named penalties per added change point, or a manual number. */
export type PenaltyKind = 'bic' | 'mbic' | 'aic' | 'hq';

/** Every named penalty. */
export const PENALTY_KINDS: readonly PenaltyKind[] = ['bic', 'mbic', 'aic', 'hq'];

/**
 * The penalty β added for each change point, for a series of `n` points where every new
 * segment adds `parametersPerChange` parameters besides its location (k = p + 1 in total):
 *
 * - `bic`  (Schwarz): k·log n
 * - `mbic` (Zhang & Siegmund 2007, per-change term): (p + 2)·log n. Their Σ log(nᵢ/n)
 *   segment-length term is left out so every search (PELT, FPOP, optimal partitioning,
 *   binary segmentation) optimises the same additive objective with a constant penalty.
 * - `aic`  (Akaike): 2k
 * - `hq`   (Hannan–Quinn): 2k·log log n
 * - a number: used as is (must be ≥ 0).
 */
export function penaltyValue(penalty: PenaltyKind | number, n: number, parametersPerChange: number): number {
  if (typeof penalty === 'number') {
    if (!Number.isFinite(penalty) || penalty < 0)
      throw new AnalyticsInputError(`a manual penalty must be a finite number ≥ 0, got ${penalty}`);
    return penalty;
  }
  const k = parametersPerChange + 1;
  const logN = Math.log(Math.max(n, 3));
  switch (penalty) {
    case 'bic':
      return k * logN;
    case 'mbic':
      return (parametersPerChange + 2) * logN;
    case 'aic':
      return 2 * k;
    case 'hq':
      return 2 * k * Math.log(logN);
    default:
      throw new AnalyticsInputError(
        `unknown penalty "${String(penalty)}"; use one of ${PENALTY_KINDS.join(', ')} or a number`,
      );
  }
}

/** Parses a CLI-style penalty: a name or a non-negative number. */
export function parsePenalty(text: string): PenaltyKind | number {
  const lower = text.trim().toLowerCase();
  if ((PENALTY_KINDS as readonly string[]).includes(lower)) return lower as PenaltyKind;
  const value = Number(lower);
  if (lower === '' || !Number.isFinite(value) || value < 0) {
    throw new AnalyticsInputError(`penalty must be one of ${PENALTY_KINDS.join(', ')} or a number ≥ 0, got "${text}"`);
  }
  return value;
}
