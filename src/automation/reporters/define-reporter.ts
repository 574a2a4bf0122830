import type { z } from 'zod';
import { definedType, typeSchema, type DefinitionOptions, type TypeSchema } from '../../common/type-definition.js';
import type { ReporterContext, ReporterType, RunSummary } from '../types.js';
import { reporterCommonShape } from './common.js';

type Schema<C extends string, S extends z.ZodRawShape> = TypeSchema<'channel', C, typeof reporterCommonShape, S>;

export interface ReporterDefinition<
  C extends string,
  S extends z.ZodRawShape,
  P = z.output<Schema<C, S>>,
> extends DefinitionOptions<Omit<z.input<Schema<C, S>>, 'channel'>> {
  /** The channel's own settings; `channel`, `on`, `template` and the schema version are added. */
  params: z.ZodObject<S, z.core.$ZodObjectConfig>;
  /** Paths of fields holding secrets (e.g. ['smtp', 'password']): never returned by the API, kept when saved back redacted. */
  secretPaths?: string[][];
  /**
   * Paths of fields that say where the secrets are sent (default: ['url']): a save that changes one
   * while keeping a stored secret (saved back as ********) is refused, so nobody who cannot read a
   * secret can send it to a host of theirs.
   */
  secretDestination?: string[][];
  /**
   * Secrets Llano makes itself (a webhook's signing secret): filled with a fresh random value
   * (`prefix_…`) when a reporter is saved without one, shown once in that answer. Also list them in `secretPaths`.
   */
  generatedSecrets?: { path: string[]; prefix: string }[];
  send(ctx: ReporterContext, params: P, summary: RunSummary, message: string): Promise<void>;
}

/** A reporter channel, its parameter type inferred from its schema. Register it in `registry.ts`. */
export function defineReporter<C extends string, S extends z.ZodRawShape>(
  channel: C,
  definition: ReporterDefinition<C, S>,
): ReporterType<z.output<Schema<C, S>>> {
  return {
    ...definition,
    channel,
    params: typeSchema('channel', channel, reporterCommonShape, definition.params),
    ...definedType('channel', channel, definition),
  };
}
