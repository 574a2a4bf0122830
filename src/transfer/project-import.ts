import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict } from '../common/errors.js';
import { newSecret, nowIso } from '../common/ids.js';
import { assertProjectKey } from '../common/names.js';
import { reindexObjectIn } from '../catalog/search-index.js';
import { extractZip } from '../common/zip/zip-reader.js';
import { deleteProject, requireProjectCreator } from '../workspace/projects-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { collabAuthors, importCollab, readCollab } from './collab-transfer.js';
import { importData, importPartitionings, readData, readPartitionings } from './data-transfer.js';
import {
  FORMAT,
  FORMAT_VERSION,
  REDACTED,
  REVISIONS_FOLDER,
  SIDE_FILES,
  nameOfFile,
  readJson,
  type ProjectFile,
} from './project-folder.js';
import { claimImport } from './import-claims.js';
import type { ImportResult } from './transfer-types.js';

export type { ImportResult };

const MAX_ENTRIES = 100_000;

/** Secrets were not exported: each `********` becomes a fresh random value (set passwords, rotate webhook secrets after an import). */
function withFreshSecrets(value: unknown): unknown {
  if (typeof value === 'string')
    return value.includes(REDACTED) ? value.split(REDACTED).join(newSecret('imported')) : value;
  if (Array.isArray(value)) return value.map(withFreshSecrets);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFreshSecrets(v)]));
  return value;
}

function readProjectFile(dir: string): ProjectFile {
  const file = path.join(dir, 'project.json');
  if (!existsSync(file))
    throw badRequest('The import has no project.json: export a project with `llano project export`');
  const p = readJson<ProjectFile>(file, 'project.json');
  if ((p.format as string) !== FORMAT) throw badRequest(`project.json: format must be "${FORMAT as string}"`);
  // A newer layout may hold what this version would silently leave out.
  if (typeof p.formatVersion === 'number' && p.formatVersion > FORMAT_VERSION)
    throw badRequest(
      `project.json: format version ${p.formatVersion} is newer than this Llano reads (${FORMAT_VERSION}): upgrade Llano to import it`,
    );
  if (typeof p.key !== 'string' || !p.kinds || typeof p.kinds !== 'object')
    throw badRequest('project.json needs a key and the folders of its kinds (kinds)');
  return p;
}

interface ImportedObject {
  kind: string;
  name: string;
  body: unknown;
  /** The body to store: secrets fresh, checked against the size limit. */
  json: string;
}

/** Reads and checks every object and history of the folder (nothing is written). */
function readObjects(ws: Workspace, principal: Principal, dir: string, p: ProjectFile) {
  const objects: ImportedObject[] = [];
  const histories: { kind: string; name: string; list: Revision[] }[] = [];
  for (const [kind, folder] of Object.entries(p.kinds)) {
    if (typeof folder !== 'string' || folder.includes('/') || folder.startsWith('.'))
      throw badRequest(`project.json: the folder of kind ${kind} must be a plain name`);
    const base = path.join(dir, folder);
    if (existsSync(base))
      for (const file of readdirSync(base)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const stem = file.slice(0, -'.json'.length);
        const body = readJson<Record<string, unknown>>(path.join(base, file), `${folder}/${file}`);
        for (const [field, ext] of Object.entries(SIDE_FILES))
          if (existsSync(path.join(base, stem + ext)) && body && typeof body === 'object')
            body[field] = readFileSync(path.join(base, stem + ext), 'utf8').replace(/\n$/, '');
        // No one may make a scenario run as someone else by importing it.
        if (kind === 'scenario' && !principal.isAdmin && body && typeof body === 'object')
          (body as { runAs?: string }).runAs = principal.username;
        const name = nameOfFile(stem);
        const json = ws.catalog.objects.storedJson(kind, name, withFreshSecrets(body));
        if (Buffer.byteLength(json) / 1024 > ws.config.maxObjectKb)
          throw badRequest(
            `${kind} ${name} is over the limit of ${ws.config.maxObjectKb} KB for one object (LLANO_MAX_OBJECT_KB)`,
          );
        objects.push({ kind, name, body, json });
      }
    const revBase = path.join(dir, REVISIONS_FOLDER, folder);
    if (existsSync(revBase))
      for (const file of readdirSync(revBase)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const list = readJson<Revision[]>(path.join(revBase, file), `${REVISIONS_FOLDER}/${folder}/${file}`);
        if (!Array.isArray(list) || list.some((r) => typeof r?.revision !== 'number' || typeof r.author !== 'string'))
          throw badRequest(`${REVISIONS_FOLDER}/${folder}/${file} must list revisions with numbers and authors`);
        histories.push({ kind, name: nameOfFile(file.slice(0, -'.json'.length)), list });
      }
  }
  return { objects, histories };
}

/** Stores the objects and their histories in one transaction, each indexed for the catalog search. */
async function writeObjects(
  ws: Workspace,
  principal: Principal,
  key: string,
  { objects, histories }: ReturnType<typeof readObjects>,
): Promise<number> {
  const historyOf = new Map(histories.map((h) => [`${h.kind}\u0000${h.name}`, h.list]));
  let revisions = 0;
  await ws.catalog.db.transaction().execute(async (trx) => {
    for (const h of histories) {
      for (const r of h.list) {
        await trx
          .insertInto('revisions')
          .values({
            project_key: key,
            kind: h.kind,
            name: h.name,
            revision: r.revision,
            action: r.action,
            body: r.body === null ? null : ws.catalog.objects.storedJson(h.kind, h.name, r.body),
            author: r.author,
            created_at: r.createdAt,
          })
          .execute();
        revisions++;
      }
    }
    for (const o of objects) {
      const last = historyOf.get(`${o.kind}\u0000${o.name}`)?.at(-1);
      if (!last) {
        await trx
          .insertInto('revisions')
          .values({
            project_key: key,
            kind: o.kind,
            name: o.name,
            revision: 1,
            action: 'create',
            body: o.json,
            author: principal.username,
            created_at: nowIso(),
          })
          .execute();
      }
      await trx
        .insertInto('objects')
        .values({
          project_key: key,
          kind: o.kind,
          name: o.name,
          body: o.json,
          revision: last?.revision ?? 1,
          updated_at: last?.createdAt ?? nowIso(),
          updated_by: last?.author ?? principal.username,
        })
        .execute();
      await reindexObjectIn(trx, { projectKey: key, kind: o.kind, name: o.name });
    }
  });
  return revisions;
}

/** The usernames of `names` with no account here. */
async function withoutAccount(ws: Workspace, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) if (!(await ws.catalog.users.findByUsername(n))) out.push(n);
  return out;
}

/**
 * Recreates a project from a folder written by `exportProjectFolder`, under its key or `newKey`
 * (409 when that key exists). Objects are stored as exported; with a `revisions/` folder their
 * whole history is restored (numbers, authors, times), else each starts at revision 1 by the
 * importer. Data files become the datasets' current versions (a partitioned one's partitions its
 * manifest), partitionings, wiki attachments, discussions and object tags are restored with their authors and
 * times. The importer is the project's admin; exported members are added when they have accounts
 * here. Scenarios of a non-admin importer run as the importer.
 *
 * Nothing half-imported: the whole folder is read and checked first (every file listed present,
 * its size and SHA-256 as listed), so a bad one is refused (400) before the project exists; should
 * writing still fail, the new project is deleted with all it got, and should the process die,
 * recovery deletes it (the key is claimed in the catalog for the import's length). A second
 * import of the same key meanwhile gets a 409.
 */
export async function importProjectFolder(
  ws: Workspace,
  principal: Principal,
  dir: string,
  newKey?: string,
): Promise<ImportResult> {
  await requireProjectCreator(ws, principal);
  const p = readProjectFile(dir);
  const key = newKey ?? p.key;
  assertProjectKey(key);
  if (await ws.catalog.db.selectFrom('projects').select('key').where('key', '=', key).executeTakeFirst())
    throw conflict(`Project ${key} already exists: import under another key (?key=NEW or ?as=NEW, or --key NEW)`);
  const claim = await claimImport(ws, key);
  try {
    return await importClaimed(ws, principal, dir, p, key);
  } finally {
    await claim.release();
  }
}

/** The import once its key is claimed: nothing half-imported stays, even after a crash (see `recoverInterruptedImports`). */
async function importClaimed(
  ws: Workspace,
  principal: Principal,
  dir: string,
  p: ProjectFile,
  key: string,
): Promise<ImportResult> {
  const read = readObjects(ws, principal, dir, p);
  const datasets = new Set(read.objects.filter((o) => o.kind === 'dataset').map((o) => o.name));
  const partitionings = readPartitionings(dir, datasets);
  const data = await readData(ws, dir, datasets);
  const collab = await readCollab(dir, read.objects);

  await ws.catalog.projects.create(principal, {
    key,
    name: p.name,
    description: p.description,
    tags: Array.isArray(p.tags) ? p.tags : [],
  });
  try {
    const skippedMembers: string[] = [];
    for (const m of Array.isArray(p.members) ? p.members : []) {
      if (m.username === principal.username) continue;
      if (!(await ws.catalog.users.findByUsername(m.username))) skippedMembers.push(m.username);
      else await ws.catalog.projects.setMember(principal, key, m.username, m.role);
    }
    const revisions = await writeObjects(ws, principal, key, read);
    await importPartitionings(ws, key, partitionings, principal.username);
    await importData(ws, key, data);
    await importCollab(ws, key, collab);
    return {
      key,
      objects: read.objects.length,
      revisions,
      datasetsWithData: data.length,
      partitionedDatasets: partitionings.length,
      attachments: collab.attachments.length,
      discussions: collab.discussions.length,
      taggedObjects: collab.tags.length,
      skippedMembers,
      authorsWithoutAccount: await withoutAccount(ws, collabAuthors(collab)),
      notCarried: Array.isArray(p.notCarried) ? p.notCarried : [],
    };
  } catch (e) {
    // The new project goes with every row and file it got so far.
    await deleteProject(ws, principal, key);
    throw e;
  }
}

interface Revision {
  revision: number;
  action: string;
  author: string;
  createdAt: string;
  body: unknown;
}

/** Imports a project from an uploaded ZIP (see `importProjectFolder`); the archive is checked and unpacked first. */
export async function importProjectZip(
  ws: Workspace,
  principal: Principal,
  zipPath: string,
  newKey?: string,
): Promise<ImportResult> {
  await requireProjectCreator(ws, principal);
  const dir = ws.tempPath('-import');
  mkdirSync(dir, { recursive: true });
  try {
    await extractZip(zipPath, dir, { maxBytes: ws.config.maxUploadMb * 1024 * 1024, maxEntries: MAX_ENTRIES });
    return await importProjectFolder(ws, principal, dir, newKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
