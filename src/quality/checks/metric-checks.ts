import { z } from 'zod';
import type { CheckEvaluation, Metrics } from '../check-type.js';
import { outcomeOf } from '../check-type.js';
import { numeric, severity } from './common.js';
import { defineCheck } from './define-check.js';

const metric = z.string().min(1).describe('Metric name, e.g. records, nulls.trec_x, mean.trec_x, sql.bad_rows');
const bounds = z.object({ min: z.number().optional(), max: z.number().optional() }).strict();

const outside = (v: number, b?: { min?: number; max?: number }) =>
  b !== undefined && ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max));
const show = (b: { min?: number; max?: number }) => `[${b.min ?? '-∞'}, ${b.max ?? '∞'}]`;
/** A metric that was not computed at all (its column gone since the check was saved) is said so. */
const noValue = (metric: string, metrics: Metrics) =>
  metric in metrics
    ? `metric ${metric} has no numeric value`
    : `metric ${metric} was not computed: the dataset no longer has it (a column removed or renamed?)`;

/** A metric's value within error and warning bounds. */
export const metricBoundsCheck = defineCheck('metric-bounds', {
  label: 'Metric within bounds',
  params: z
    .object({
      metric,
      error: bounds.optional().describe('Outside these: ERROR'),
      warning: bounds.optional().describe('Outside these (but inside the error bounds): WARNING'),
    })
    .refine((p) => p.error || p.warning, { message: 'give error bounds, warning bounds or both' }),
  examples: [
    {
      title: 'Observation efficiency of the latest shift stays sensible',
      params: { metric: 'sql.latest_efficiency_pct', error: { min: 0, max: 100 }, warning: { min: 40 } },
    },
    { title: 'The shift table is never empty', params: { metric: 'records', error: { min: 1 } } },
  ],
  defaultName: (p) => `metric-bounds:${p.metric}`,
  metrics: (p) => [p.metric],
  evaluate(p, { metrics }): CheckEvaluation {
    const v = numeric(metrics[p.metric]);
    if (v === null) return { outcome: 'ERROR', message: noValue(p.metric, metrics), value: null };
    if (outside(v, p.error))
      return { outcome: 'ERROR', message: `${p.metric} = ${v}, outside ${show(p.error!)}`, value: v };
    if (outside(v, p.warning))
      return { outcome: 'WARNING', message: `${p.metric} = ${v}, outside ${show(p.warning!)}`, value: v };
    return { outcome: 'OK', message: `${p.metric} = ${v}`, value: v };
  },
});

const changeShape = {
  maxChange: z.number().min(0).optional().describe('Largest allowed absolute change'),
  maxChangePercent: z.number().min(0).optional().describe('Largest allowed change in percent of the previous value'),
  severity,
};

/** Compares a value with the previous computation's: absolute and relative limits. */
function judgeChange(
  label: string,
  current: number | null,
  previous: number | null,
  p: { maxChange?: number; maxChangePercent?: number; severity: 'error' | 'warning' },
): CheckEvaluation {
  if (current === null) return { outcome: 'ERROR', message: `${label} has no numeric value`, value: null };
  if (previous === null)
    return { outcome: 'OK', message: `${label} = ${current} (no previous value to compare)`, value: current };
  const change = current - previous;
  const percent =
    previous === 0 ? (change === 0 ? 0 : Number.POSITIVE_INFINITY) : (Math.abs(change) / Math.abs(previous)) * 100;
  const text = `${label} went from ${previous} to ${current} (${change >= 0 ? '+' : ''}${change}${Number.isFinite(percent) ? `, ${percent.toFixed(1)}%` : ''})`;
  const broken =
    (p.maxChange !== undefined && Math.abs(change) > p.maxChange) ||
    (p.maxChangePercent !== undefined && percent > p.maxChangePercent);
  return { outcome: broken ? outcomeOf(p.severity) : 'OK', message: text, value: change };
}

/** A metric's change against its previous value. */
export const metricChangeCheck = defineCheck('metric-change', {
  label: 'Metric change',
  params: z
    .object({ metric, ...changeShape })
    .refine((p) => p.maxChange !== undefined || p.maxChangePercent !== undefined, {
      message: 'give maxChange, maxChangePercent or both',
    }),
  examples: [
    {
      title: 'The mean receiver temperature does not jump between builds',
      params: { metric: 'mean.trec_x', maxChangePercent: 20, severity: 'warning' },
    },
  ],
  defaultName: (p) => `metric-change:${p.metric}`,
  metrics: (p) => [p.metric],
  evaluate: (p, { metrics, previous }) =>
    p.metric in metrics
      ? judgeChange(p.metric, numeric(metrics[p.metric]), previous ? numeric(previous[p.metric]) : null, p)
      : { outcome: 'ERROR', message: noValue(p.metric, metrics), value: null },
});

/** The record count against the previous computation's: limits on drop and growth. */
export const rowCountChangeCheck = defineCheck('row-count-change', {
  label: 'Row count against previous',
  params: z
    .object({
      maxDropPercent: z.number().min(0).max(100).optional().describe('Largest allowed drop, percent'),
      maxGrowthPercent: z.number().min(0).optional().describe('Largest allowed growth, percent'),
      severity,
    })
    .refine((p) => p.maxDropPercent !== undefined || p.maxGrowthPercent !== undefined, {
      message: 'give maxDropPercent, maxGrowthPercent or both',
    }),
  examples: [
    {
      title: 'Shift metrics never lose rows; a daily build adds a few',
      params: { maxDropPercent: 0, maxGrowthPercent: 10 },
    },
  ],
  defaultName: () => 'row-count-change',
  evaluate(p, { metrics, previous }) {
    const current = numeric(metrics.records);
    const before = previous ? numeric(previous.records) : null;
    if (current === null || before === null) return judgeChange('records', current, before, p);
    const change = current - before;
    const percent = before === 0 ? (change === 0 ? 0 : Number.POSITIVE_INFINITY) : (change / before) * 100;
    const text = `records went from ${before} to ${current} (${change >= 0 ? '+' : ''}${Number.isFinite(percent) ? percent.toFixed(1) + '%' : change})`;
    const broken =
      (p.maxDropPercent !== undefined && -percent > p.maxDropPercent) ||
      (p.maxGrowthPercent !== undefined && percent > p.maxGrowthPercent);
    return { outcome: broken ? outcomeOf(p.severity) : 'OK', message: text, value: change };
  },
});

/** The newest value of a time column is at most N hours old. */
export const freshnessCheck = defineCheck('freshness', {
  label: 'Freshness',
  params: z.object({
    column: z.string().min(1).describe('A date or timestamp column'),
    maxAgeHours: z.number().positive().describe('Newest value older than this: ERROR'),
    warningAgeHours: z.number().positive().optional().describe('Newest value older than this: WARNING'),
  }),
  examples: [
    {
      title: 'A shift ended in the last day (warn after 12 h)',
      params: { column: 'end_ts', maxAgeHours: 24, warningAgeHours: 12 },
    },
  ],
  defaultName: (p) => `freshness:${p.column}`,
  columns: (p) => [p.column],
  evaluate(p, { metrics, now }) {
    const latest = metrics[`freshness.${p.column}`];
    if (latest === null || latest === undefined)
      return { outcome: 'ERROR', message: `${p.column} has no values (or is not a time column)`, value: null };
    const hours = (now - new Date(String(latest)).getTime()) / 3_600_000;
    const text = `newest ${p.column} is ${latest}, ${hours.toFixed(1)} h old`;
    if (hours > p.maxAgeHours) return { outcome: 'ERROR', message: `${text} (limit ${p.maxAgeHours} h)`, value: hours };
    if (p.warningAgeHours !== undefined && hours > p.warningAgeHours)
      return { outcome: 'WARNING', message: `${text} (warning after ${p.warningAgeHours} h)`, value: hours };
    return { outcome: 'OK', message: text, value: hours };
  },
});
