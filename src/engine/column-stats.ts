/** Statistics of one column, as shown by the dataset explorer. */
export interface ColumnStats {
  name: string;
  type: string;
  /** Rows in the dataset (non-null values are `count - nulls`). */
  count: number;
  nulls: number;
  /**
   * Distinct non-null values: exact, but in DuckDB for nested columns (STRUCT, LIST, MAP) of
   * more than {@link EXACT_DISTINCT_ROWS} rows: approximate (HyperLogLog, a few percent off).
   */
  distinct: number;
  /** True when `distinct` is an estimate: show it as such (`≈13`). */
  distinctIsApproximate: boolean;
  min: unknown;
  max: unknown;
  /** Numeric columns only. */
  mean: number | null;
  stddev: number | null;
  /** The 10 most frequent non-null values, exact counts, most frequent first. */
  topValues: { value: unknown; count: number }[];
  /** About 20 equal-width bins between min and max (numeric and time columns); bounds of time bins are ISO strings. */
  histogram: HistogramBin[];
}

export interface HistogramBin {
  low: number | string;
  high: number | string;
  count: number;
}

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;
/** Up to this many rows distinct counts of nested columns are exact (`count(DISTINCT …)`); above, HyperLogLog keeps memory flat. */
export const EXACT_DISTINCT_ROWS = 100_000;

/** Equal-width bin edges; `null` when the range is empty or not finite (one bin, or none). */
export function binEdges(min: number, max: number, bins = HISTOGRAM_BINS): number[] | null {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) return null;
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + width * i);
  edges[bins] = max;
  return edges;
}

/** Turns per-bin counts into bins; time bins (epoch microseconds) get ISO bounds. */
export function toHistogram(edges: number[], counts: number[], temporal: boolean): HistogramBin[] {
  const bound = (x: number) => (temporal ? new Date(x / 1000).toISOString() : x);
  return counts.map((count, i) => ({ low: bound(edges[i]), high: bound(edges[i + 1]), count }));
}

export function singleBin(value: number, count: number, temporal: boolean): HistogramBin[] {
  return toHistogram([value, value], [count], temporal);
}
