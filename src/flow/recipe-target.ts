import { badRequest } from '../common/errors.js';
import { getConnection, postgresInfo } from '../datasets/connections.js';
import type { DatasetDefinition } from '../datasets/definitions.js';
import type { RecipeTarget } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';

/** Where a recipe writes its output: the new version's Parquet file, or a PostgreSQL table. */
export async function recipeTarget(ws: Workspace, projectKey: string, to: { output: string; definition: DatasetDefinition | undefined; parquetPath: string }): Promise<RecipeTarget> {
  const { output, definition, parquetPath } = to;
  const storage = definition?.storage ?? { type: 'managed' as const };
  if (storage.type === 'managed') return { kind: 'parquet', path: parquetPath };
  if (storage.type === 'postgres') {
    if (!storage.table) throw badRequest(`Dataset ${output} is a PostgreSQL query; a recipe can only write a table`);
    const conn = await getConnection(ws, projectKey, storage.connection);
    if (conn.type !== 'postgres') throw badRequest(`Connection ${conn.name} is not a PostgreSQL connection`);
    return { kind: 'postgres', connection: postgresInfo(conn), connectionName: conn.name, table: storage.table };
  }
  if (storage.type === 'system') throw badRequest(`Dataset ${output} is a system dataset (read-only)`);
  throw badRequest(`Dataset ${output} is a file read in place; a recipe cannot write it`);
}
