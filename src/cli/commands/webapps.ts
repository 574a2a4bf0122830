import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import type { WebappInfo, WebappLogLine } from '../../webapps/webapp-types.js';
import { enc, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';
import { addShareCommand } from './share-command.js';

/** Folders a webapp's source folder often holds that are not part of it. */
const SKIPPED = new Set(['node_modules', '__pycache__']);

/** Every file under `dir` as `relative/path` → text (hidden files and folders left out). */
function readFolder(dir: string): Record<string, string> {
  const root = path.resolve(dir);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw badRequest(`--dir ${dir} is not a folder`);
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files[path.relative(root, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return files;
}

interface SaveOptions {
  dir: string;
  name?: string;
  kind?: string;
  description?: string;
  /** Comma-separated: the datasets it reads (what viewers it is shared with may read through it). */
  datasets?: string;
}

const DATASETS_OPTION = [
  '--datasets <names>',
  'the datasets it reads, comma-separated: viewers it is shared with read those only',
] as const;

/** `llano webapp …`: webapps of a project, their files from a folder. */
export const webappCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/webapps`;
  const webapp = program
    .command('webapp')
    .description('Webapps of a project (--project KEY): pages, a backend.ts, or a Python app.py');

  const body = (id: string, opts: SaveOptions, dir: string) => ({
    id,
    name: opts.name ?? id,
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.datasets !== undefined
      ? {
          datasets: opts.datasets
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean),
        }
      : {}),
    files: readFolder(path.resolve(io.cwd, dir)),
  });

  webapp
    .command('list')
    .description('Webapps of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['id', 'name', 'kind', 'files', 'revision', 'url'],
          rows: (w: WebappInfo) => [w.id, w.name, w.kind, Object.keys(w.files).length, w.revision, w.url],
        }),
      ),
    );
  webapp
    .command('create <id>')
    .description(
      'Create a webapp from the files of a folder (index.html…, backend.ts; app.py with --kind python; app.tsx with --kind react)',
    )
    .requiredOption('--dir <folder>', 'the folder of its files')
    .option('--name <name>', 'its display name (default: the id)')
    .option('--kind <kind>', 'static (default), python or react')
    .option('--description <text>', 'what it is for')
    .option(...DATASETS_OPTION)
    .action(async (id: string, opts: SaveOptions, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const saved = await c.request<WebappInfo>('POST', base(g), body(id, opts, opts.dir));
        io.out(
          `Created webapp ${saved.id} (revision ${saved.revision}, ${Object.keys(saved.files).length} files) at ${saved.url}\n`,
        );
      }),
    );
  webapp
    .command('update <id>')
    .description('Replace the files of a webapp with those of a folder (a new revision)')
    .requiredOption('--dir <folder>', 'the folder of its files')
    .option('--name <name>', 'a new display name')
    .option('--kind <kind>', 'static, python or react')
    .option('--description <text>', 'what it is for')
    .option(...DATASETS_OPTION)
    .action(async (id: string, opts: SaveOptions, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const current = await c.request<WebappInfo>('GET', `${base(g)}/${enc(id)}`);
        const next = { ...current, ...body(id, { name: current.name, ...opts }, opts.dir) };
        const saved = await c.request<WebappInfo>('PUT', `${base(g)}/${enc(id)}`, next);
        io.out(`Saved webapp ${saved.id} (revision ${saved.revision})\n`);
      }),
    );
  webapp
    .command('show <id>')
    .description('A webapp and its files (with --file NAME: that file)')
    .option('--file <name>', 'print this file')
    .action(async (id: string, opts: { file?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const w = await c.request<WebappInfo>('GET', `${base(g)}/${enc(id)}`);
        if (opts.file !== undefined) {
          if (!(opts.file in w.files)) throw badRequest(`Webapp ${id} has no file ${opts.file}`);
          return io.out(w.files[opts.file]);
        }
        if (g.json) return print(io, g, w);
        const { files, ...rest } = w;
        printRecord(io, g, {
          ...rest,
          files: Object.entries(files)
            .map(([name, text]) => `${name} (${Buffer.byteLength(text)} B)`)
            .join(', '),
        });
      }),
    );
  webapp
    .command('logs <id>')
    .description("The webapp's backend or Python log on the server (newest last)")
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const a = await c.request<{ lines: WebappLogLine[] }>('GET', `${base(g)}/${enc(id)}/logs`);
        if (g.json) return print(io, g, a);
        for (const l of a.lines) io.out(`${l.at} ${l.stream.padEnd(6)} ${l.line}\n`);
      }),
    );
  addShareCommand(webapp, io, { noun: 'webapp', plural: 'webapps' });
  webapp
    .command('delete <id>')
    .description('Delete a webapp')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/${enc(id)}`);
        io.out(`Deleted webapp ${id}\n`);
      }),
    );
};
