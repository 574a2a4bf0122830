import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * What every defined type (step, trigger, reporter, check, recipe type) shares, and the one
 * way its stored parameters are versioned: each type has a `version` (1 unless it says
 * otherwise); stored parameters record it in `schemaVersion` and are brought up to date by the
 * type's `upgrades` when read, before its schema validates them (as n8n versions node types).
 */

/** The field of stored parameters holding the version of the type's settings they follow; absent means 1. */
export const SCHEMA_VERSION = 'schemaVersion';

/** Accepted by every type's schema so that settings read from the API can be saved back as they are. */
export const schemaVersionField = z
  .number()
  .int()
  .min(1)
  .optional()
  .meta({ readOnly: true })
  .describe("Version of the type's settings these follow; set when saved, older ones are upgraded when read");

/** Turns stored parameters of version N into version N + 1 (plain JSON in, plain JSON out). */
export type Upgrade = (old: Record<string, unknown>) => Record<string, unknown>;

/** Valid parameters and what they do: shown in the UI as templates, parsed by the tests. */
export interface TypeExample {
  title: string;
  /** Complete parameters, the type's key (`type` or `channel`) included. */
  params: Record<string, unknown>;
}

/** The fields a defined type carries besides its behaviour. */
export interface DefinedType {
  label: string;
  version: number;
  upgrades: Readonly<Record<number, Upgrade>>;
  examples: readonly TypeExample[];
}

/** The options every `defineX` factory takes, with `Example` the type's parameters minus its key. */
export interface DefinitionOptions<Example> {
  label: string;
  /** Bump when stored parameters need changing, and give the upgrade from the previous version. */
  version?: number;
  upgrades?: Record<number, Upgrade>;
  examples?: { title: string; params: Example }[];
}

/**
 * A type's full schema: its key as a literal (`type: 'build'`), the family's common fields, the
 * type's own fields and the schema version, in that order (the order forms show them). The
 * type's own refinements ("give min, max or both") still apply. Unknown fields are refused.
 */
export function typeSchema<K extends string, T extends string, C extends z.ZodRawShape, S extends z.ZodRawShape>(
  key: K,
  type: T,
  common: C,
  own: z.ZodObject<S, z.core.$ZodObjectConfig>,
) {
  const full = z
    .object({ [key]: z.literal(type), ...common, ...own.shape, [SCHEMA_VERSION]: schemaVersionField })
    .strict();
  // The refinements read the whole parsed object, of which the own fields are a part.
  const checks = (own._zod.def.checks ?? []) as z.core.$ZodCheck<unknown>[];
  const checked = checks.length ? full.check(...checks) : full;
  // Metadata generated forms read (`x-choices`: fields given one at a time) travels with the fields it names.
  const meta = own.meta();
  return (meta ? checked.meta(meta) : checked) as unknown as TypeSchema<K, T, C, S>;
}
export type TypeSchema<
  K extends string,
  T extends string,
  C extends z.ZodRawShape,
  S extends z.ZodRawShape,
> = z.ZodObject<Record<K, z.ZodLiteral<T>> & C & S & { schemaVersion: typeof schemaVersionField }, z.core.$strict>;

/** The version, upgrades and examples of a definition, checked once when the type is defined. */
export function definedType<K extends string>(
  key: K,
  type: string,
  options: DefinitionOptions<object>,
): Pick<DefinedType, 'version' | 'upgrades' | 'examples'> {
  const version = options.version ?? 1;
  const upgrades = options.upgrades ?? {};
  if (!Number.isInteger(version) || version < 1) throw new Error(`${type}: version must be a whole number from 1`);
  for (let v = 1; v < version; v++) {
    if (typeof upgrades[v] !== 'function')
      throw new Error(`${type}: version ${version} needs an upgrade from version ${v}`);
  }
  for (const from of Object.keys(upgrades).map(Number)) {
    if (!(from >= 1 && from < version))
      throw new Error(`${type}: an upgrade from version ${from} is given but the type is at version ${version}`);
  }
  const examples = (options.examples ?? []).map((e) => ({ title: e.title, params: { [key]: type, ...e.params } }));
  return { version, upgrades, examples };
}

/**
 * Stored parameters brought up to the type's version, with that version recorded; parameters
 * without one are version 1. Parameters newer than the type (saved by a later Llano) are a 400.
 */
export function upgradeParams(
  type: Pick<DefinedType, 'version' | 'upgrades'>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const from = stored[SCHEMA_VERSION] ?? 1;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1)
    throw badRequest(`${SCHEMA_VERSION}: must be a whole number from 1, not ${JSON.stringify(from)}`);
  if (from > type.version) {
    throw badRequest(
      `saved with settings version ${from}, but this Llano knows up to version ${type.version} of this type: upgrade Llano to use them`,
    );
  }
  let params = stored;
  for (let v = from; v < type.version; v++) params = type.upgrades[v]({ ...params });
  return { ...params, [SCHEMA_VERSION]: type.version };
}
