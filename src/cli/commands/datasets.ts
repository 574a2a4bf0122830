import { createWriteStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import type { ColumnStats } from '../../engine/column-stats.js';
import { collect, enc, globals, print, printRecord, projectOf, withClient } from '../command-kit.js';
import { formatTable } from '../io.js';
import { formatAggregateNumber, formatDistinct, formatTypedNumber, significantDigits } from '../number-format.js';
import { ProgressBar } from '../progress.js';
import { storageFromFlags, type StorageFlags } from './dataset-storage.js';
import { datasetPartitionCommands } from './dataset-partitions.js';
import { datasetVersionCommands } from './dataset-versions.js';
import type { CommandModule } from './index.js';
import { confirmDeletion, YES_OPTION } from '../confirm-deletion.js';

interface DatasetInfo {
  name: string;
  storage: { type: string };
  rowCount: number | null;
  columns: { name: string; type: string }[] | null;
  producedBy: string | null;
  currentVersion: { seq: number; createdAt: string } | null;
}

/** One line of `dataset stats`: estimates marked `≈`, numbers rounded as the column's type holds them. */
function statsRow(s: ColumnStats): unknown[] {
  const number = (v: unknown, type: string) => (typeof v === 'number' ? formatTypedNumber(v, type) : v);
  // Mean and deviation are computed in DOUBLE but cannot be more precise than the values.
  const derived = significantDigits(s.type) < 15 ? s.type : 'DOUBLE';
  const aggregate = (v: unknown) => (typeof v === 'number' ? formatAggregateNumber(v, derived, s.count) : v);
  return [
    s.name,
    s.type,
    s.count,
    s.nulls,
    formatDistinct(s.distinct, s.distinctIsApproximate),
    number(s.min, s.type),
    number(s.max, s.type),
    aggregate(s.mean),
    aggregate(s.stddev),
  ];
}

/** `llano dataset …`: import, list, show, head, stats, download. */
export const datasetCommands: CommandModule = (program, io) => {
  const dataset = program.command('dataset').description('Datasets of a project (--project KEY)');

  dataset
    .command('import <name> <file>')
    .description(
      'Import a CSV/TSV, Parquet, JSON or JSON-lines file (CSV and JSON may be .gz or .zst) as a new version of a dataset',
    )
    .option('--format <format>', 'auto, csv, tsv, parquet, json or jsonl (default: from the file name)')
    .option('--delimiter <char>')
    .option('--quote <char>')
    .option('--header <bool>', 'true or false (default: detected)')
    .option('--encoding <encoding>', 'utf-8, latin-1 or utf-16 (default: detected)')
    .option('--schema <json>', 'column type overrides, e.g. {"antenna":"VARCHAR"}')
    .action(async (name: string, given: string, opts: Record<string, string | undefined>, cmd: Command) => {
      // Relative to the CLI's folder, which is not the process's when Llano's CLI runs inside another program.
      const file = path.resolve(io.cwd, given);
      if (!existsSync(file)) throw badRequest(`No such file: ${given}`);
      if (!statSync(file).isFile())
        throw badRequest(`${given} is a folder, not a file: import its files one by one (one dataset each)`);
      await withClient(io, cmd, async (c, g) => {
        const params = new URLSearchParams(
          Object.entries(opts).filter((e): e is [string, string] => typeof e[1] === 'string'),
        );
        const bar = new ProgressBar(io, `import ${name}`);
        const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
        bar.update(0, `${mb(statSync(file).size)} MB`);
        // Bytes read from the file; the engine then parses them (the last moments at 100 %).
        const d = await c.upload<DatasetInfo>(
          `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/upload?${params}`,
          file,
          (sent, total) =>
            bar.update(total ? sent / total : 1, sent < total ? `${mb(sent)} of ${mb(total)} MB` : 'importing…'),
        );
        bar.update(1, `${d.rowCount} rows`);
        bar.done();
        if (g.json) printRecord(io, g, d as unknown as Record<string, unknown>);
        else
          io.out(
            `Imported ${d.rowCount} rows into ${name} (version ${d.currentVersion?.seq}), ${d.columns?.length} columns\n`,
          );
      });
    });

  dataset
    .command('list')
    .description('Datasets of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request(`GET`, `/api/projects/${projectOf(io, g)}/datasets`), {
          columns: ['name', 'storage', 'rows', 'columns', 'version', 'written by'],
          rows: (d: DatasetInfo) => [
            d.name,
            d.storage.type,
            d.rowCount,
            d.columns?.length ?? null,
            d.currentVersion?.seq ?? null,
            d.producedBy,
          ],
        }),
      ),
    );

  dataset
    .command('create <name>')
    .description('A dataset read in place through a connection: a file, a table or a query')
    .requiredOption('--connection <name>', 'the connection it reads through')
    .option('--path <file>', 'a file inside a folder connection')
    .option('--format <format>', 'csv, parquet or jsonl (default: from the file name)')
    .option('--table <[schema.]name>', 'a table of a database connection')
    .option('--query <sql>', 'a query run by a database connection')
    .option('--description <text>')
    .action(async (name: string, o: StorageFlags & { description?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const body = { name, storage: storageFromFlags(o), ...(o.description ? { description: o.description } : {}) };
        const d = await c.request<DatasetInfo>('POST', `/api/projects/${projectOf(io, g)}/datasets`, body);
        if (g.json) printRecord(io, g, d as unknown as Record<string, unknown>);
        else
          io.out(
            `Created dataset ${name} (${d.storage.type} through ${o.connection})${d.columns ? `, ${d.columns.length} columns` : ''}\n`,
          );
      }),
    );

  dataset
    .command('show <name>')
    .description('Definition, schema and current version')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const d = await c.request<DatasetInfo>('GET', `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}`);
        if (g.json) return printRecord(io, g, d as unknown as Record<string, unknown>);
        io.out(
          `${d.name}: ${d.storage.type}, ${d.rowCount ?? 'no'} rows, version ${d.currentVersion?.seq ?? '-'}${d.producedBy ? `, written by ${d.producedBy}` : ''}\n\n`,
        );
        io.out(
          formatTable(
            ['column', 'type'],
            (d.columns ?? []).map((col) => [col.name, col.type]),
          ),
        );
      }),
    );

  dataset
    .command('head <name>')
    .description('First rows (sorted and filtered in the engine)')
    .option('-n, --limit <n>', 'rows', '20')
    .option('--offset <n>', 'rows to skip', '0')
    .option('--sort <columns>', 'comma-separated; descending with :desc, e.g. trec_x:desc,antenna (or --sort=-trec_x)')
    .option('--filter <column:op:value>', 'repeatable', collect)
    .action(
      async (name: string, opts: { limit: string; offset: string; sort?: string; filter?: string[] }, cmd: Command) =>
        withClient(io, cmd, async (c, g) => {
          const q = new URLSearchParams({
            limit: opts.limit,
            offset: opts.offset,
            ...(opts.sort ? { sort: opts.sort } : {}),
          });
          for (const f of opts.filter ?? []) q.append('filter', f);
          const page = await c.request<{ columns: string[]; types: string[]; rows: unknown[][]; total: number }>(
            'GET',
            `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/data?${q}`,
          );
          if (g.json) return printRecord(io, g, page);
          io.out(formatTable(page.columns, page.rows, page.types));
          io.out(`(${page.rows.length} of ${page.total} rows)\n`);
        }),
    );

  dataset
    .command('stats <name>')
    .description('Column statistics')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/stats`), {
          columns: ['column', 'type', 'count', 'nulls', 'distinct', 'min', 'max', 'mean', 'stddev'],
          rows: statsRow,
        }),
      ),
    );

  dataset
    .command('download <name>')
    .description('Download as CSV, Parquet, JSON, JSON lines or Arrow IPC (streamed)')
    .option(
      '--format <format>',
      'csv, parquet, json (an array of row objects), jsonl (one row object per line) or arrow (Arrow IPC stream)',
      'csv',
    )
    .option(
      '--keep-formulas',
      "CSV: write text cells starting with = + - @ tab or carriage return as they are (by default they get a leading ' so spreadsheets do not run them as formulas)",
    )
    .option('-o, --out <file>', 'write to a file instead of stdout (- is stdout)')
    .action(async (name: string, opts: { format: string; out?: string; keepFormulas?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c) => {
        const g = globals(cmd);
        // A relative file is the CLI's, as for import; `-` is stdout, as for most tools.
        const out = opts.out === undefined || opts.out === '-' ? undefined : path.resolve(io.cwd, opts.out);
        const formulas = opts.keepFormulas ? '&formulas=keep' : '';
        const stream = await c.stream(
          `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/data?format=${enc(opts.format)}&download=true${formulas}`,
        );
        if (out) {
          await pipeline(stream, createWriteStream(out));
          io.out(`Wrote ${out}\n`);
        } else {
          // No encoding set: Buffers. Parquet and Arrow are binary: written as bytes where the output takes them.
          for await (const chunk of stream as AsyncIterable<Buffer>)
            if (io.outBytes) io.outBytes(chunk);
            else io.out(chunk.toString());
        }
      }),
    );

  datasetVersionCommands(dataset, io);
  datasetPartitionCommands(dataset, io);

  dataset
    .command('delete <name>')
    .description('Delete a dataset and its data')
    .option(...YES_OPTION)
    .action(async (name: string, opts: { yes?: boolean }, cmd: Command) => {
      await confirmDeletion(io, 'dataset', name, opts.yes);
      return withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}`);
        io.out(`Deleted dataset ${name}\n`);
      });
    });
};
