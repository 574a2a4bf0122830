import { badRequest } from '../common/errors.js';
import { requireCapability } from '../connectors/registry.js';
import { getConnection } from '../datasets/connections.js';
import { tableStorage, type DatasetDefinition } from '../datasets/definitions.js';
import type { RecipeTarget } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';

/** Where a recipe writes its output: the new version's Parquet file, or a table of a connection that can write one (pushdown). */
export async function recipeTarget(
  ws: Workspace,
  projectKey: string,
  to: { output: string; definition: DatasetDefinition | undefined; parquetPath: string },
): Promise<RecipeTarget> {
  const { output, definition, parquetPath } = to;
  const storage = definition?.storage ?? { type: 'managed' as const };
  if (storage.type === 'managed') return { kind: 'parquet', path: parquetPath };
  const inConnection = tableStorage(storage);
  if (inConnection) {
    if (!inConnection.table)
      throw badRequest(
        `Dataset ${output} is a query of connection ${inConnection.connection}; a recipe can only write a table`,
      );
    const conn = await getConnection(ws, projectKey, inConnection.connection);
    const { type, settings, can: tables } = requireCapability(conn, 'tables');
    if (!tables.runRecipe) throw badRequest(`connection ${conn.name} (${conn.type}) cannot write a recipe's output`);
    return {
      kind: 'in-place',
      connectionName: conn.name,
      type,
      settings,
      table: inConnection.table,
      source: tables.source(settings, { table: inConnection.table }),
    };
  }
  if (storage.type === 'system') throw badRequest(`Dataset ${output} is a system dataset (read-only)`);
  throw badRequest(`Dataset ${output} is a file read in place; a recipe cannot write it`);
}
