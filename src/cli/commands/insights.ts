import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { facetsLeftOutNote } from '../../insights/facet-chart.js';
import type { DashboardInfo, InsightData, InsightInfo } from '../../insights/insight-types.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable } from '../io.js';
import { formatAggregateNumber } from '../number-format.js';
import type { CommandModule } from './index.js';
import { addShareCommand } from './share-command.js';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { id?: string };

/** `?filters=…` from repeated `--filter column:op:value` flags. */
const filterQuery = (filters: string[] = []) =>
  filters.length ? `?${filters.map((f) => `filters=${encodeURIComponent(f)}`).join('&')}` : '';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `llano insight …` and `llano dashboard …`. */
export const insightCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}`;

  const insight = program.command('insight').description('Charts, tables and tiles of a project (--project KEY)');
  insight
    .command('list')
    .description('Insights of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `${base(g)}/insights`), {
          columns: ['id', 'name', 'type', 'dataset', 'kind', 'revision'],
          rows: (i: InsightInfo) => [i.id, i.name, i.type, i.dataset ?? '', i.chart?.kind ?? '', i.revision],
        }),
      ),
    );
  insight
    .command('create')
    .description('Create an insight from a JSON file (`{"id","name","type":"chart","dataset","chart":{…}}`)')
    .requiredOption('--file <file>', 'the insight as JSON')
    .action(async (opts: { file: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const saved = await c.request<InsightInfo>('POST', `${base(g)}/insights`, readJson(opts.file));
        io.out(`Created insight ${saved.id} (revision ${saved.revision})\n`);
      }),
    );
  insight
    .command('show <id>')
    .description('An insight: its spec')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('GET', `${base(g)}/insights/${enc(id)}`))),
    );
  insight
    .command('data <id>')
    .description('The rows the insight draws, and with --sql the SQL that made them')
    .option('--filter <column:op:value>', 'a filter, as dashboards apply them (repeatable)', collect)
    .option('--sql', 'print the SQL too')
    .action(async (id: string, opts: { filter?: string[]; sql?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const data = await c.request<InsightData>(
          'GET',
          `${base(g)}/insights/${enc(id)}/data${filterQuery(opts.filter)}`,
        );
        if (g.json) return print(io, g, data);
        io.out(formatTable(data.columns, measuresRounded(data)));
        if (data.sampled) io.out(`Sampled: ${data.sampling}\n`);
        if (data.truncated) io.out(`Truncated to ${data.rows.length} rows (the chart's row budget)\n`);
        const facetsNote = facetsLeftOutNote(data);
        if (facetsNote) io.out(`Small multiples: ${facetsNote}\n`);
        if (opts.sql) io.out(`${data.sql}\n`);
      }),
    );
  insight
    .command('delete <id>')
    .description('Delete an insight')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/insights/${enc(id)}`);
        io.out(`Deleted insight ${id}\n`);
      }),
    );

  const dashboard = program.command('dashboard').description('Dashboards of a project (--project KEY)');
  dashboard
    .command('list')
    .description('Dashboards of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `${base(g)}/dashboards`), {
          columns: ['id', 'name', 'pages', 'tiles', 'revision'],
          rows: (d: DashboardInfo) => [
            d.id,
            d.name,
            d.pages.length,
            d.pages.reduce((n, p) => n + p.tiles.length, 0),
            d.revision,
          ],
        }),
      ),
    );
  dashboard
    .command('create')
    .description('Create a dashboard from a JSON file (`{"id","name","pages":[{"title","tiles":[…]}],"filters":[…]}`)')
    .requiredOption('--file <file>', 'the dashboard as JSON')
    .action(async (opts: { file: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const saved = await c.request<DashboardInfo>('POST', `${base(g)}/dashboards`, readJson(opts.file));
        io.out(`Created dashboard ${saved.id} (revision ${saved.revision})\n`);
      }),
    );
  dashboard
    .command('show <id>')
    .description('A dashboard: its pages, tiles and filters')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        printRecord(io, g, await c.request('GET', `${base(g)}/dashboards/${enc(id)}`)),
      ),
    );
  dashboard
    .command('export <id>')
    .description('Render the dashboard in headless Chromium to a PNG (one page) or a PDF (every page)')
    .option('--format <format>', 'png or pdf', 'png')
    .option('--page <n>', 'only this page (1 is the first)')
    .option('--filter <column:op:value>', 'a dashboard filter (repeatable)', collect)
    .requiredOption('-o, --out <file>', 'the file to write')
    .action(async (id: string, opts: { format: string; page?: string; filter?: string[]; out: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        if (!['png', 'pdf'].includes(opts.format)) throw badRequest('--format is png or pdf');
        const query = [`format=${enc(opts.format)}`, ...(opts.page ? [`page=${enc(opts.page)}`] : [])];
        const filters = filterQuery(opts.filter).replace(/^\?/, '');
        const stream = await c.stream(
          `${base(g)}/dashboards/${enc(id)}/export?${[...query, ...(filters ? [filters] : [])].join('&')}`,
        );
        await pipeline(stream, createWriteStream(opts.out));
        io.out(`Wrote ${opts.out}\n`);
      }),
    );
  addShareCommand(dashboard, io, { noun: 'dashboard', plural: 'dashboards' });
  dashboard
    .command('delete <id>')
    .description('Delete a dashboard')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/dashboards/${enc(id)}`);
        io.out(`Deleted dashboard ${id}\n`);
      }),
    );
};

/** Values a measure aggregates (an average of thousands of rows, say): the digits past ~10 are summation noise. */
const MEASURE_VALUES = 100_000;

/** The rows with each measure's fractional numbers rounded as aggregates are (--json keeps every digit). */
export function measuresRounded(data: InsightData): unknown[][] {
  const measure = data.columns.map((_, i) => data.roles[i] === 'y');
  return data.rows.map((row) =>
    row.map((v, i) =>
      measure[i] && typeof v === 'number' && !Number.isInteger(v)
        ? formatAggregateNumber(v, 'DOUBLE', MEASURE_VALUES)
        : v,
    ),
  );
}
