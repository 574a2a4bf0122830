import { z } from 'zod';
import { csvOptionsSchema, tableRefSchema, type TableRef } from '../engine/table-source.js';
import type { DatasetStatus } from './dataset-types.js';
import { SYSTEM_TABLES } from './system-tables.js';

export type { ColumnSchema, DatasetStatus, DatasetVersion, Lineage, ListedVersion } from './dataset-types.js';

/**
 * Where a dataset's data lives. `managed`: Parquet files Llano writes under the workspace
 * (by imports and builds). `file`: a file under a filesystem connection, read in place.
 * `database`: a table or query of a database connection (PostgreSQL, SQLite…), read in place (and
 * written in place when it is a recipe's output on the same connection as its inputs and the
 * connection type can: pushdown). `postgres` is the older spelling of `database`, kept for
 * stored definitions. `system`: a catalog table of the project (scenario runs, step runs,
 * check results), read-only.
 */
/** Storage types of a table or query of a connection: `postgres` is the older spelling of `database`. */
const TABLE_STORAGE = ['database', 'postgres'] as const;

function databaseStorage<T extends string>(type: T) {
  return z
    .object({
      type: z.literal(type),
      connection: z.string(),
      table: tableRefSchema.optional(),
      query: z.string().min(1).optional(),
    })
    .strict()
    .refine((s) => (s.table === undefined) !== (s.query === undefined), {
      message: 'give exactly one of table and query',
    });
}

/** The catalog object kind of dataset definitions. */
export const DATASET_KIND = 'dataset';

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
  databaseStorage(TABLE_STORAGE[0]),
  databaseStorage(TABLE_STORAGE[1]),
  z.object({ type: z.literal('system'), table: z.enum(SYSTEM_TABLES) }).strict(),
]);
export type Storage = z.infer<typeof StorageSchema>;

/** The table or query of a dataset kept in a database connection; null for other storage. */
export function tableStorage(storage: Storage): { connection: string; table?: TableRef; query?: string } | null {
  return (TABLE_STORAGE as readonly string[]).includes(storage.type)
    ? (storage as Extract<Storage, { type: (typeof TABLE_STORAGE)[number] }>)
    : null;
}

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

/** A dataset as the API shows it: its definition plus its current version. */
export interface DatasetInfo extends DatasetDefinition, DatasetStatus {}
