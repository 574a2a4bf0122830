import { z } from 'zod';
import { schemaVersionField, type DefinedType } from '../common/type-definition.js';
import type { DatasetDefinition, ColumnSchema } from '../datasets/definitions.js';
import { PartitionDependenciesSchema } from '../datasets/partitioning.js';
import type { QueryLimits } from '../engine/query-limits.js';
import type { DuckDb } from '../engine/duckdb.js';
import type { SandboxScope } from '../engine/duckdb-sandbox.js';
import type { SelectSession } from '../engine/select-session.js';
import type { ConnectionType, Settings } from '../connectors/connector.js';
import type { TableRef, TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

/** Fingerprint parts already taken in one build activity or flow view, by key (a recipe type's own keys). */
export type FingerprintMemo = Map<string, Promise<unknown>>;

/**
 * How a type names the parts of its `fingerprint` in stale reasons. Staleness (flow/staleness.ts)
 * only compares a version's recorded parts with today's; what the keys mean is the type's.
 */
export interface FingerprintNames {
  /**
   * Whether parts recorded with these keys have the form the type takes now. A version recorded
   * in an older form cannot tell which of today's parts changed: it is stale, said so.
   */
  currentForm(keys: string[]): boolean;
  /** What changed, for `<what> changed`, given the keys whose hashes differ (one or more, sorted). */
  describe(changed: string[]): string;
}
/** Fields every recipe has, whatever its type. */
export const RecipeBaseSchema = z.object({
  name: z.string(),
  type: z.string(),
  inputs: z.array(z.string()).min(1, 'A recipe needs at least one input dataset'),
  output: z.string().optional().describe('The dataset the recipe writes (or `outputs` for several)'),
  /** Types that write several datasets in one run (split) list them here instead of `output`; see `recipeOutputs`. */
  outputs: z.array(z.string()).min(1).max(100).optional().describe('The datasets the recipe writes (split)'),
  description: z.string().max(10_000).optional(),
  tags: z.array(z.string().max(50)).max(50).optional(),
  /** For a partitioned output: which partitions of each input an output partition reads (default `equals`). */
  partitionDependencies: PartitionDependenciesSchema.optional(),
  schemaVersion: schemaVersionField,
});
export type RecipeBase = z.infer<typeof RecipeBaseSchema>;

export interface RecipeInput {
  name: string;
  source: TableSource;
  definition: DatasetDefinition;
  /** Identity of the data read (content hash, file size+mtime…), recorded in the output's lineage. */
  versionToken: string | null;
}

/**
 * Where a run writes: a Parquet file (managed output) or a table of a connection whose type can
 * run a recipe in place (pushdown); `source` reads that table back (post-build checks).
 */
export type RecipeTarget =
  | { kind: 'parquet'; path: string }
  | {
      kind: 'in-place';
      connectionName: string;
      type: ConnectionType;
      settings: Settings;
      table: TableRef;
      source: TableSource;
    };

export interface RecipeContext {
  duck: DuckDb;
  inputs: RecipeInput[];
  /** A temporary file path inside the sandbox scope (readable by the recipe's SQL). */
  tempPath(suffix: string): string;
  /** The folders the recipe's code may touch: the project's data folder. */
  scope: SandboxScope;
  /** A line for the job log; `warn` for what code wrote to its standard error (warnings, tracebacks). */
  log(message: string, level?: 'info' | 'warn'): void;
  onProgress?(rows: number): void;
  /** The time limit of a run in a build (LLANO_BUILD_TIMEOUT_SECONDS); none when unset. */
  limits?: QueryLimits;
  /** Values a run of one partition passes to code recipes (`variables.partition`), beside the project's variables. */
  variables?: Record<string, unknown>;
  /** Runs of many partitions in a row: DuckDB queries run on this session's connection (views and checks kept). */
  selectSession?: SelectSession;
  /**
   * Look-ups of the recipe's `fingerprint` its build activity already made (the libraries listed,
   * the environment hashed, for the signature taken before the run): the run reuses them.
   */
  fingerprintMemo?: FingerprintMemo;
  /** The workspace and project the recipe belongs to (code recipes read their libraries, environment and variables). */
  project?: { ws: Workspace; key: string };
}

export interface RecipeResult {
  rowCount: number;
  columns: ColumnSchema[];
  contentHash: string | null;
  /** The code environment the run used (interpreter, version, packages), kept in the version's lineage. */
  environment?: Record<string, unknown>;
  /** The parts of the type's `fingerprint` this run used (the library files it wrote…): signed into the lineage. */
  fingerprint?: Record<string, string>;
}

/**
 * A recipe type: its parameter schema, a check at save time (returns the output schema)
 * and its run. Each type is one file (`defineRecipeType`) registered in `registry.ts`.
 */
export interface RecipeType<R extends RecipeBase = RecipeBase> extends DefinedType {
  type: string;
  schema: z.ZodType<R>;
  /** Validates against the inputs without writing anything; errors are LlanoErrors (400). */
  describe(ctx: RecipeContext, recipe: R, target: RecipeTarget): Promise<{ columns: ColumnSchema[] }>;
  run(ctx: RecipeContext, recipe: R, target: RecipeTarget): Promise<RecipeResult>;
  /** The DuckDB SQL the recipe runs, for types that are one query (SQL and visual recipes): shown, converted, checked against new schemas. */
  toSql?(recipe: R): string;
  /** Types that write several outputs in one run (split): the DuckDB query of each output, by output name. */
  sqlByOutput?(recipe: R): Record<string, string>;
  /** Types that write several outputs: one run writes every target, by output name (all are committed together). */
  runOutputs?(
    ctx: RecipeContext,
    recipe: R,
    targets: Record<string, RecipeTarget>,
  ): Promise<Record<string, RecipeResult>>;
  /** The first `limit` output rows without writing anything (types whose preview is not SQL text). */
  preview?(ctx: RecipeContext, recipe: R, limit: number): Promise<RecipePreview>;
  /**
   * What decides the output besides the recipe's settings and inputs (code: the project's library
   * files, the code environment), as named short hashes: part of the signature that tells staleness.
   * `memo` is shared by the recipes judged together.
   */
  fingerprint?(
    project: { ws: Workspace; key: string },
    recipe: R,
    memo: FingerprintMemo,
  ): Promise<Record<string, string>>;
  /** How stale reasons name the `fingerprint`'s parts; without it, by their keys. */
  fingerprintNames?: FingerprintNames;
}

/** Rows a recipe type's own preview answers, with one more than asked for when there are more. */
export interface RecipePreview {
  columns: string[];
  types: string[];
  rows: unknown[][];
  /** What the code printed (code recipes). */
  log?: string[];
}
