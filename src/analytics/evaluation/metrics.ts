/**
 * Change-point evaluation metrics as defined by van den Burg & Williams (2020), "An Evaluation
 * of Change Point Detection Algorithms" (§4.1), written from the paper's definitions:
 *
 * - Change points are indices of the first point of a new segment. The index 0 counts as a
 *   change point in every annotation and in the prediction (it is always "found"), so a
 *   series without changes scored against an empty prediction gets F1 = 1 and Cover = 1.
 * - **F1 with margin M**: a true change τ is detected when some predicted x has |τ − x| ≤ M;
 *   each prediction can match one true change only (nearest first). With annotators
 *   k = 1 … K (sets Tₖ) and T* their union, precision P = |TP(T*, X)| / |X| and recall
 *   R = (1/K) Σₖ |TP(Tₖ, X)| / |Tₖ|; F1 = 2PR / (P + R).
 * - **Cover**: for a ground-truth partition G and a predicted partition G' of the n points,
 *   C(G', G) = (1/n) Σ_{A ∈ G} |A| · max_{A' ∈ G'} |A ∩ A'| / |A ∪ A'|, averaged over annotators.
 */

/** Default margin of the F1 score, as in the paper. */
export const DEFAULT_F1_MARGIN = 5;

/** Precision, recall and F1 of one prediction. */
export interface F1Score {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * True changes of `truth` matched by `predicted` within `margin`, without counting a prediction
 * twice: each true change (ascending) takes the nearest prediction still unused.
 */
export function truePositives(truth: Iterable<number>, predicted: Iterable<number>, margin: number): Set<number> {
  const free = new Set(predicted);
  const hits = new Set<number>();
  for (const tau of [...new Set(truth)].sort((a, b) => a - b)) {
    let nearest: number | undefined;
    let distance = Infinity;
    for (const x of free) {
      const d = Math.abs(tau - x);
      if (d <= margin && (d < distance || (d === distance && nearest !== undefined && x < nearest))) {
        distance = d;
        nearest = x;
      }
    }
    if (nearest === undefined) continue;
    hits.add(tau);
    free.delete(nearest);
  }
  return hits;
}

/**
 * F1 of `predicted` against one or more annotations (`annotations[k]` = annotator k's change
 * points), with the index 0 added to every set as in the paper.
 */
export function f1Score(
  annotations: readonly (readonly number[])[],
  predicted: readonly number[],
  margin = DEFAULT_F1_MARGIN,
): F1Score {
  if (annotations.length === 0) throw new RangeError('f1Score needs at least one annotation');
  const withStart = (cps: readonly number[]) => new Set([0, ...cps]);
  const sets = annotations.map(withStart);
  const union = new Set<number>();
  for (const s of sets) for (const c of s) union.add(c);
  const x = withStart(predicted);
  const precision = truePositives(union, x, margin).size / x.size;
  let recall = 0;
  for (const s of sets) recall += truePositives(s, x, margin).size / s.size;
  recall /= sets.length;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** Segment boundaries [0, c₁, …, n] of the partition of n points given by change points (others ignored). */
function boundaries(changes: readonly number[], n: number): number[] {
  const inside = [...new Set(changes)].filter((c) => c > 0 && c < n).sort((a, b) => a - b);
  return [0, ...inside, n];
}

/**
 * Cover of the predicted partition over the ground-truth partition (one annotation):
 * (1/n) Σ_{A ∈ truth} |A| · max_{A' ∈ predicted} Jaccard(A, A'). Segments are intervals, so the
 * overlaps come from a merge of the two boundary lists in O(segments).
 */
export function coverSingle(truth: readonly number[], predicted: readonly number[], n: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`cover needs a positive series length, got ${n}`);
  const a = boundaries(truth, n);
  const b = boundaries(predicted, n);
  let total = 0;
  let j = 0;
  for (let i = 0; i + 1 < a.length; i++) {
    const start = a[i];
    const end = a[i + 1];
    while (b[j + 1] <= start) j++;
    let bestJaccard = 0;
    for (let k = j; k + 1 < b.length && b[k] < end; k++) {
      const intersection = Math.min(end, b[k + 1]) - Math.max(start, b[k]);
      const union = Math.max(end, b[k + 1]) - Math.min(start, b[k]);
      if (intersection / union > bestJaccard) bestJaccard = intersection / union;
    }
    total += (end - start) * bestJaccard;
  }
  return total / n;
}

/** Cover averaged over annotators, as in the paper. */
export function cover(annotations: readonly (readonly number[])[], predicted: readonly number[], n: number): number {
  if (annotations.length === 0) throw new RangeError('cover needs at least one annotation');
  let sum = 0;
  for (const truth of annotations) sum += coverSingle(truth, predicted, n);
  return sum / annotations.length;
}

/** Precision and recall of detections against known events on a time axis. */
export interface EventScore {
  /** Events of interest with a detection within the tolerance (one detection per event). */
  found: number;
  events: number;
  /** Detections within the tolerance of any known change (of interest or not). */
  explained: number;
  detections: number;
  precision: number;
  recall: number;
}

/**
 * Scores detections against events of interest (e.g. steps ≥ 5 %) and all known changes
 * (`known`, a superset: smaller steps and excursion edges are real too, so detecting them is
 * not a false alarm). A detection is a time interval [from, to]: a change found at sample i of
 * an irregular series happened between samples i − 1 and i; a plain time t is [t, t]. Its
 * distance to an event is 0 inside the interval, else to the nearer end. Recall matches events
 * one-to-one (ascending, nearest unused detection within `tolerance`, like {@link truePositives});
 * precision counts detections within `tolerance` of any known change. With no events recall
 * is 1; with no detections precision is 1.
 */
export function scoreEvents(
  events: readonly number[],
  known: readonly number[],
  detections: readonly (readonly [number, number])[],
  tolerance: number,
): EventScore {
  const distance = (e: number, [from, to]: readonly [number, number]) => Math.max(0, from - e, e - to);
  const distinct = [...new Set(events)].sort((a, b) => a - b);
  const used = new Set<number>();
  let found = 0;
  for (const e of distinct) {
    let nearest = -1;
    let best = Infinity;
    detections.forEach((d, i) => {
      const dist = distance(e, d);
      if (!used.has(i) && dist <= tolerance && dist < best) {
        best = dist;
        nearest = i;
      }
    });
    if (nearest < 0) continue;
    used.add(nearest);
    found++;
  }
  let explained = 0;
  for (const d of detections) if (known.some((k) => distance(k, d) <= tolerance)) explained++;
  return {
    found,
    events: distinct.length,
    explained,
    detections: detections.length,
    precision: detections.length ? explained / detections.length : 1,
    recall: distinct.length ? found / distinct.length : 1,
  };
}
