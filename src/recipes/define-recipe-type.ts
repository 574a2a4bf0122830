import type { z } from 'zod';
import { definedType, typeSchema, type DefinitionOptions, type TypeSchema } from '../common/type-definition.js';
import type { ColumnSchema } from '../datasets/definitions.js';
import {
  type FingerprintMemo,
  type FingerprintNames,
  RecipeBaseSchema,
  type RecipeBase,
  type RecipeContext,
  type RecipePreview,
  type RecipeResult,
  type RecipeTarget,
  type RecipeType,
} from './recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';

/** Fields every recipe has besides its type (name, inputs, output, description, tags). */
const recipeCommonShape = RecipeBaseSchema.omit({ type: true, schemaVersion: true }).shape;

type Schema<T extends string, S extends z.ZodRawShape> = TypeSchema<'type', T, typeof recipeCommonShape, S>;

export interface RecipeTypeDefinition<
  T extends string,
  S extends z.ZodRawShape,
  R = z.output<Schema<T, S>>,
> extends DefinitionOptions<Omit<z.input<Schema<T, S>>, 'type'>> {
  /** The type's own fields (e.g. `sql`); `type`, the common fields and the schema version are added. */
  params: z.ZodObject<S, z.core.$ZodObjectConfig>;
  /** Validates against the inputs without writing anything; errors are LlanoErrors (400). */
  describe(ctx: RecipeContext, recipe: R, target: RecipeTarget): Promise<{ columns: ColumnSchema[] }>;
  run(ctx: RecipeContext, recipe: R, target: RecipeTarget): Promise<RecipeResult>;
  /** The DuckDB SQL the recipe runs, for types that are one query. */
  toSql?(recipe: R): string;
  /** Types that write several outputs: the DuckDB query of each output, by output name. */
  sqlByOutput?(recipe: R): Record<string, string>;
  /** Types that write several outputs: one run writes every target, by output name. */
  runOutputs?(
    ctx: RecipeContext,
    recipe: R,
    targets: Record<string, RecipeTarget>,
  ): Promise<Record<string, RecipeResult>>;
  /** The first `limit` output rows (plus one when there are more), without writing anything. */
  preview?(ctx: RecipeContext, recipe: R, limit: number): Promise<RecipePreview>;
  /** What decides the output besides the settings and inputs, as named short hashes (see `RecipeType`). */
  fingerprint?(
    project: { ws: Workspace; key: string },
    recipe: R,
    memo: FingerprintMemo,
  ): Promise<Record<string, string>>;
  /** How stale reasons name the `fingerprint`'s parts (see `RecipeType`). */
  fingerprintNames?: FingerprintNames;
}

/** A recipe type, its recipe type inferred from its schema. Register it in `registry.ts`. */
export function defineRecipeType<T extends string, S extends z.ZodRawShape>(
  type: T,
  definition: RecipeTypeDefinition<T, S>,
): RecipeType<z.output<Schema<T, S>> & RecipeBase> {
  const schema = typeSchema('type', type, recipeCommonShape, definition.params);
  return {
    ...definition,
    type,
    schema: schema as unknown as z.ZodType<z.output<Schema<T, S>> & RecipeBase>,
    ...definedType('type', type, definition),
  };
}
