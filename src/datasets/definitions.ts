import { z } from 'zod';
import { csvOptionsSchema, postgresTableRefSchema } from '../engine/table-source.js';
import { SYSTEM_TABLES } from './system-tables.js';

/**
 * Where a dataset's data lives. `managed`: Parquet files Llano writes under the workspace
 * (by imports and builds). `file`: a file under a filesystem connection, read in place.
 * `postgres`: a table or query on a PostgreSQL connection, read in place (and written in
 * place when it is a recipe's output on the same connection as its inputs: pushdown).
 * `system`: a catalog table of the project (scenario runs, step runs, check results), read-only.
 */
export const StorageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('managed') }).strict(),
  z
    .object({
      type: z.literal('file'),
      connection: z.string(),
      path: z.string().min(1),
      format: z.enum(['csv', 'parquet', 'jsonl']),
      csv: csvOptionsSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('postgres'),
      connection: z.string(),
      table: postgresTableRefSchema.optional(),
      query: z.string().min(1).optional(),
    })
    .strict()
    .refine((s) => (s.table === undefined) !== (s.query === undefined), { message: 'give exactly one of table and query' }),
  z.object({ type: z.literal('system'), table: z.enum(SYSTEM_TABLES) }).strict(),
]);
export type Storage = z.infer<typeof StorageSchema>;

export const DatasetDefinitionSchema = z
  .object({
    name: z.string(),
    description: z.string().max(10_000).optional(),
    tags: z.array(z.string().max(50)).max(50).optional(),
    storage: StorageSchema.default({ type: 'managed' }),
    /** Column type overrides applied when importing (column → DuckDB type). */
    schema: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type DatasetDefinition = z.infer<typeof DatasetDefinitionSchema>;

export interface ColumnSchema {
  name: string;
  type: string;
  nullable?: boolean;
}

export interface DatasetVersion {
  id: string;
  seq: number;
  status: 'building' | 'ready' | 'failed';
  rowCount: number | null;
  contentHash: string | null;
  columns: ColumnSchema[] | null;
  lineage: Lineage | null;
  jobId: string | null;
  createdAt: string;
}

/** What produced a version: the recipe's signature and the input versions it read. */
export interface Lineage {
  recipe?: string;
  recipeSignature?: string;
  inputs?: Record<string, string>;
  source?: 'upload' | 'import' | 'build';
  fileName?: string;
}

/** A dataset as the API shows it: its definition plus its current version. */
export interface DatasetInfo extends DatasetDefinition {
  revision: number;
  updatedAt: string;
  updatedBy: string;
  currentVersion: DatasetVersion | null;
  columns: ColumnSchema[] | null;
  rowCount: number | null;
  /** The recipe that writes this dataset, if any. */
  producedBy: string | null;
}
