import { z } from 'zod';

/**
 * How a dataset is partitioned, partition ids, and how an output partition depends on input
 * partitions. Pure (no catalog, no engine), so the planner, the services and the UI share it.
 *
 * A partition id is one value per dimension, in the declared order, joined by `|`:
 * `2024-10-01|12m|ALMA_RB_06`. Time values are UTC and prefix-compatible across periods
 * (`2024`, `2024-10`, `2024-10-01`, `2024-10-01T13`), so truncating to a coarser period is
 * taking a prefix.
 */

export const TIME_PERIODS = ['hour', 'day', 'month', 'year'] as const;
export type TimePeriod = (typeof TIME_PERIODS)[number];

const PERIOD_LENGTH: Record<TimePeriod, number> = { year: 4, month: 7, day: 10, hour: 13 };
const PERIOD_PATTERN: Record<TimePeriod, RegExp> = {
  year: /^\d{4}$/,
  month: /^\d{4}-\d{2}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
  hour: /^\d{4}-\d{2}-\d{2}T\d{2}$/,
};
/** DuckDB `strftime` formats writing a timestamp as a period's value. */
export const PERIOD_FORMAT: Record<TimePeriod, string> = {
  year: '%Y',
  month: '%Y-%m',
  day: '%Y-%m-%d',
  hour: '%Y-%m-%dT%H',
};

const dimensionName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'A dimension name is a letter or _ then letters, digits or _');

export const PartitionDimensionSchema = z.discriminatedUnion('type', [
  z.object({
    name: dimensionName,
    type: z.literal('time'),
    period: z.enum(TIME_PERIODS),
    column: z.string().min(1).max(200),
  }),
  z.object({ name: dimensionName, type: z.literal('discrete'), column: z.string().min(1).max(200) }),
]);
export type PartitionDimension = z.infer<typeof PartitionDimensionSchema>;

export const PartitioningSchema = z.object({
  dimensions: z
    .array(PartitionDimensionSchema)
    .min(1, 'Declare at least one dimension')
    .max(8, 'At most 8 dimensions')
    .refine((d) => new Set(d.map((x) => x.name)).size === d.length, 'Dimension names must be distinct')
    .refine((d) => d.filter((x) => x.type === 'time').length <= 1, 'At most one time dimension'),
});
export type Partitioning = z.infer<typeof PartitioningSchema>;

/**
 * Which partitions of an input one output partition reads (declared per recipe input in
 * `partitionDependencies`; a partitioned input defaults to `equals`):
 * - `equals`: the input partitions with the same values on the dimensions both have;
 * - `time-range`: like `equals`, but the time value may be from `from` to `to` periods of the
 *   output's period away (`{"from":-6,"to":0}`: the last 7 days up to the output's day);
 * - `latest`: the newest available input partition; `all`: every available one;
 * - `values`: the listed input partitions.
 */
export const PartitionDependencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('equals') }),
  z
    .object({
      kind: z.literal('time-range'),
      from: z.number().int().min(-10_000).max(10_000),
      to: z.number().int().min(-10_000).max(10_000),
    })
    .refine((r) => r.from <= r.to, 'from must not be after to'),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('values'), partitions: z.array(z.string().min(1)).min(1).max(10_000) }),
]);
export type PartitionDependency = z.infer<typeof PartitionDependencySchema>;

/** A recipe's dependencies by input name. */
export const PartitionDependenciesSchema = z.record(z.string(), PartitionDependencySchema);

/** The partition states a listing shows. */
export const PARTITION_STATES = ['ready', 'stale', 'missing', 'building', 'failed'] as const;
export type PartitionState = (typeof PARTITION_STATES)[number];

export interface PartitionInfo {
  id: string;
  rows: number | null;
  state: PartitionState;
  /** When its data was built (partitions built by a recipe). */
  builtAt?: string | null;
  /** The last attempt's error (state `failed`). */
  error?: string | null;
  /** Why it must be built again (state `stale`): `input changed`, `library bands.py changed`… */
  reason?: string;
}

/** Where `value` is not a valid value of `period`, why; null when it is. */
function badTime(value: string, period: TimePeriod): string | null {
  if (!PERIOD_PATTERN[period].test(value)) return `"${value}" is not a ${period} (${PERIOD_FORMAT[period]})`;
  const d = timeToDate(value);
  if (Number.isNaN(d.getTime()) || formatTime(d, period) !== value) return `"${value}" is not a valid ${period}`;
  return null;
}

/** The UTC instant a time value starts at. */
export function timeToDate(value: string): Date {
  const [y, m = '01', rest = '01'] = value.split('-');
  const [d, h = '00'] = rest.split('T');
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h)));
}

export function formatTime(d: Date, period: TimePeriod): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const iso = `${String(d.getUTCFullYear()).padStart(4, '0')}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}`;
  return iso.slice(0, PERIOD_LENGTH[period]);
}

/** The value `n` periods after (before, when negative) `value`. */
export function shiftTime(value: string, period: TimePeriod, n: number): string {
  const d = timeToDate(value);
  if (period === 'hour') d.setUTCHours(d.getUTCHours() + n);
  else if (period === 'day') d.setUTCDate(d.getUTCDate() + n);
  else if (period === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return formatTime(d, period);
}

/** Every value of `period` from `from` to `to`, both included (at most `max`). */
export function timeRange(from: string, to: string, period: TimePeriod, max = 100_000): string[] {
  const out: string[] = [];
  for (let v = from; v <= to; v = shiftTime(v, period, 1)) {
    if (out.length >= max) throw new Error(`The range ${from}..${to} has more than ${max} ${period}s`);
    out.push(v);
  }
  return out;
}

/** The coarser of two periods. */
function coarser(a: TimePeriod, b: TimePeriod): TimePeriod {
  return PERIOD_LENGTH[a] <= PERIOD_LENGTH[b] ? a : b;
}

export const truncateTime = (value: string, period: TimePeriod) => value.slice(0, PERIOD_LENGTH[period]);

/** A partition id's values by dimension name; throws an Error naming the problem when it does not fit. */
export function parsePartitionId(partitioning: Partitioning, id: string): Record<string, string> {
  const values = id.split('|');
  const dims = partitioning.dimensions;
  if (values.length !== dims.length)
    throw new Error(
      `Partition "${id}" has ${values.length} value${values.length > 1 ? 's' : ''}; expected ${dims.length} (${dims.map((d) => d.name).join('|')})`,
    );
  const out: Record<string, string> = {};
  dims.forEach((d, i) => {
    const v = values[i];
    if (d.type === 'time') {
      const why = badTime(v, d.period);
      if (why) throw new Error(`Partition "${id}": ${d.name} ${why}`);
    } else if (v.length === 0 || v.length > 200)
      throw new Error(`Partition "${id}": ${d.name} must be 1 to 200 characters`);
    out[d.name] = v;
  });
  return out;
}

export function partitionId(partitioning: Partitioning, values: Record<string, string>): string {
  return partitioning.dimensions.map((d) => values[d.name]).join('|');
}

export const timeDimension = (p: Partitioning) =>
  p.dimensions.find((d): d is Extract<PartitionDimension, { type: 'time' }> => d.type === 'time');

/**
 * Whether input partition `input` is read by output partition `output` under an `equals` or
 * `time-range` dependency: the dimensions both have (by name) must match, time values compared
 * at the coarser of the two periods; `allowed` lists the output-period values a time-range admits.
 */
export function partitionMatches(
  out: { partitioning: Partitioning; values: Record<string, string> },
  inp: { partitioning: Partitioning; values: Record<string, string> },
  dependency: Extract<PartitionDependency, { kind: 'equals' | 'time-range' }>,
): boolean {
  for (const od of out.partitioning.dimensions) {
    const id = inp.partitioning.dimensions.find((d) => d.name === od.name);
    if (!id) continue;
    const ov = out.values[od.name];
    const iv = inp.values[od.name];
    if (od.type === 'time' && id.type === 'time') {
      const at = coarser(od.period, id.period);
      const candidates =
        dependency.kind === 'time-range'
          ? timeRange(shiftTime(ov, od.period, dependency.from), shiftTime(ov, od.period, dependency.to), od.period)
          : [ov];
      const iAt = truncateTime(iv, at);
      if (!candidates.some((c) => truncateTime(c, at) === iAt)) return false;
    } else if (ov !== iv) return false;
  }
  return true;
}

/**
 * The output partition an input partition implies (for the set of partitions a build may make),
 * when the input has every output dimension and is at least as fine in time; null otherwise.
 */
export function impliedPartition(
  output: Partitioning,
  input: { partitioning: Partitioning; values: Record<string, string> },
): string | null {
  const values: Record<string, string> = {};
  for (const od of output.dimensions) {
    const id = input.partitioning.dimensions.find((d) => d.name === od.name);
    if (!id) return null;
    const v = input.values[od.name];
    if (od.type === 'time') {
      if (id.type !== 'time' || PERIOD_LENGTH[id.period] < PERIOD_LENGTH[od.period]) return null;
      values[od.name] = truncateTime(v, od.period);
    } else values[od.name] = v;
  }
  return partitionId(output, values);
}
