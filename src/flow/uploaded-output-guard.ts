import { LlanoError } from '../common/errors.js';
import { recipeOutputs } from '../common/recipe-outputs.js';
import { currentVersion } from '../datasets/versions.js';
import type { RecipeBase } from '../recipes/recipe-type.js';
import type { Workspace } from '../workspace/workspace.js';

/** The request field that confirms a recipe may take over datasets holding uploaded data. */
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

/**
 * Refuses (409, code `replaces_uploaded`) a recipe whose output is a dataset holding uploaded or
 * imported data: its next build would replace those rows, which exist nowhere else in the flow.
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
  const taken: { dataset: string; source: string; fileName: string | null; rows: number | null }[] = [];
  for (const output of recipeOutputs(recipe).filter((o) => !before.has(o))) {
    const version = await currentVersion(ws, projectKey, output);
    const source = version?.lineage?.source;
    if (version && (source === 'upload' || source === 'import'))
      taken.push({ dataset: output, source, fileName: version.lineage?.fileName ?? null, rows: version.rowCount });
  }
  if (taken.length === 0) return;
  const described = taken
    .map(
      (t) =>
        `${t.dataset} (${t.source === 'upload' ? 'uploaded' : 'imported'}${t.fileName ? ` from ${t.fileName}` : ''}${t.rows === null ? '' : `, ${t.rows} rows`})`,
    )
    .join(', ');
  throw new LlanoError(
    REPLACES_UPLOADED,
    409,
    `Recipe ${recipe.name} would replace the uploaded data of ${described} at its next build. ` +
      `Confirm with "${REPLACE_UPLOADED_FIELD}": true (CLI: --replace-uploaded), or write another dataset.`,
    { datasets: taken.map((t) => t.dataset) },
  );
}
