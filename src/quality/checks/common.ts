import { z } from 'zod';
import type { CheckEvaluation, CheckType, SqlDialect } from '../check-type.js';
import { outcomeOf } from '../check-type.js';

export const checkName = z.string().min(1).max(200).optional().describe('Unique within the dataset; defaults to "<type>:<column or metric>"');
export const severity = z.enum(['error', 'warning']).default('error').describe('Outcome when the rule is broken');

export function checkParams<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ type: z.literal(type), name: checkName, ...shape }).strict();
}

/** Counts rows matching a condition (DuckDB and PostgreSQL both know FILTER). */
export const countWhere = (condition: string) => `count(*) FILTER (WHERE ${condition})`;

/** A column rule: `violations` counts the rows breaking it; any violation yields the severity. */
export function columnRule<P extends { type: string; column: string; severity: 'error' | 'warning' }>(
  type: string,
  label: string,
  params: z.ZodType<P>,
  violations: (p: P, column: string, dialect: SqlDialect) => string,
  what: (p: P) => string,
): CheckType<P> {
  return {
    type,
    label,
    params,
    defaultName: (p) => `${type}:${p.column}`,
    columns: (p) => [p.column],
    violations,
    evaluate(p, input): CheckEvaluation {
      const n = input.violations ?? 0;
      if (n === 0) return { outcome: 'OK', message: `${p.column}: ${what(p)}`, value: 0 };
      return { outcome: outcomeOf(p.severity), message: `${p.column}: ${n} row${n > 1 ? 's' : ''} not ${what(p)}`, value: n };
    },
  };
}

export function numeric(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
