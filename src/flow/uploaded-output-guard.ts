import { LlanoError } from '../common/errors.js';
import { recipeOutputs } from '../common/recipe-outputs.js';
import { connectionType, settingsOf } from '../connectors/registry.js';
import { getConnection } from '../datasets/connections.js';
import { DATASET_KIND, tableStorage, type DatasetDefinition } from '../datasets/definitions.js';
import { currentVersion, type CommittedVersion } from '../datasets/versions.js';
import type { RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';

/** The request field that confirms a recipe may take over datasets holding uploaded data or source tables. */
export const REPLACE_UPLOADED_FIELD = 'replaceUploaded';

/** The error code of the refusal, so that clients can ask and send the confirmation. */
export const REPLACES_UPLOADED = 'replaces_uploaded';

/**
 * A recipe body without the confirmation field, and whether it confirmed: the field belongs to
 * the request, not to the stored recipe.
 */
export function takeReplaceUploaded(input: unknown): { body: unknown; confirmed: boolean } {
  if (!input || typeof input !== 'object' || !(REPLACE_UPLOADED_FIELD in input))
    return { body: input, confirmed: false };
  const { [REPLACE_UPLOADED_FIELD]: flag, ...body } = input as Record<string, unknown>;
  return { body, confirmed: flag === true };
}

/** An output whose data exists nowhere else in the flow: uploaded or imported rows, or a source table read in place. */
interface TakenOutput {
  dataset: string;
  /** "the uploaded data of obs (uploaded from obs.csv, 2 rows)", "the contents of PostgreSQL table shop.public.products". */
  what: string;
}

function uploadedData(dataset: string, version: CommittedVersion): TakenOutput | null {
  const source = version.lineage?.source;
  if (source !== 'upload' && source !== 'import') return null;
  const fileName = version.lineage?.fileName;
  const from = `${source === 'upload' ? 'uploaded' : 'imported'}${fileName ? ` from ${fileName}` : ''}`;
  return {
    dataset,
    what: `the uploaded data of ${dataset} (${from}${version.rowCount === null ? '' : `, ${version.rowCount} rows`})`,
  };
}

/**
 * A dataset over a table of a connection that already exists there and that no build wrote:
 * a table of the source database, read in place, which the build would drop and recreate.
 */
async function sourceTable(
  ws: Workspace,
  projectKey: string,
  dataset: string,
  version: CommittedVersion | null,
): Promise<TakenOutput | null> {
  if (version?.lineage?.recipe) return null;
  const stored = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, dataset);
  const inConnection = stored ? tableStorage(stored.body.storage) : null;
  if (!inConnection?.table) return null;
  const conn = await getConnection(ws, projectKey, inConnection.connection);
  const type = connectionType(conn.type);
  // A type that cannot write a table (no runRecipe) refuses the build anyway.
  const found = await type.tables?.existingTable?.(settingsOf(conn), inConnection.table, ws.duck);
  if (!found) return null;
  return { dataset, what: `the contents of ${type.label} table ${conn.name}.${found} (dataset ${dataset})` };
}

/**
 * Refuses (409, code `replaces_uploaded`) a recipe whose output holds data that exists nowhere
 * else in the flow, which its next build would replace: a dataset of uploaded or imported rows,
 * or a dataset over an existing table of a connection (a source table read in place).
 * An output the recipe already wrote when it was last saved was accepted then and is not asked
 * again; `confirmed` (the request's `replaceUploaded: true`) lets the save go on.
 */
export async function guardUploadedOutputs(
  ws: Workspace,
  projectKey: string,
  recipe: RecipeBase,
  previous: RecipeBase | undefined,
  confirmed: boolean,
): Promise<void> {
  if (confirmed) return;
  const before = new Set(previous ? recipeOutputs(previous) : []);
  const taken: TakenOutput[] = [];
  for (const output of recipeOutputs(recipe).filter((o) => !before.has(o))) {
    const version = await currentVersion(ws, projectKey, output);
    const found = (version && uploadedData(output, version)) ?? (await sourceTable(ws, projectKey, output, version));
    if (found) taken.push(found);
  }
  if (taken.length === 0) return;
  throw new LlanoError(
    REPLACES_UPLOADED,
    409,
    `Recipe ${recipe.name} would replace ${taken.map((t) => t.what).join(' and ')} at its next build. ` +
      `Confirm with "${REPLACE_UPLOADED_FIELD}": true (CLI: --replace-uploaded), or write another dataset.`,
    { datasets: taken.map((t) => t.dataset) },
  );
}
