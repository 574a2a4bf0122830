import { AnalyticsInputError, checkInteger, checkNumber } from '../common/errors.js';
import { MAD_TO_SD, medianAndMad } from '../common/order-statistics.js';
import { rowIsFinite, type Matrix } from './matrix.js';
import type { OutlierScores } from './scores.js';

/** Options of {@link localOutlierFactor}. */
export interface LofOptions {
  /** Neighbours per point. Default 20 (capped at rows − 1). */
  k?: number;
  /** Flag LOF above this. Default 1.5. */
  threshold?: number;
  /** Scale each column by its robust spread (1.4826·MAD) first, so Kelvin and ratios mix. Default true. */
  standardise?: boolean;
}

/**
 * Local Outlier Factor (Breunig et al. 2000) with exactly k nearest neighbours (Euclidean):
 * LOF ≈ 1 inside a cluster, well above 1 for points in sparser surroundings than their
 * neighbours. Brute-force neighbour search, O(rows²·cols): meant for up to some 10⁴ rows
 * (one group at a time). Rows with a non-finite value get NaN and no flag.
 */
export function localOutlierFactor(m: Matrix, options: LofOptions = {}): OutlierScores {
  const threshold = checkNumber(options.threshold ?? 1.5, 'threshold', 0);
  const rowsUsed: number[] = [];
  for (let i = 0; i < m.rows; i++) if (rowIsFinite(m, i)) rowsUsed.push(i);
  const n = rowsUsed.length;
  const scores = new Float64Array(m.rows).fill(NaN);
  const flags = new Uint8Array(m.rows);
  if (n < 2) {
    if (n === 1) scores[rowsUsed[0]] = 1;
    return { scores, flags };
  }
  const k = Math.min(checkInteger(options.k ?? 20, 'k', 1), n - 1);
  const d = m.cols;
  const points = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const column = Float64Array.from(rowsUsed, (r) => m.data[r * d + j]);
    const spread = options.standardise === false ? 1 : MAD_TO_SD * medianAndMad(column).mad || 1;
    for (let i = 0; i < n; i++) points[i * d + j] = column[i] / spread;
  }
  const neighbours = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const kDistance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nearest(points, n, d, i, k, neighbours.subarray(i * k, i * k + k), distances.subarray(i * k, i * k + k));
    kDistance[i] = distances[i * k + k - 1];
  }
  const density = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let reach = 0;
    for (let q = 0; q < k; q++) reach += Math.max(kDistance[neighbours[i * k + q]], distances[i * k + q]);
    // Same guard as scikit-learn: duplicates would otherwise give infinite density.
    density[i] = 1 / (reach / k + 1e-10);
  }
  for (let i = 0; i < n; i++) {
    let ratio = 0;
    for (let q = 0; q < k; q++) ratio += density[neighbours[i * k + q]];
    const lof = ratio / k / density[i];
    scores[rowsUsed[i]] = lof;
    flags[rowsUsed[i]] = lof > threshold ? 1 : 0;
  }
  return { scores, flags };
}

/** The k nearest other points of point i, ascending by distance (insertion into a sorted list of k). */
function nearest(
  points: Float64Array,
  n: number,
  d: number,
  i: number,
  k: number,
  index: Int32Array,
  dist: Float64Array,
): void {
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const diff = points[i * d + c] - points[j * d + c];
      s += diff * diff;
    }
    const distance = Math.sqrt(s);
    if (size === k && distance >= dist[k - 1]) continue;
    let p = size < k ? size++ : k - 1;
    while (p > 0 && dist[p - 1] > distance) {
      dist[p] = dist[p - 1];
      index[p] = index[p - 1];
      p--;
    }
    dist[p] = distance;
    index[p] = j;
  }
  if (size < k) throw new AnalyticsInputError('not enough rows for the requested number of neighbours');
}
