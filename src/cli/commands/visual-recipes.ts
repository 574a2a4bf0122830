import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { badRequest, type LlanoError } from '../../common/errors.js';
import { splitTopLevel } from '../../common/split-top-level.js';
import { enc, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable } from '../io.js';
import type { CommandModule } from './index.js';

interface Impact {
  dataset: string;
  breaks: boolean;
  recipes: {
    recipe: string;
    output: string;
    status: string;
    message?: string;
    added?: string[];
    removed?: string[];
    retyped?: string[];
  }[];
}

function readJsonFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`${file}: ${(e as Error).message}`);
  }
}

/**
 * "name:TYPE,name:TYPE" → columns; a name may contain ':' (the type is after the last one), a type
 * ',' inside parentheses (`amount:DECIMAL(10,2)`).
 */
function parseColumns(text: string): { name: string; type: string }[] {
  return splitTopLevel(text).map((part) => {
    const at = part.lastIndexOf(':');
    if (at <= 0) throw badRequest(`--columns: "${part}" is not name:TYPE`);
    return { name: part.slice(0, at).trim(), type: part.slice(at + 1).trim() };
  });
}

/**
 * `llano recipe apply|sql|convert-to-sql` (any recipe type from a JSON file, the SQL a recipe
 * runs, a visual recipe turned into SQL) and `llano schema-impact`.
 */
export const visualRecipeCommands: CommandModule = (program, io) => {
  const recipe = program.commands.find((c) => c.name() === 'recipe') ?? program.command('recipe');
  recipe
    .command('apply <file>')
    .description('Create or replace a recipe of any type from a JSON file ({"name","type","inputs","output","params"})')
    .action(async (file: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const body = readJsonFile(file);
        const name = String(body.name);
        const exists = await c.request('GET', `/api/projects/${project}/recipes/${enc(name)}`).then(
          () => true,
          (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
        );
        const r = exists
          ? await c.request('PUT', `/api/projects/${project}/recipes/${enc(name)}`, body)
          : await c.request('POST', `/api/projects/${project}/recipes`, body);
        if (g.json) printRecord(io, g, r as Record<string, unknown>);
        else io.out(`${exists ? 'Updated' : 'Created'} ${String(body.type)} recipe ${name}\n`);
      }),
    );
  recipe
    .command('sql <name>')
    .description('Print the SQL a recipe runs (visual recipes: their compiled SQL)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const r = await c.request<{ type: string; sql: string }>(
          'GET',
          `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}/sql`,
        );
        if (g.json) printRecord(io, g, r);
        else io.out(r.sql.endsWith('\n') ? r.sql : r.sql + '\n');
      }),
    );
  recipe
    .command('convert-to-sql <name>')
    .description('Replace a visual recipe by a SQL recipe of its compiled SQL (revertible from its history)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const r = await c.request<Record<string, unknown>>(
          'POST',
          `/api/projects/${projectOf(io, g)}/recipes/${enc(name)}/convert-to-sql`,
          {},
        );
        if (g.json) printRecord(io, g, r);
        else io.out(`Recipe ${name} is now a SQL recipe (revision ${String(r.revision)})\n`);
      }),
    );

  program
    .command('schema-impact')
    .description('Which downstream recipes a schema change would break, before building (--project KEY)')
    .option('--dataset <name>', 'the dataset whose columns change')
    .option('--columns <list>', 'its new columns: name:TYPE,name:TYPE')
    .option('--recipe-file <file>', 'or: a changed recipe as JSON')
    .action(async (opts: { dataset?: string; columns?: string; recipeFile?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const body = opts.recipeFile
          ? { recipe: readJsonFile(opts.recipeFile) }
          : { dataset: opts.dataset, columns: opts.columns === undefined ? undefined : parseColumns(opts.columns) };
        const r = await c.request<Impact>('POST', `/api/projects/${projectOf(io, g)}/schema-impact`, body);
        if (g.json) return printRecord(io, g, r as unknown as Record<string, unknown>);
        io.out(
          formatTable(
            ['recipe', 'output', 'status', 'details'],
            r.recipes.map((x) => [
              x.recipe,
              x.output,
              x.status,
              x.message ??
                [
                  x.added?.length ? `+${x.added.join(',')}` : '',
                  x.removed?.length ? `-${x.removed.join(',')}` : '',
                  x.retyped?.length ? `~${x.retyped.join(',')}` : '',
                ]
                  .filter(Boolean)
                  .join(' '),
            ]),
          ),
        );
        io.out(
          r.breaks
            ? `The change to ${r.dataset} would break recipes downstream\n`
            : `No recipe downstream of ${r.dataset} would break\n`,
        );
        // A failing exit status lets a CI job stop before the change is made.
        if (r.breaks) throw badRequest('the schema change would break downstream recipes');
      }),
    );
};
