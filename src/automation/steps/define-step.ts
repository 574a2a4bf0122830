import type { z } from 'zod';
import { definedType, typeSchema, type DefinitionOptions, type TypeSchema } from '../../common/type-definition.js';
import type { SaveContext, StepContext, StepResult, StepType } from '../types.js';
import { stepCommonShape } from './common.js';

type Schema<T extends string, S extends z.ZodRawShape> = TypeSchema<'type', T, typeof stepCommonShape, S>;

export interface StepDefinition<
  T extends string,
  S extends z.ZodRawShape,
  P = z.output<Schema<T, S>>,
> extends DefinitionOptions<Omit<z.input<Schema<T, S>>, 'type'>> {
  /** The step's own settings; `type`, the common fields (name, runIf, timeout, retries) and the schema version are added. */
  params: z.ZodObject<S, z.core.$ZodObjectConfig>;
  /** Paths of fields holding secrets (e.g. ['headers']): never returned by the API, kept when saved back redacted. */
  secretPaths?: string[][];
  /**
   * Paths of fields that say where the secrets are sent (default: ['url']): a save that changes one
   * while keeping a stored secret (saved back as ********) is refused, so nobody who cannot read a
   * secret can send it to a host of theirs.
   */
  secretDestination?: string[][];
  /** Checks against the catalog at save time (datasets, connections… exist). */
  validate?(ctx: SaveContext, params: P): Promise<void>;
  run(ctx: StepContext, params: P): Promise<StepResult>;
}

/** A step type, its parameter type inferred from its schema. Register it in `registry.ts`. */
export function defineStep<T extends string, S extends z.ZodRawShape>(
  type: T,
  definition: StepDefinition<T, S>,
): StepType<z.output<Schema<T, S>>> {
  return {
    ...definition,
    type,
    params: typeSchema('type', type, stepCommonShape, definition.params),
    ...definedType('type', type, definition),
  };
}
