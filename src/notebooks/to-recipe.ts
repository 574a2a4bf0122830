import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { OBJECT_NAME, OBJECT_NAME_RULE } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { saveRecipe } from '../flow/recipes-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { NOTEBOOK_KIND } from './notebooks-service.js';
import { pythonRecipeFromCells, typescriptRecipeFromCells } from './cells-to-code.js';
import type { Notebook } from './notebook-types.js';

const Name = z.string().regex(OBJECT_NAME, OBJECT_NAME_RULE);

export const ToRecipeSchema = z.object({
  /**
   * The cells (0-based) the recipe is made of: one SQL cell, or TypeScript or Python cells of one
   * language (joined in order); all the notebook's code cells when left out.
   */
  cells: z.array(z.number().int().min(0)).min(1, 'name the cell to turn into a recipe').optional(),
  /** The recipe's inputs; for code, the datasets its `dataset("x")` calls read when left out. */
  inputs: z.array(Name).min(1).max(100).optional(),
  /** The dataset the recipe writes (created as a managed dataset when it does not exist). */
  output: Name,
  /** The recipe's name; `<notebook>_cell_<n>` when not given. */
  name: Name.optional(),
  /** Confirms that the recipe may write a dataset holding uploaded data or a source table (else 409), as when saving a recipe. */
  replaceUploaded: z.boolean().optional(),
});

/**
 * Turns a SQL cell into a SQL recipe (its text is the recipe's SELECT, the project's datasets it
 * names are its inputs), or TypeScript / Python cells into a code recipe (see cells-to-code.ts);
 * the recipe is then saved like any other (checked against the flow, its output created).
 */
export async function notebookToRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
  input: unknown,
): Promise<unknown> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const body = parseOr400(ToRecipeSchema, input, 'to-recipe');
  const notebook = (await ws.catalog.objects.require<Notebook>(projectKey, NOTEBOOK_KIND, id)).body;
  const indexes = body.cells ?? notebook.cells.flatMap((c, i) => (c.type === 'markdown' ? [] : [i]));
  if (indexes.length === 0) throw badRequest(`cells: notebook ${id} has no code cells`);
  const cells = indexes.map((index, at) => {
    const cell = notebook.cells[index];
    if (!cell)
      throw badRequest(`cells.${at}: notebook ${id} has ${notebook.cells.length} cells (0-based); ${index} is none`);
    return cell;
  });
  const types = [...new Set(cells.filter((c) => c.type !== 'markdown').map((c) => c.type))];
  if (types.length !== 1)
    throw badRequest(
      `cells: a recipe is made of cells of one language; these are ${types.join(', ') || 'only Markdown'}`,
    );
  const type = types[0];
  const first = indexes[0];
  const where = indexes.length === 1 ? `cell ${first + 1}` : `cells ${indexes.map((i) => i + 1).join(', ')}`;
  const common = {
    name: body.name ?? `${id}_cell_${first + 1}`.slice(0, 128),
    output: body.output,
    description: `Made from notebook ${id}, ${where}`,
    ...(body.replaceUploaded ? { replaceUploaded: true } : {}),
  };
  if (type === 'sql') {
    if (cells.length !== 1)
      throw badRequest(`cells: one SQL cell makes one SQL recipe; ${cells.length} cells were given`);
    const cell = cells[0];
    const words = new Set((cell.source.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()));
    const inputs =
      body.inputs ??
      (await ws.catalog.objects.list(projectKey, DATASET_KIND))
        .map((d) => d.name)
        .filter((name) => words.has(name.toLowerCase()) && name !== body.output);
    if (inputs.length === 0) throw badRequest(`cells.0: cell ${first} reads none of the project's datasets`);
    return saveRecipe(
      ws,
      principal,
      projectKey,
      { ...common, type: 'sql', inputs, sql: cell.source },
      { expectRevision: 0 },
    );
  }
  if (type !== 'python' && type !== 'typescript')
    throw badRequest(`cells: ${type} cells do not turn into recipes (SQL, TypeScript and Python cells do)`);
  const source = cells
    .filter((c) => c.type !== 'markdown')
    .map((c) => c.source.replace(/\s+$/, ''))
    .join('\n\n');
  const origin = `Made from notebook ${id}, ${where}`;
  const made = type === 'python' ? pythonRecipeFromCells(source, origin) : typescriptRecipeFromCells(source, origin);
  const inputs = body.inputs ?? made.inputs;
  if (inputs.length === 0)
    throw badRequest(
      'inputs: the code reads no dataset with dataset("name"); name the recipe\'s inputs (inputs: ["raw"])',
    );
  return saveRecipe(ws, principal, projectKey, { ...common, type, inputs, code: made.code }, { expectRevision: 0 });
}
