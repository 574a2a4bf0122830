import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import type { PartitionDimension, PartitionInfo, Partitioning } from '../../datasets/partitioning.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CliIo } from '../io.js';

const collect = (v: string, all: string[]) => [...all, v];

/** `--dim time:NAME:PERIOD[:COLUMN]` and `--dim discrete:NAME[:COLUMN]` flags as dimensions, in the order given. */
function dimensionsOf(flags: readonly string[]): PartitionDimension[] {
  return flags.map((flag) => {
    const [type, name, a, b] = flag.split(':');
    if (type === 'time' && name && a) return { name, type: 'time', period: a as 'day', column: b ?? name };
    if (type === 'discrete' && name) return { name, type: 'discrete', column: a ?? name };
    throw badRequest(
      `--dim ${flag}: write time:NAME:PERIOD[:COLUMN] (hour, day, month, year) or discrete:NAME[:COLUMN]`,
    );
  });
}

/** `llano dataset partitioning NAME [--dim …]` and `llano dataset partitions NAME`. */
export function datasetPartitionCommands(dataset: Command, io: CliIo): void {
  dataset
    .command('partitioning <name>')
    .description(
      'Show how a dataset is partitioned, or declare it with --dim flags in order: --dim time:day:day --dim discrete:band',
    )
    .option('--dim <dimension>', 'time:NAME:PERIOD[:COLUMN] or discrete:NAME[:COLUMN] (repeat)', collect, [])
    .option('--remove', 'make the dataset unpartitioned (built whole from then on; its versions keep their data)')
    .action(async (name: string, opts: { dim: string[]; remove?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const url = `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/partitioning`;
        if (opts.remove) {
          if (opts.dim.length) throw badRequest('Give either --dim flags or --remove, not both');
          await c.request('DELETE', url);
          return io.out(`Dataset ${name} is no longer partitioned\n`);
        }
        const p = opts.dim.length
          ? await c.request<Partitioning>('PUT', url, { dimensions: dimensionsOf(opts.dim) })
          : await c.request<Partitioning>('GET', url);
        if (g.json) return printRecord(io, g, p);
        print(io, g, p.dimensions, {
          columns: ['dimension', 'type', 'period', 'column'],
          rows: (d: PartitionDimension) => [d.name, d.type, d.type === 'time' ? d.period : '-', d.column],
        });
      }),
    );

  dataset
    .command('partitions <name>')
    .description(
      'Partitions of a partitioned dataset: rows, state (ready, stale, missing, building, failed) and last checks',
    )
    .option('--state <state>', 'only partitions in this state')
    .action(async (name: string, opts: { state?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const all = await c.request<PartitionInfo[]>(
          'GET',
          `/api/projects/${projectOf(io, g)}/datasets/${enc(name)}/partitions`,
        );
        print(
          io,
          g,
          all.filter((p) => !opts.state || p.state === opts.state),
          {
            columns: ['partition', 'state', 'rows', 'checks', 'error'],
            rows: (p: PartitionInfo & { checks?: { outcome: string } | null }) => [
              p.id,
              p.state,
              p.rows ?? '-',
              p.checks?.outcome ?? '-',
              p.error ?? '',
            ],
          },
        );
      }),
    );
}
