import { z } from 'zod';
import { definedType, typeSchema, type DefinitionOptions, type TypeSchema } from '../../common/type-definition.js';
import type { CheckEvaluation, CheckInput, CheckType, SqlDialect } from '../check-type.js';

/** Fields every check has besides its type. */
export const checkCommonShape = {
  name: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Unique within the dataset; defaults to "<type>:<column or metric>"'),
};

export type CheckSchema<T extends string, S extends z.ZodRawShape> = TypeSchema<'type', T, typeof checkCommonShape, S>;

export interface CheckDefinition<
  T extends string,
  S extends z.ZodRawShape,
  P = z.output<CheckSchema<T, S>>,
> extends DefinitionOptions<Omit<z.input<CheckSchema<T, S>>, 'type'>> {
  /** The check's own settings; `type`, `name` and the schema version are added. */
  params: z.ZodObject<S, z.core.$ZodObjectConfig>;
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

/** A check type, its parameter type inferred from its schema. Register it in `registry.ts`. */
export function defineCheck<T extends string, S extends z.ZodRawShape>(
  type: T,
  definition: CheckDefinition<T, S>,
): CheckType<z.output<CheckSchema<T, S>>> {
  return {
    ...definition,
    type,
    params: typeSchema('type', type, checkCommonShape, definition.params),
    ...definedType('type', type, definition),
  };
}
