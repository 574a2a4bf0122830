import { AnalyticsInputError, checkInteger } from '../common/errors.js';
import { createRandom, type Random } from '../common/random.js';
import { rowIsFinite, type Matrix } from './matrix.js';
import type { OutlierScores } from './scores.js';

/** Options of {@link fitIsolationForest}. */
export interface IsolationForestOptions {
  /** Number of trees. Default 100. */
  trees?: number;
  /** Rows drawn (without replacement) per tree. Default min(256, rows). */
  sampleSize?: number;
  /** Seed of the random choices; same seed and data, same forest. Default 42. */
  seed?: number;
}

/** A fitted forest: every tree's nodes in flat typed arrays. */
export interface IsolationForest {
  cols: number;
  sampleSize: number;
  /** Start node of each tree. */
  roots: Int32Array;
  /** Split column per node, −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Training rows that reached a leaf. */
  leafSize: Int32Array;
}

const EULER_GAMMA = 0.5772156649015329;

/** Average path length of an unsuccessful binary-search-tree search among n points, c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Isolation Forest (Liu, Ting & Zhou 2008): random axis-parallel splits isolate anomalies
 * in fewer steps. Trees grow to depth ⌈log₂ sampleSize⌉ on random subsamples; rows with a
 * non-finite value are left out of training.
 */
export function fitIsolationForest(m: Matrix, options: IsolationForestOptions = {}): IsolationForest {
  const trees = checkInteger(options.trees ?? 100, 'trees', 1);
  const usable: number[] = [];
  for (let i = 0; i < m.rows; i++) if (rowIsFinite(m, i)) usable.push(i);
  if (usable.length < 2)
    throw new AnalyticsInputError('an isolation forest needs at least two rows with finite values');
  const sampleSize = Math.min(checkInteger(options.sampleSize ?? 256, 'sampleSize', 2), usable.length);
  const random = createRandom(options.seed ?? 42);
  const maxDepth = Math.ceil(Math.log2(sampleSize));
  const maxNodes = trees * (2 * sampleSize - 1);
  const forest: IsolationForest = {
    cols: m.cols,
    sampleSize,
    roots: new Int32Array(trees),
    feature: new Int32Array(maxNodes),
    threshold: new Float64Array(maxNodes),
    left: new Int32Array(maxNodes),
    right: new Int32Array(maxNodes),
    leafSize: new Int32Array(maxNodes),
  };
  const pool = Int32Array.from(usable);
  const sample = new Int32Array(sampleSize);
  let nodes = 0;
  const grow = (from: number, to: number, depth: number): number => {
    const node = nodes++;
    const split = depth < maxDepth && to - from > 1 ? chooseSplit(m, sample, from, to, random) : null;
    if (!split) {
      forest.feature[node] = -1;
      forest.leafSize[node] = to - from;
      return node;
    }
    // Partition sample[from..to) around the split value.
    let i = from;
    let j = to - 1;
    while (i <= j) {
      if (m.data[sample[i] * m.cols + split.feature] < split.value) i++;
      else {
        const t = sample[i];
        sample[i] = sample[j];
        sample[j] = t;
        j--;
      }
    }
    forest.feature[node] = split.feature;
    forest.threshold[node] = split.value;
    forest.left[node] = grow(from, i, depth + 1);
    forest.right[node] = grow(i, to, depth + 1);
    return node;
  };
  for (let t = 0; t < trees; t++) {
    // Partial Fisher–Yates: the first sampleSize entries of the pool become the subsample.
    for (let k = 0; k < sampleSize; k++) {
      const r = k + random.integer(pool.length - k);
      const tmp = pool[k];
      pool[k] = pool[r];
      pool[r] = tmp;
      sample[k] = pool[k];
    }
    forest.roots[t] = grow(0, sampleSize, 0);
  }
  return forest;
}

/** Picks a random column that varies within the node and a uniform split value inside its range. */
function chooseSplit(
  m: Matrix,
  sample: Int32Array,
  from: number,
  to: number,
  random: Random,
): { feature: number; value: number } | null {
  const start = random.integer(m.cols);
  for (let attempt = 0; attempt < m.cols; attempt++) {
    const feature = (start + attempt) % m.cols;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = m.data[sample[i] * m.cols + feature];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) {
      let value = lo + random.next() * (hi - lo);
      if (value <= lo) value = hi; // keeps both sides non-empty
      return { feature, value };
    }
  }
  return null;
}

/**
 * Anomaly scores s = 2^(−E[h(x)]/c(ψ)) in (0, 1]: near 1 anomalous, ≤ 0.5 normal.
 * Flags s > threshold (default 0.6). Rows with a non-finite value get NaN and no flag.
 */
export function scoreIsolationForest(forest: IsolationForest, m: Matrix, threshold = 0.6): OutlierScores {
  if (m.cols !== forest.cols)
    throw new AnalyticsInputError(`the forest was fitted on ${forest.cols} columns, got ${m.cols}`);
  const scores = new Float64Array(m.rows);
  const flags = new Uint8Array(m.rows);
  const norm = averagePathLength(forest.sampleSize);
  const { feature, threshold: cut, left, right, leafSize, roots } = forest;
  for (let i = 0; i < m.rows; i++) {
    if (!rowIsFinite(m, i)) {
      scores[i] = NaN;
      continue;
    }
    const base = i * m.cols;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let depth = 0;
      while (feature[node] >= 0) {
        node = m.data[base + feature[node]] < cut[node] ? left[node] : right[node];
        depth++;
      }
      total += depth + averagePathLength(leafSize[node]);
    }
    scores[i] = Math.pow(2, -total / roots.length / norm);
    flags[i] = scores[i] > threshold ? 1 : 0;
  }
  return { scores, flags };
}

/** Fits a forest on `m` and scores the same rows. */
export function isolationForestScores(
  m: Matrix,
  options: IsolationForestOptions & { threshold?: number } = {},
): OutlierScores {
  return scoreIsolationForest(fitIsolationForest(m, options), m, options.threshold);
}
