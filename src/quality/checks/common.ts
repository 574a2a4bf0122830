import { z } from 'zod';
import type { CheckEvaluation, CheckType, SqlDialect } from '../check-type.js';
import { outcomeOf } from '../check-type.js';
import { defineCheck, type CheckDefinition, type CheckSchema } from './define-check.js';

export const severity = z.enum(['error', 'warning']).default('error').describe('Outcome when the rule is broken');

/** Counts rows matching a condition (DuckDB and PostgreSQL both know FILTER). */
export const countWhere = (condition: string) => `count(*) FILTER (WHERE ${condition})`;

type ColumnShape = z.ZodRawShape & { column: z.ZodString; severity: typeof severity };

export interface ColumnRuleDefinition<
  T extends string,
  S extends ColumnShape,
  P = z.output<CheckSchema<T, S>>,
> extends Omit<CheckDefinition<T, S>, 'defaultName' | 'columns' | 'violations' | 'evaluate'> {
  violations(p: P, column: string, dialect: SqlDialect): string;
  /** What the values are when the rule holds, e.g. "unique" or "in {A, B}". */
  what(p: P): string;
  /** How the rows breaking it are counted, when that is not plain: said after their number. */
  counted?: string;
}

/** A column rule: `violations` counts the rows breaking it; any violation yields the severity. */
export function columnRule<T extends string, S extends ColumnShape>(
  type: T,
  rule: ColumnRuleDefinition<T, S>,
): CheckType<z.output<CheckSchema<T, S>>> {
  const ruleOf = (p: unknown) => p as { column: string; severity: 'error' | 'warning' };
  return defineCheck(type, {
    ...rule,
    defaultName: (p) => `${type}:${ruleOf(p).column}`,
    columns: (p) => [ruleOf(p).column],
    evaluate(p, input): CheckEvaluation {
      const { column, severity } = ruleOf(p);
      const n = input.violations ?? 0;
      if (n === 0) return { outcome: 'OK', message: `${column}: ${rule.what(p)}`, value: 0 };
      return {
        outcome: outcomeOf(severity),
        message: `${column}: ${n} row${n > 1 ? 's' : ''} not ${rule.what(p)}${rule.counted ? ` (${rule.counted})` : ''}`,
        value: n,
      };
    },
  });
}

export function numeric(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
