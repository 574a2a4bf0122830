import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict } from '../common/errors.js';
import { newSecret, nowIso } from '../common/ids.js';
import { assertProjectKey, quoteLiteral } from '../common/names.js';
import { extractZip } from '../common/zip/zip-reader.js';
import { beginVersion, commitVersion, failVersion } from '../datasets/versions.js';
import type { ColumnSchema, Lineage } from '../datasets/dataset-types.js';
import { requireProjectCreator } from '../workspace/projects-service.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  DATA_FOLDER,
  FORMAT,
  REVISIONS_FOLDER,
  SIDE_FILES,
  nameOfFile,
  type DataFacts,
  type ProjectFile,
} from './project-folder.js';

export interface ImportResult {
  key: string;
  objects: number;
  revisions: number;
  datasetsWithData: number;
  /** Members of the exported project with no account here: not added. */
  skippedMembers: string[];
}

/** The mark an export leaves for a secret (src/flow/history.ts, connections). */
const REDACTED = '********';
const MAX_ENTRIES = 100_000;

const readJson = <T>(file: string, what: string): T => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw badRequest(`${what} is not valid JSON: ${(e as Error).message}`);
  }
};

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
  if (typeof p.key !== 'string' || !p.kinds || typeof p.kinds !== 'object')
    throw badRequest('project.json needs a key and the folders of its kinds (kinds)');
  return p;
}

/**
 * Recreates a project from a folder written by `exportProjectFolder`, under its key or `newKey`
 * (409 when that key exists). Objects are stored as exported; with a `revisions/` folder their
 * whole history is restored (numbers, authors, times), else each starts at revision 1 by the
 * importer. Data files become the datasets' current versions. The importer is the project's admin;
 * exported members are added when they have accounts here. Scenarios of a non-admin importer run as
 * the importer (no one may make a scenario run as someone else by importing it).
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
  // Everything is read and checked before the project exists, so a bad folder leaves nothing behind.
  const objects: { kind: string; name: string; body: unknown }[] = [];
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
            body[field] = readFileSync(path.join(base, stem + ext), 'utf8');
        objects.push({ kind, name: nameOfFile(stem), body });
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
  for (const o of objects)
    if (o.kind === 'scenario' && !principal.isAdmin && o.body && typeof o.body === 'object')
      (o.body as { runAs?: string }).runAs = principal.username;

  await ws.catalog.projects.create(principal, {
    key,
    name: p.name,
    description: p.description,
    tags: Array.isArray(p.tags) ? p.tags : [],
  });
  const skippedMembers: string[] = [];
  for (const m of Array.isArray(p.members) ? p.members : []) {
    if (m.username === principal.username) continue;
    if (!(await ws.catalog.users.findByUsername(m.username))) skippedMembers.push(m.username);
    else await ws.catalog.projects.setMember(principal, key, m.username, m.role);
  }
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
            body: r.body === null ? null : JSON.stringify(r.body),
            author: r.author,
            created_at: r.createdAt,
          })
          .execute();
        revisions++;
      }
    }
    for (const o of objects) {
      const last = historyOf.get(`${o.kind}\u0000${o.name}`)?.at(-1);
      const body = JSON.stringify(withFreshSecrets(o.body));
      if (Buffer.byteLength(body) / 1024 > ws.config.maxObjectKb)
        throw badRequest(
          `${o.kind} ${o.name} is over the limit of ${ws.config.maxObjectKb} KB for one object (LLANO_MAX_OBJECT_KB)`,
        );
      if (!last) {
        await trx
          .insertInto('revisions')
          .values({
            project_key: key,
            kind: o.kind,
            name: o.name,
            revision: 1,
            action: 'create',
            body,
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
          body,
          revision: last?.revision ?? 1,
          updated_at: last?.createdAt ?? nowIso(),
          updated_by: last?.author ?? principal.username,
        })
        .execute();
    }
  });
  const datasetsWithData = await importData(
    ws,
    key,
    dir,
    new Set(objects.filter((o) => o.kind === 'dataset').map((o) => o.name)),
  );
  return { key, objects: objects.length, revisions, datasetsWithData, skippedMembers };
}

interface Revision {
  revision: number;
  action: string;
  author: string;
  createdAt: string;
  body: unknown;
}

/** Each `data/<dataset>.parquet` becomes the current version of that dataset, with its exported facts. */
async function importData(ws: Workspace, key: string, dir: string, datasets: Set<string>): Promise<number> {
  const base = path.join(dir, DATA_FOLDER);
  if (!existsSync(base)) return 0;
  let n = 0;
  for (const file of readdirSync(base)
    .filter((f) => f.endsWith('.parquet'))
    .sort()) {
    const stem = file.slice(0, -'.parquet'.length);
    const dataset = nameOfFile(stem);
    if (!datasets.has(dataset)) throw badRequest(`${DATA_FOLDER}/${file}: no dataset ${dataset} in the import`);
    const factsFile = path.join(base, `${stem}.json`);
    const facts: DataFacts = existsSync(factsFile)
      ? readJson<DataFacts>(factsFile, `${DATA_FOLDER}/${stem}.json`)
      : { rowCount: null, contentHash: null, columns: null, lineage: null };
    const pending = await beginVersion(ws, key, dataset);
    try {
      mkdirSync(path.dirname(pending.path), { recursive: true });
      copyFileSync(path.join(base, file), pending.path);
      let { rowCount, columns } = facts as { rowCount: number | null; columns: ColumnSchema[] | null };
      if (rowCount === null || !Array.isArray(columns)) {
        // A hand-made folder: the file itself says how many rows and which columns.
        const file = `read_parquet(${quoteLiteral(pending.path)})`;
        const described = await ws.duck.query(`DESCRIBE SELECT * FROM ${file}`);
        columns = described.rows.map((c) => ({ name: String(c[0]), type: String(c[1]) }));
        const counted = await ws.duck.query(`SELECT count(*)::INTEGER FROM ${file}`);
        rowCount = Number(counted.rows[0][0]);
      }
      await commitVersion(ws, pending, {
        rowCount,
        contentHash: facts.contentHash,
        columns,
        lineage: (facts.lineage as Lineage | null) ?? { source: 'import', fileName: file },
      });
    } catch (e) {
      await failVersion(ws, pending);
      throw e;
    }
    n++;
  }
  return n;
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
