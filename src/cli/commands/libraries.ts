import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { LlanoError } from '../../common/errors.js';
import type { LibraryFileInfo } from '../../recipes/code/code-libraries.js';
import { enc, print, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

/** `llano library put|list|show|rm`: the project's shared code files that code recipes import. */
export const libraryCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/libraries`;
  const library = program
    .command('library')
    .description('Library files of a project: TypeScript, Python and R code that code recipes import (--project KEY)');
  library
    .command('put <file>')
    .description('Add or replace a library file from a local file (its name unless --name)')
    .option('--name <name>', 'the name in the project, e.g. bands.py')
    .action(async (file: string, opts: { name?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const name = opts.name ?? path.basename(file);
        const body = { name, content: readFileSync(file, 'utf8') };
        const exists = await c.request('GET', `${base(g)}/${enc(name)}`).then(
          () => true,
          (e: LlanoError) => (e.status === 404 ? false : Promise.reject(e)),
        );
        const saved = exists
          ? await c.request<LibraryFileInfo>('PUT', `${base(g)}/${enc(name)}`, body)
          : await c.request<LibraryFileInfo>('POST', base(g), body);
        io.out(`${exists ? 'Updated' : 'Added'} library file ${saved.name} (revision ${saved.revision})\n`);
      }),
    );
  library
    .command('list')
    .description('Files of the project library')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['name', 'language', 'size', 'revision', 'updatedBy'],
          rows: (f: LibraryFileInfo) => [f.name, f.language, f.size, f.revision, f.updatedBy],
        }),
      ),
    );
  library
    .command('show <name>')
    .description("Print a library file's content")
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const f = await c.request<LibraryFileInfo>('GET', `${base(g)}/${enc(name)}`);
        if (g.json) print(io, g, f);
        else io.out(f.content);
      }),
    );
  library
    .command('rm <name>')
    .description('Delete a library file (its history stays)')
    .action(async (name: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/${enc(name)}`);
        io.out(`Deleted library file ${name}\n`);
      }),
    );
};
