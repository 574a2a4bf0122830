import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { OBJECT_NAME } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import { DATASET_KIND } from '../datasets/definitions.js';
import { saveRecipe } from '../flow/recipes-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { NOTEBOOK_KIND } from './notebooks-service.js';
import type { Notebook } from './notebook-types.js';

const Name = z.string().regex(OBJECT_NAME, 'use letters, digits and underscores, starting with a letter or underscore');

export const ToRecipeSchema = z.object({
  /** The cells (0-based) the recipe is made of: one SQL cell. */
  cells: z.array(z.number().int().min(0)).min(1, 'name the cell to turn into a recipe'),
  /** The dataset the recipe writes (created as a managed dataset when it does not exist). */
  output: Name,
  /** The recipe's name; `<notebook>_cell_<n>` when not given. */
  name: Name.optional(),
});

/**
 * Turns a SQL cell into a SQL recipe: its text is the recipe's SELECT and the project's datasets
 * it names are its inputs; the recipe is then saved like any other (checked against the flow,
 * its output created). Only SQL cells for now: TypeScript and Python cells would need the code
 * recipe's `run(inputs, output, …)` function, which a cell does not have.
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
  if (body.cells.length !== 1)
    throw badRequest(`cells: one SQL cell makes one SQL recipe; ${body.cells.length} cells were given`);
  const index = body.cells[0];
  const cell = notebook.cells[index];
  if (!cell) throw badRequest(`cells.0: notebook ${id} has ${notebook.cells.length} cells (0-based); ${index} is none`);
  if (cell.type !== 'sql')
    throw badRequest(
      `cells.0: cell ${index} is a ${cell.type} cell; only SQL cells turn into recipes (TypeScript and Python recipes have a run() function a cell does not have)`,
    );
  const words = new Set((cell.source.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()));
  const inputs = (await ws.catalog.objects.list(projectKey, DATASET_KIND))
    .map((d) => d.name)
    .filter((name) => words.has(name.toLowerCase()) && name !== body.output);
  if (inputs.length === 0) throw badRequest(`cells.0: cell ${index} reads none of the project's datasets`);
  return saveRecipe(
    ws,
    principal,
    projectKey,
    {
      name: body.name ?? `${id}_cell_${index + 1}`.slice(0, 128),
      type: 'sql',
      inputs,
      output: body.output,
      sql: cell.source,
      description: `Made from notebook ${id}, cell ${index + 1}`,
    },
    { expectRevision: 0 },
  );
}
