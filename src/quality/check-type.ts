import type { z } from 'zod';
import type { DefinedType } from '../common/type-definition.js';
import type { CheckOutcome } from '../catalog/statuses.js';

export type { CheckOutcome } from '../catalog/statuses.js';
export type SqlDialect = 'duckdb' | 'postgres';

/** Metric name → value: numbers, ISO times (freshness) or text (min/max of text columns). */
export type Metrics = Record<string, number | string | null>;

export interface CheckInput {
  metrics: Metrics;
  /** The previous computation's metrics (null on the first). */
  previous: Metrics | null;
  /** Rows violating this check's column rule, counted in the metrics pass. */
  violations: number | null;
  now: number;
}

export interface CheckEvaluation {
  outcome: CheckOutcome;
  message: string;
  value: number | null;
}

/**
 * A check type: its parameter schema and how it judges. Column rules also give an aggregate
 * counting their violations, so every rule is counted in the one metrics pass.
 */
export interface CheckType<P = unknown> extends DefinedType {
  type: string;
  params: z.ZodType<P>;
  /** Default name: unique within a dataset's checks. */
  defaultName(p: P): string;
  /** Columns the check reads (checked at save time against the dataset's schema). */
  columns?(p: P): string[];
  /** Metrics the check reads (checked at save time against the dataset's metric names). */
  metrics?(p: P): string[];
  /** An aggregate SQL expression counting the rows that break the rule (`column` is quoted). */
  violations?(p: P, column: string, dialect: SqlDialect): string;
  evaluate(p: P, input: CheckInput): CheckEvaluation;
}

/** Severity of a broken rule: the outcome it yields. */
export const outcomeOf = (severity: 'error' | 'warning'): CheckOutcome => (severity === 'error' ? 'ERROR' : 'WARNING');
