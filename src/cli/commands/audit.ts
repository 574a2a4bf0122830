import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { AuditEntry, AuditPage } from '../../catalog/audit-types.js';
import type { TimelineItem, TimelinePage } from '../../audit/timeline-types.js';
import { badRequest } from '../../common/errors.js';
import type { ImportResult } from '../../transfer/transfer-types.js';
import { extractZip } from '../../common/zip/zip-reader.js';
import { zipFolder } from '../../common/zip/zip-folder.js';
import { enc, print, printRecord, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

/** `?a=1&b=2` of the options that are set. */
const queryOf = (values: Record<string, string | number | boolean | undefined>) => {
  const q = Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => `${k}=${enc(String(v))}`)
    .join('&');
  return q ? `?${q}` : '';
};

/**
 * Empties a folder for a new export, keeping `.git`: only a folder that holds an earlier export
 * (a project.json) or nothing, so a mistyped path never wipes someone's files.
 */
function prepareExportFolder(dir: string): void {
  if (!existsSync(dir)) return void mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir).filter((e) => e !== '.git');
  if (entries.length === 0) return;
  if (!entries.includes('project.json'))
    throw badRequest(`${dir} is neither empty nor an exported project (no project.json): choose another folder`);
  for (const e of entries) rmSync(path.join(dir, e), { recursive: true, force: true });
}

/** `llano audit`, `llano timeline`, `llano project export|import`. */
export const auditCommands: CommandModule = (program, io) => {
  program
    .command('audit')
    .description(
      'The audit log, newest first (global admins: all; project admins: their projects); -p KEY for one project',
    )
    .option('--user <name>')
    .option('--from <date>', 'ISO date or time')
    .option('--to <date>', 'ISO date or time (exclusive)')
    .option('--action <action>', 'e.g. recipe.update, or a prefix like dataset.')
    .option('--limit <n>', 'rows (default 100)')
    .option('--cursor <id>', 'the next page (printed after a full page)')
    .action(async (opts: Record<string, string | undefined>, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        // --project is the global option (-p), read here as a filter rather than a default.
        const page = await c.request<AuditPage>('GET', `/api/audit${queryOf({ ...opts, project: g.project })}`);
        print(io, g, page.entries, {
          columns: ['at', 'actor', 'via', 'action', 'project', 'object', 'ip'],
          rows: (e: AuditEntry) => [
            e.at,
            e.actor ?? '',
            e.via,
            e.action,
            e.project ?? '',
            e.objectName ?? '',
            e.ip ?? '',
          ],
        });
        if (page.nextCursor && !g.json) io.err(`More: --cursor ${page.nextCursor}\n`);
      }),
    );
  program
    .command('timeline <project>')
    .description('What happened in a project, newest first')
    .option('--before <time>', 'older than this (the time printed after a full page)')
    .option('--limit <n>', 'items (default 50)')
    .action(async (key: string, opts: { before?: string; limit?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const page = await c.request<TimelinePage>('GET', `/api/projects/${enc(key)}/timeline${queryOf(opts)}`);
        print(io, g, page.items, { columns: ['at', 'what'], rows: (i: TimelineItem) => [i.at, i.text] });
        if (page.nextBefore && !g.json) io.err(`More: --before ${page.nextBefore}\n`);
      }),
    );

  // Under `llano project`, which projects.ts defines.
  const project = program.commands.find((cmd) => cmd.name() === 'project') ?? program.command('project');
  project
    .command('export <key> <dir>')
    .description('Write a project as a folder of readable files (for git, or another Llano); DIR is replaced')
    .option('--data', 'the datasets’ current data as Parquet')
    .option('--revisions', 'every revision of every object')
    .action(async (key: string, dir: string, opts: { data?: boolean; revisions?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c) => {
        const target = path.resolve(io.cwd, dir);
        const work = mkdtempSync(path.join(tmpdir(), 'llano-export-'));
        try {
          const zip = path.join(work, 'project.zip');
          await pipeline(await c.stream(`/api/projects/${enc(key)}/export${queryOf(opts)}`), createWriteStream(zip));
          prepareExportFolder(target);
          const files = await extractZip(zip, target, { maxBytes: Number.MAX_SAFE_INTEGER, maxEntries: 10_000_000 });
          io.out(`Wrote ${files.length} files of project ${key} to ${dir}\n`);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }),
    );
  project
    .command('import <dir>')
    .description('Create a project from an exported folder (its key, or --key NEW)')
    .option('--key <key>', 'the new project’s key')
    .action(async (dir: string, opts: { key?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const source = path.resolve(io.cwd, dir);
        if (!existsSync(path.join(source, 'project.json')))
          throw badRequest(`${dir} has no project.json: give a folder written by \`llano project export\``);
        const work = mkdtempSync(path.join(tmpdir(), 'llano-import-'));
        try {
          const zip = path.join(work, 'project.zip');
          await zipFolder(source, zip);
          // `notCarried` is absent from servers older than the list.
          const result = await c.upload<Partial<ImportResult>>(
            `/api/projects/import${queryOf({ key: opts.key })}`,
            zip,
          );
          if (g.json) return printRecord(io, g, result);
          const { notCarried = [], ...counts } = result;
          printRecord(io, g, counts);
          // Said on stderr, one line each, so it is seen even when stdout goes to a file.
          if (notCarried.length) io.err('Not carried by the export (set them up again here):\n');
          for (const n of notCarried)
            io.err(`  ${n.what} (${n.count}): ${n.note}${n.items?.length ? ` ${n.items.join(', ')}` : ''}\n`);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }),
    );
};
