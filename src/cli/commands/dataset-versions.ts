import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import type { ListedVersion } from '../../datasets/dataset-types.js';
import type { ApiClient } from '../client.js';
import { enc, print, projectOf, withClient } from '../command-kit.js';
import { formatTable, type CliIo } from '../io.js';

/** Where a version's rows came from, in a few words. */
function sourceOf(v: ListedVersion): string {
  const l = v.lineage;
  if (l?.source === 'restore') return `restore of version ${l.restoredFrom}`;
  if (l?.recipe) return `recipe ${l.recipe}`;
  if (l?.fileName) return `upload of ${l.fileName}`;
  return l?.source ?? '-';
}

/** `llano dataset versions NAME`, `dataset version-head NAME VERSION` (its rows) and `dataset restore NAME VERSION`. */
export function datasetVersionCommands(dataset: Command, io: CliIo): void {
  const versionsOf = (c: ApiClient, project: string, name: string) =>
    c.request<ListedVersion[]>('GET', `/api/projects/${project}/datasets/${enc(name)}/versions`);
  /** A version named by its number (as `versions` lists it) or by its id. */
  const pick = (versions: ListedVersion[], name: string, version: string) => {
    const found = versions.find((v) => String(v.seq) === version || v.id === version);
    if (!found) throw badRequest(`Dataset ${name} has no version ${version} (see llano dataset versions ${name})`);
    return found;
  };

  dataset
    .command('versions <name>')
    .description('Versions of the data, newest first (the current one marked *)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print<ListedVersion>(io, g, await versionsOf(c, projectOf(io, g), name), {
          columns: ['version', 'status', 'rows', 'source', 'created'],
          rows: (v) => [`${v.seq}${v.current ? ' *' : ''}`, v.status, v.rowCount ?? '-', sourceOf(v), v.createdAt],
        }),
      ),
    );

  dataset
    .command('version-head <name> <version>')
    .description('First rows of an old version (number or id), if its data is still kept')
    .option('-n, --limit <n>', 'rows', '20')
    .action(async (name: string, version: string, opts: { limit: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const v = pick(await versionsOf(c, project, name), name, version);
        const page = await c.request<{ columns: string[]; types: string[]; rows: unknown[][]; total: number }>(
          'GET',
          `/api/projects/${project}/datasets/${enc(name)}/versions/${enc(v.id)}/data?limit=${enc(opts.limit)}`,
        );
        if (g.json) return print(io, g, page);
        io.out(formatTable(page.columns, page.rows, page.types));
        io.out(`(${page.rows.length} of ${page.total} rows of version ${v.seq})\n`);
      }),
    );

  dataset
    .command('restore <name> <version>')
    .description(
      "Make an old version's data (number or id) current again, as a new version; recipes reading the dataset become stale",
    )
    .action(async (name: string, version: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const project = projectOf(io, g);
        const v = pick(await versionsOf(c, project, name), name, version);
        const d = await c.request<{ currentVersion: { seq: number } | null; rowCount: number | null }>(
          'POST',
          `/api/projects/${project}/datasets/${enc(name)}/versions/${enc(v.id)}/restore`,
        );
        if (g.json) return print(io, g, d);
        io.out(
          `Restored version ${v.seq} of ${name} as version ${d.currentVersion?.seq ?? '-'} (${d.rowCount ?? 0} rows)\n`,
        );
      }),
    );
}
