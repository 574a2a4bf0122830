import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { badRequest, LlanoError } from '../../common/errors.js';
import type { CellOutput, CellRun, NotebookInfo } from '../../notebooks/notebook-types.js';
import { enc, print, projectOf, withClient } from '../command-kit.js';
import { formatTable, type CliIo } from '../io.js';
import type { CommandModule } from './index.js';

/** One output as a terminal shows it. */
function writeOutput(io: CliIo, o: CellOutput): void {
  switch (o.type) {
    case 'text': {
      const text = o.text.endsWith('\n') ? o.text : `${o.text}\n`;
      if (o.stream === 'stderr') io.err(text);
      else io.out(text);
      return;
    }
    case 'table':
      io.out(
        formatTable(
          o.columns.map((c) => c.name),
          o.rows,
          o.columns.map((c) => c.type),
        ),
      );
      if (o.total > o.rows.length) io.out(`(${o.rows.length} of ${o.total} rows)\n`);
      return;
    case 'chart':
      io.out(
        `(a chart: ${Array.isArray(o.option.series) ? o.option.series.length : 0} series; see it in the web UI)\n`,
      );
      return;
    case 'image':
      io.out(`(an image, ${o.mime})\n`);
      return;
    case 'error':
      io.err(`${o.traceback || `${o.name}: ${o.message}`}\n`);
  }
}

function writeRun(io: CliIo, run: CellRun): void {
  io.out(`[${run.index}] ${run.type}${run.executionCount ? ` (${run.executionCount})` : ''}, ${run.durationMs} ms\n`);
  for (const o of run.outputs) writeOutput(io, o);
}

const failure = (run: CellRun) => {
  const error = run.outputs.find((o) => o.type === 'error');
  return error ? new LlanoError('cell_failed', 422, `cell ${run.index} failed: ${error.name}: ${error.message}`) : null;
};

/** `llano notebook …`: list, export, import and run a project's notebooks. */
export const notebookCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/notebooks`;
  const notebook = program.command('notebook').description('Notebooks of a project (--project KEY)');
  notebook
    .command('list')
    .description('Notebooks of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['id', 'name', 'cells', 'revision', 'updated'],
          rows: (n: NotebookInfo) => [n.id, n.name, n.cells.length, n.revision, n.updatedAt],
        }),
      ),
    );
  notebook
    .command('export <id>')
    .description('Write the notebook as a Jupyter file (.ipynb, nbformat 4)')
    .option('-o, --out <file>', 'the file to write (default: <id>.ipynb)')
    .action(async (id: string, opts: { out?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const out = path.resolve(io.cwd, opts.out ?? `${id}.ipynb`);
        await pipeline(await c.stream(`${base(g)}/${enc(id)}/export?format=ipynb`), createWriteStream(out));
        io.out(`Wrote ${out}\n`);
      }),
    );
  notebook
    .command('import <file>')
    .description('Import a Jupyter notebook (.ipynb, nbformat 4)')
    .option('--id <id>', 'the notebook id (default: from the file, else its name)')
    .option('--name <name>', 'the notebook name')
    .option('--replace', 'replace a notebook of that id (a new revision)')
    .action(async (file: string, opts: { id?: string; name?: string; replace?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const full = path.resolve(io.cwd, file);
        const saved = await c.request<NotebookInfo>('POST', `${base(g)}/import`, {
          ipynb: readFileSync(full, 'utf8'),
          id: opts.id,
          name: opts.name,
          replace: opts.replace ?? false,
          ...(opts.id ? {} : { fileName: path.basename(full) }),
        });
        io.out(`Imported notebook ${saved.id} (${saved.cells.length} cells, revision ${saved.revision})\n`);
      }),
    );
  notebook
    .command('run <id>')
    .description('Run every cell in order (stopping at a failure), or one with --cell; prints the outputs')
    .option('--cell <n>', 'only this cell (0 is the first)')
    .option('--save', 'keep the outputs in the notebook (a new revision)')
    .option('--session <name>', 'the kernel session (variables are kept between runs of one session)', 'cli')
    .action(async (id: string, opts: { cell?: string; save?: boolean; session: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const body = { session: opts.session, save: opts.save ?? false };
        let runs: CellRun[];
        if (opts.cell !== undefined) {
          if (!/^\d+$/.test(opts.cell)) throw badRequest('--cell is a cell index: 0, 1, 2…');
          runs = [await c.request<CellRun>('POST', `${base(g)}/${enc(id)}/cells/${opts.cell}/run`, body)];
        } else {
          runs = (await c.request<{ cells: CellRun[] }>('POST', `${base(g)}/${enc(id)}/run-all`, body)).cells;
        }
        if (g.json) print(io, g, runs);
        else for (const run of runs) writeRun(io, run);
        const failed = runs.map(failure).find((f) => f !== null);
        if (failed) throw failed;
      }),
    );
  notebook
    .command('to-recipe <id>')
    .description(
      'Turn a SQL cell into a SQL recipe, or TypeScript or Python cells into a code recipe (run() around the code; its last expression is written)',
    )
    .requiredOption('--output <dataset>', 'the dataset the recipe writes')
    .option('--cell <n...>', 'the cells (0 is the first; default: every code cell)')
    .option('--language <language>', 'without --cell: every cell of this language (sql, python, typescript)')
    .option('--with-dependencies', 'also take the earlier cells whose variables these cells use')
    .option('--input <dataset...>', 'the inputs (default: the datasets the cells read)')
    .option('--name <name>', 'the recipe name (default: <notebook>_cell_<n>)')
    .option(
      '--replace-uploaded',
      'let the recipe write a dataset holding uploaded or imported data, or an existing source table of a connection (refused without it)',
    )
    .action(
      async (
        id: string,
        opts: {
          output: string;
          cell?: string[];
          language?: string;
          withDependencies?: boolean;
          input?: string[];
          name?: string;
          replaceUploaded?: boolean;
        },
        cmd: Command,
      ) =>
        withClient(io, cmd, async (c, g) => {
          if (opts.cell?.some((n) => !/^\d+$/.test(n))) throw badRequest('--cell is a cell index: 0, 1, 2…');
          const recipe = await c.request<{ name: string; type: string; inputs: string[] }>(
            'POST',
            `${base(g)}/${enc(id)}/to-recipe`,
            {
              output: opts.output,
              cells: opts.cell?.map(Number),
              language: opts.language,
              ...(opts.withDependencies ? { withDependencies: true } : {}),
              inputs: opts.input,
              name: opts.name,
              ...(opts.replaceUploaded ? { replaceUploaded: true } : {}),
            },
          );
          if (g.json) print(io, g, recipe);
          else io.out(`Created ${recipe.type} recipe ${recipe.name} (inputs: ${recipe.inputs.join(', ')})\n`);
        }),
    );
};
