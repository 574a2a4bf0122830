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
import { cellDependencies, cellsByLanguage } from './cell-dependencies.js';
import { CODE_CELL_TYPES, isCodeCell, type Notebook } from './notebook-types.js';

const Name = z.string().regex(OBJECT_NAME, OBJECT_NAME_RULE);

export const ToRecipeSchema = z.object({
  /**
   * The cells (0-based) the recipe is made of: one SQL cell, or TypeScript or Python cells of one
   * language (joined in order); all the notebook's code cells when left out.
   */
  cells: z.array(z.number().int().min(0)).min(1, 'name the cell to turn into a recipe').optional(),
  /** With `cells` left out: every cell of this language (a notebook mixing languages needs it). */
  language: z.enum(CODE_CELL_TYPES).optional(),
  /**
   * Also take the earlier cells of the same language whose variables the cells use (a recipe runs
   * its cells alone); without it such a recipe is refused, naming the cells to add.
   */
  withDependencies: z.boolean().optional(),
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
  const indexes = chosenCells(notebook, body);
  const cells = indexes.map((index) => notebook.cells[index]);
  const type = languageOf(cells);
  // Named after the first cell asked for, not a cell it depends on.
  const first = body.cells ? Math.min(...body.cells) : indexes[0];
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
    if (inputs.length === 0)
      throw badRequest(
        `inputs: cell ${first + 1} names none of the project's datasets; choose the datasets the recipe reads (inputs: ["raw"])`,
      );
    return saveRecipe(
      ws,
      principal,
      projectKey,
      { ...common, type: 'sql', inputs, sql: cell.source },
      { expectRevision: 0 },
    );
  }
  const source = cells
    .filter((c) => isCodeCell(c.type))
    .map((c) => c.source.replace(/\s+$/, ''))
    .join('\n\n');
  const origin = `Made from notebook ${id}, ${where}`;
  const made = type === 'python' ? pythonRecipeFromCells(source, origin) : typescriptRecipeFromCells(source, origin);
  const inputs = body.inputs ?? made.inputs;
  if (inputs.length === 0)
    throw badRequest(
      'inputs: the code reads no dataset with dataset("name"); choose the datasets the recipe reads (inputs: ["raw"])',
    );
  return saveRecipe(ws, principal, projectKey, { ...common, type, inputs, code: made.code }, { expectRevision: 0 });
}

/** 1-based cell numbers as people read them: "cells 2, 3". */
const numbered = (indexes: number[]) =>
  `${indexes.length === 1 ? 'cell' : 'cells'} ${indexes.map((i) => i + 1).join(', ')}`;

/**
 * The cells (0-based, in notebook order) the recipe is made of: the ones given, else every cell
 * of `language`, else every code cell (one language only: a mixed notebook is told apart), plus
 * with `withDependencies` the earlier cells they need. Cells needing others not given are refused.
 */
function chosenCells(notebook: Notebook, body: z.infer<typeof ToRecipeSchema>): number[] {
  const groups = cellsByLanguage(notebook.cells);
  let indexes: number[];
  if (body.cells) {
    body.cells.forEach((index, at) => {
      if (!notebook.cells[index])
        throw badRequest(
          `cells.${at}: notebook ${notebook.id} has ${notebook.cells.length} cells (0-based); ${index} is none`,
        );
    });
    indexes = [...new Set(body.cells)].sort((a, b) => a - b);
    const other = indexes.find(
      (i) => body.language && isCodeCell(notebook.cells[i].type) && notebook.cells[i].type !== body.language,
    );
    if (other !== undefined)
      throw badRequest(`language: cell ${other + 1} is ${notebook.cells[other].type}, not ${body.language}`);
  } else if (body.language) {
    indexes = groups[body.language] ?? [];
    if (indexes.length === 0) throw badRequest(`language: notebook ${notebook.id} has no ${body.language} cells`);
  } else {
    const languages = Object.entries(groups);
    if (languages.length === 0) throw badRequest(`cells: notebook ${notebook.id} has no code cells`);
    if (languages.length > 1)
      throw badRequest(
        `cells: a recipe is made of cells of one language, and this notebook mixes ${languages.length}: ${languages
          .map(([language, at]) => `${language} (${numbered(at)})`)
          .join(', ')}; choose one (language: "${languages[0][0]}") or the cells`,
      );
    indexes = languages[0][1];
  }
  languageOf(indexes.map((i) => notebook.cells[i]));
  const needed = cellDependencies(notebook.cells, indexes);
  if (needed.length === 0) return indexes;
  if (body.withDependencies) return [...indexes, ...needed.map((d) => d.index)].sort((a, b) => a - b);
  const uses = needed.map((d) => `${d.names.join(', ')} of cell ${d.index + 1}`).join('; ');
  throw badRequest(
    `cells: the code uses variables of earlier cells (${uses}), which a recipe does not have; add ${numbered(
      needed.map((d) => d.index),
    )} (withDependencies: true, or cells: [${[...indexes, ...needed.map((d) => d.index)].sort((a, b) => a - b).join(', ')}])`,
    { dependencies: needed },
  );
}

function languageOf(cells: Notebook['cells']) {
  const types = [...new Set(cells.flatMap((c) => (isCodeCell(c.type) ? [c.type] : [])))];
  if (types.length !== 1)
    throw badRequest(
      `cells: a recipe is made of cells of one language; these are ${types.join(', ') || 'only Markdown or raw text'}`,
    );
  return types[0];
}
