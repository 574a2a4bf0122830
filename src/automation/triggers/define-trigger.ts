import type { z } from 'zod';
import { definedType, typeSchema, type DefinitionOptions, type TypeSchema } from '../../common/type-definition.js';
import type {
  EventTriggerType,
  PollTriggerType,
  RequestTriggerType,
  SaveContext,
  ScheduleTriggerType,
  TriggerType,
} from '../types.js';
import { triggerCommonShape } from './common.js';

type Schema<T extends string, S extends z.ZodRawShape> = TypeSchema<'type', T, typeof triggerCommonShape, S>;

/** What each kind adds: a schedule, a poll, an event match, or nothing (fired on request). */
type KindMethods<P> =
  | Pick<ScheduleTriggerType<P>, 'kind' | 'schedule'>
  | Pick<PollTriggerType<P>, 'kind' | 'pollEvery' | 'poll'>
  | Pick<EventTriggerType<P>, 'kind' | 'match' | 'watchedDatasets'>
  | Pick<RequestTriggerType<P>, 'kind' | 'via'>;

export type TriggerDefinition<
  T extends string,
  S extends z.ZodRawShape,
  P = z.output<Schema<T, S>>,
> = DefinitionOptions<Omit<z.input<Schema<T, S>>, 'type'>> & {
  /** The trigger's own settings; `type`, `id` and the schema version are added. */
  params: z.ZodObject<S, z.core.$ZodObjectConfig>;
  validate?(ctx: SaveContext, params: P): Promise<void>;
  /** One line for run causes and monitoring, e.g. "every day at 06:00 (UTC)". */
  describe(params: P): string;
} & KindMethods<P>;

/** A trigger type, its parameter type inferred from its schema. Register it in `registry.ts`. */
export function defineTrigger<T extends string, S extends z.ZodRawShape>(
  type: T,
  definition: TriggerDefinition<T, S>,
): TriggerType<z.output<Schema<T, S>>> {
  return {
    ...definition,
    type,
    params: typeSchema('type', type, triggerCommonShape, definition.params),
    ...definedType('type', type, definition),
  };
}
