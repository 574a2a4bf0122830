import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { SearchResult } from '../../collab/catalog-search.js';
import type { Discussion, DiscussionThread } from '../../collab/discussions.js';
import type { WikiPage, WikiPageSummary } from '../../collab/wiki.js';
import { badRequest } from '../../common/errors.js';
import { enc, globals, print, projectOf, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

/** `llano wiki …`, `llano discuss …`, `llano tag set` and `llano search`. */
export const collabCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}`;

  const wiki = program
    .command('wiki')
    .description('The project wiki (--project KEY): Markdown pages named like ops/shifts');
  wiki
    .command('list')
    .description('Wiki pages of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `${base(g)}/wiki`), {
          columns: ['page', 'revision', 'updated', 'by'],
          rows: (p: WikiPageSummary) => [p.name, p.revision, p.updatedAt, p.updatedBy],
        }),
      ),
    );
  wiki
    .command('get <page>')
    .description('Print a page’s Markdown (--json: with its HTML and links)')
    .action(async (page: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const p = await c.request<WikiPage>('GET', `${base(g)}/wiki/${enc(page)}`);
        if (g.json) return print(io, g, p);
        io.out(p.content.endsWith('\n') ? p.content : `${p.content}\n`);
      }),
    );
  wiki
    .command('put <page> [file]')
    .description('Create or replace a page from a Markdown file, standard input (-) or --content')
    .option('--content <markdown>', 'the page’s Markdown')
    .option('--file <file>', 'a Markdown file (- for standard input), as the second argument')
    .action(
      async (page: string, fileArg: string | undefined, opts: { content?: string; file?: string }, cmd: Command) =>
        withClient(io, cmd, async (c, g) => {
          const sources = [fileArg, opts.file, opts.content].filter((s) => s !== undefined);
          if (sources.length > 1) throw badRequest('Give the page once: a FILE (- for stdin), --file or --content');
          const file = fileArg ?? opts.file;
          const content =
            opts.content ??
            (file === '-' ? await io.readStdin() : file ? readFileSync(path.resolve(io.cwd, file), 'utf8') : undefined);
          if (content === undefined)
            throw badRequest('Give the page: llano wiki put PAGE FILE (- for stdin), or --content TEXT');
          const saved = await c.request<WikiPage>('PUT', `${base(g)}/wiki/${enc(page)}`, { content });
          const broken = saved.links.filter((l) => !l.exists).map((l) => l.ref);
          io.out(`Saved wiki page ${saved.name} (revision ${saved.revision})\n`);
          if (broken.length) io.out(`Broken links: ${broken.join(', ')}\n`);
        }),
    );

  const discuss = program.command('discuss').description('Discussions on project objects (--project KEY)');
  discuss
    .command('list')
    .description('Discussions of the project')
    .option('--object <kind:name>', 'only the discussions of one object (dataset:trec)')
    .option('--status <status>', 'open or closed')
    .action(async (opts: { object?: string; status?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const query = new URLSearchParams();
        if (opts.object) query.set('object', opts.object);
        if (opts.status) query.set('status', opts.status);
        const q = query.size ? `?${query}` : '';
        print(io, g, await c.request('GET', `${base(g)}/discussions${q}`), {
          columns: ['id', 'object', 'title', 'status', 'replies', 'by', 'updated'],
          rows: (d: Discussion) => [d.id, d.object, d.title, d.status, d.replies, d.createdBy, d.updatedAt],
        });
      }),
    );
  discuss
    .command('post <object>')
    .description('Start a discussion on an object (kind:name); @username notifies a member')
    .requiredOption('--title <title>')
    .requiredOption('--message <message>')
    .action(async (object: string, opts: { title: string; message: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const t = await c.request<DiscussionThread>('POST', `${base(g)}/discussions`, { object, ...opts });
        if (g.json) return print(io, g, t);
        io.out(`Started discussion ${t.id} on ${t.object}\n`);
      }),
    );
  discuss
    .command('reply <id>')
    .description('Reply to a discussion')
    .requiredOption('--message <message>')
    .action(async (id: string, opts: { message: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const t = await c.request<DiscussionThread>('POST', `${base(g)}/discussions/${enc(id)}/replies`, opts);
        if (g.json) return print(io, g, t);
        io.out(`Replied to ${t.id} (${t.messages.length} messages)\n`);
      }),
    );

  const tag = program.command('tag').description('Tags and descriptions of project objects (--project KEY)');
  tag
    .command('set <kind> <name> [tags...]')
    .description('Replace the tags of an object (kind: dataset, recipe, scenario, dashboard, insight, wiki-page)')
    .option('--description <text>', 'its description too')
    .action(async (kind: string, name: string, tags: string[], opts: { description?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const saved = await c.request<{ tags: string[] }>('PUT', `${base(g)}/tags/${enc(kind)}/${enc(name)}`, {
          tags,
          ...(opts.description !== undefined ? { description: opts.description } : {}),
        });
        if (g.json) return print(io, g, saved);
        io.out(`Tags of ${kind} ${name}: ${saved.tags.join(', ') || '(none)'}\n`);
      }),
    );

  program
    .command('search <query>')
    .description('Search every project you may read (--project KEY: only that one)')
    .option('--kind <kind>', 'dataset, recipe, scenario, dashboard, insight or wiki-page')
    .option('--tag <tag>', 'only objects with this tag')
    .option('--limit <n>', 'results per page', '20')
    .option('--offset <n>', 'results to skip', '0')
    .action(async (q: string, opts: { kind?: string; tag?: string; limit: string; offset: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const query = new URLSearchParams({ q, limit: opts.limit, offset: opts.offset });
        if (opts.kind) query.set('kind', opts.kind);
        if (opts.tag) query.set('tag', opts.tag);
        const project = globals(cmd).project;
        if (project) query.set('project', project);
        const result = await c.request<SearchResult>('GET', `/api/catalog/search?${query}`);
        if (g.json) return print(io, g, result);
        print(io, g, result.items, {
          columns: ['project', 'kind', 'name', 'match', 'tags', 'description'],
          rows: (h: SearchResult['items'][number]) => [
            h.projectKey,
            h.kind,
            h.name,
            h.match ?? '',
            h.tags.join(' '),
            h.description.split('\n')[0],
          ],
        });
        io.out(`${result.items.length} of ${result.total}\n`);
      }),
    );
};
