import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { ownerOf } from '../catalog/objects.js';
import { zipFolder } from '../common/zip/zip-folder.js';
import { redactedBody } from '../flow/history.js';
import type { Workspace } from '../workspace/workspace.js';
import { exportCollab } from './collab-transfer.js';
import { exportData, exportPartitionings } from './data-transfer.js';
import { notCarriedOf } from './not-carried.js';
import {
  FORMAT,
  FORMAT_VERSION,
  REDACTED,
  REVISIONS_FOLDER,
  SIDE_FILES,
  fileNameOf,
  folderOf,
  stableJson,
  writeText as write,
  type ProjectFile,
} from './project-folder.js';

export interface ExportOptions {
  /** The current version of each managed dataset, as Parquet. */
  data?: boolean;
  /** Every revision of every object (with authors and times). */
  revisions?: boolean;
}

/**
 * A stored body as an export shows it: secrets decrypted, then replaced by `********` as for
 * readers (an import sets fresh ones).
 */
function exported(ws: Workspace, row: { project_key: string; kind: string; name: string; body: string }): unknown {
  return redactedBody(ws, row.kind, ws.catalog.objects.readStored(row.body, ownerOf(row)));
}

/** Splits the side-file fields (`sql`, `content`) off a body. */
function withoutSideFiles(body: unknown): { json: unknown; side: [string, string][] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { json: body, side: [] };
  const json: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  const side: [string, string][] = [];
  for (const [field, ext] of Object.entries(SIDE_FILES))
    if (typeof json[field] === 'string') {
      side.push([ext, json[field]]);
      delete json[field];
    }
  return { json, side };
}

/**
 * Writes a project as a folder of readable files into `dir` (project admins): its objects, the
 * partitioning of its datasets, wiki attachments and discussions, with `data` each dataset's
 * current data (partitioned ones partition by partition), with `revisions` every revision; and
 * in project.json, what it could not carry (`notCarried`). Without `revisions` nothing in it
 * changes from one export to the next unless the project did.
 */
export async function exportProjectFolder(
  ws: Workspace,
  principal: Principal,
  key: string,
  dir: string,
  options: ExportOptions = {},
): Promise<void> {
  const project = await ws.catalog.projects.authorize(principal, key, 'admin');
  const members = await ws.catalog.projects.members(principal, key);
  const rows = await ws.catalog.db
    .selectFrom('objects')
    .selectAll()
    .where('project_key', '=', key)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const file: ProjectFile = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    key: project.key,
    name: project.name,
    description: project.description,
    tags: project.tags,
    members: members.map((m) => ({ username: m.username, role: m.role })),
    kinds: Object.fromEntries(kinds.map((k) => [k, folderOf(k)])),
  };
  const redacted: string[] = [];
  for (const r of rows) {
    const base = path.join(dir, folderOf(r.kind), fileNameOf(r.name));
    const { json, side } = withoutSideFiles(exported(ws, r));
    const text = stableJson(json);
    if (text.includes(REDACTED)) redacted.push(`${r.kind}:${r.name}`);
    write(`${base}.json`, text);
    // Always one newline more, which an import takes off: a file ends with a newline, the text stays exact.
    for (const [ext, text] of side) write(`${base}${ext}`, `${text}\n`);
  }
  if (options.revisions) {
    const revisions = await ws.catalog.db
      .selectFrom('revisions')
      .selectAll()
      .where('project_key', '=', key)
      .orderBy('kind')
      .orderBy('name')
      .orderBy('revision')
      .execute();
    const byObject = new Map<string, typeof revisions>();
    for (const r of revisions)
      byObject.set(`${r.kind}\u0000${r.name}`, [...(byObject.get(`${r.kind}\u0000${r.name}`) ?? []), r]);
    for (const list of byObject.values()) {
      const { kind, name } = list[0];
      write(
        path.join(dir, REVISIONS_FOLDER, folderOf(kind), `${fileNameOf(name)}.json`),
        stableJson(
          list.map((r) => ({
            revision: r.revision,
            action: r.action,
            author: r.author,
            createdAt: r.created_at,
            body: r.body === null ? null : exported(ws, { ...r, body: r.body }),
          })),
        ),
      );
      // Deleted objects have history but no current body: their kinds are listed too.
      if (!file.kinds[kind]) file.kinds[kind] = folderOf(kind);
    }
  }
  await exportPartitionings(ws, key, dir);
  const left = await exportData(ws, key, dir, options.data === true);
  await exportCollab(ws, key, dir);
  file.notCarried = await notCarriedOf(ws, key, { options, redacted, ...left });
  write(path.join(dir, 'project.json'), stableJson(file));
}

/** Exports a project as a ZIP in the workspace's temporary folder; the caller sends and deletes it. */
export async function exportProjectZip(
  ws: Workspace,
  principal: Principal,
  key: string,
  options: ExportOptions,
): Promise<string> {
  const dir = ws.tempPath('-export');
  const zipPath = ws.tempPath('-export.zip');
  try {
    mkdirSync(dir, { recursive: true });
    await exportProjectFolder(ws, principal, key, dir, options);
    await zipFolder(dir, zipPath);
    return zipPath;
  } catch (e) {
    rmSync(zipPath, { force: true });
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
