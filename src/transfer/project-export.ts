import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { zipFolder } from '../common/zip/zip-folder.js';
import { redactConnection, type Connection } from '../datasets/connections.js';
import { currentVersions } from '../datasets/versions.js';
import { redactedBody } from '../flow/history.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  DATA_FOLDER,
  FORMAT,
  FORMAT_VERSION,
  REVISIONS_FOLDER,
  SIDE_FILES,
  fileNameOf,
  folderOf,
  stableJson,
  type DataFacts,
  type ProjectFile,
} from './project-folder.js';

export interface ExportOptions {
  /** The current version of each managed dataset, as Parquet. */
  data?: boolean;
  /** Every revision of every object (with authors and times). */
  revisions?: boolean;
}

/** A body as an export shows it: secrets replaced by `********` as for readers (an import sets fresh ones). */
function exported(ws: Workspace, kind: string, body: unknown): unknown {
  if (kind === 'connection' && body && typeof body === 'object') {
    try {
      return redactConnection(body as Connection);
    } catch {
      // An unknown connection type: the generic rule below still hides its password.
    }
  }
  return redactedBody(ws, kind, body);
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

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/**
 * Writes a project as a folder of readable files into `dir` (project admins). Without
 * `revisions` nothing in it changes from one export to the next unless the project did.
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
  write(path.join(dir, 'project.json'), stableJson(file));
  for (const r of rows) {
    const base = path.join(dir, folderOf(r.kind), fileNameOf(r.name));
    const { json, side } = withoutSideFiles(exported(ws, r.kind, JSON.parse(r.body)));
    write(`${base}.json`, stableJson(json));
    for (const [ext, text] of side) write(`${base}${ext}`, text.endsWith('\n') ? text : `${text}\n`);
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
            body: r.body === null ? null : exported(ws, kind, JSON.parse(r.body)),
          })),
        ),
      );
      if (!file.kinds[kind]) file.kinds[kind] = folderOf(kind);
    }
    // Deleted objects have history but no current body: their kinds are listed too.
    write(path.join(dir, 'project.json'), stableJson(file));
  }
  if (options.data) {
    for (const [dataset, v] of await currentVersions(ws, key)) {
      // Partitioned datasets (many files) are exported as definitions only.
      if (!v.location || v.location.startsWith('postgres:') || v.location.startsWith('partitioned:')) continue;
      const source = ws.resolve(v.location);
      mkdirSync(path.join(dir, DATA_FOLDER), { recursive: true });
      copyFileSync(source, path.join(dir, DATA_FOLDER, `${fileNameOf(dataset)}.parquet`));
      const facts: DataFacts = {
        rowCount: v.rowCount,
        contentHash: v.contentHash,
        columns: v.columns,
        lineage: v.lineage,
      };
      write(path.join(dir, DATA_FOLDER, `${fileNameOf(dataset)}.json`), stableJson(facts));
    }
  }
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
