import { AnalyticsInputError, checkNumber } from '../common/errors.js';
import type { Matrix } from './matrix.js';
import { robustScale, robustZScores, scoreWithScale } from './robust-z.js';
import { flagAbove, type OutlierScores } from './scores.js';

/** Scores one group's values. */
export type SeriesScorer = (values: Float64Array) => OutlierScores;
/** Scores one group's rows. */
export type MatrixScorer = (rows: Matrix) => OutlierScores;

/**
 * Row indices per group key, in first-seen order. Keys are strings so that any composite
 * key works: join the parts yourself, e.g. `${eb}|${band}|${baseband}|${pol}`.
 */
export function groupRows(keys: readonly string[]): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const list = lists.get(key);
    if (list) list.push(i);
    else lists.set(key, [i]);
  });
  return new Map([...lists].map(([key, rows]) => [key, Int32Array.from(rows)]));
}

function checkKeys(keys: readonly string[], rows: number): void {
  if (keys.length !== rows) throw new AnalyticsInputError(`got ${keys.length} group keys for ${rows} rows`);
}

/** Scores every value within its own group (default scorer: robust z-score, |z| > 3.5). */
export function scoreWithinGroups(
  values: ArrayLike<number>,
  keys: readonly string[],
  scorer: SeriesScorer = (v) => robustZScores(v),
): OutlierScores {
  checkKeys(keys, values.length);
  const scores = new Float64Array(values.length);
  const flags = new Uint8Array(values.length);
  for (const rows of groupRows(keys).values()) {
    const part = scorer(Float64Array.from(rows, (r) => values[r]));
    rows.forEach((r, i) => {
      scores[r] = part.scores[i];
      flags[r] = part.flags[i];
    });
  }
  return { scores, flags };
}

/** Scores every row within its own group with a multi-column scorer (Isolation Forest, LOF…). */
export function scoreRowsWithinGroups(m: Matrix, keys: readonly string[], scorer: MatrixScorer): OutlierScores {
  checkKeys(keys, m.rows);
  const scores = new Float64Array(m.rows);
  const flags = new Uint8Array(m.rows);
  for (const rows of groupRows(keys).values()) {
    const data = new Float64Array(rows.length * m.cols);
    rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
    const part = scorer({ rows: rows.length, cols: m.cols, data });
    rows.forEach((r, i) => {
      scores[r] = part.scores[i];
      flags[r] = part.flags[i];
    });
  }
  return { scores, flags };
}

/**
 * Scores each value against its own key's history: z = (x − median_h)/(1.4826·MAD_h) with the
 * median and MAD of that key's past values. Keys without history score NaN and never flag.
 */
export function scoreAgainstHistory(
  values: ArrayLike<number>,
  keys: readonly string[],
  history: ArrayLike<number>,
  historyKeys: readonly string[],
  threshold = 3.5,
): OutlierScores {
  checkKeys(keys, values.length);
  checkKeys(historyKeys, history.length);
  checkNumber(threshold, 'threshold', 0);
  const scales = new Map<string, ReturnType<typeof robustScale>>();
  for (const [key, rows] of groupRows(historyKeys))
    scales.set(key, robustScale(Float64Array.from(rows, (r) => history[r])));
  const scores = new Float64Array(values.length).fill(NaN);
  for (const [key, rows] of groupRows(keys)) {
    const scale = scales.get(key);
    if (!scale) continue;
    const part = scoreWithScale(
      Float64Array.from(rows, (r) => values[r]),
      scale,
    );
    rows.forEach((r, i) => (scores[r] = part[i]));
  }
  return flagAbove(scores, threshold);
}
