import { copyFileSync, createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../common/errors.js';
import { insertThread, storedThreads, type StoredThread } from '../collab/discussions.js';
import { formatRef, parseObjectRef, WIKI_KIND } from '../collab/object-refs.js';
import { storeSideTags, storedSideTags, type SideTags } from '../collab/tags.js';
import { assertAttachmentName, storeAttachment, storedAttachments } from '../collab/wiki-attachments.js';
import { sha256File } from '../engine/parquet-output.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  ATTACHMENTS_FILE,
  ATTACHMENTS_FOLDER,
  DISCUSSIONS_FILE,
  OBJECT_TAGS_FILE,
  fileNameOf,
  readJson,
  stableJson,
  writeText,
  type ExportedAttachment,
} from './project-folder.js';

/**
 * Wiki attachments, discussions and object tags in an exported project folder (layout:
 * project-folder.ts). They are written on the target through the collab services
 * (`storeAttachment`, `insertThread`, `storeSideTags`), keeping authors and times. Authors are usernames: one that has an account on
 * the target is that user (an author may close their thread); one that has not stays as the
 * name it was, and the import lists it (`authorsWithoutAccount`).
 */

const attachmentPath = (dir: string, a: { page: string; fileName: string }) =>
  path.join(dir, ATTACHMENTS_FOLDER, fileNameOf(a.page), a.fileName);

/** Writes `wiki-attachments.json` with the files, `discussions.json` and `object-tags.json`, when the project has any. */
export async function exportCollab(ws: Workspace, key: string, dir: string): Promise<void> {
  const attachments = await storedAttachments(ws, key);
  if (attachments.length > 0) {
    const index: ExportedAttachment[] = [];
    for (const a of attachments) {
      const target = attachmentPath(dir, a);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(a.path, target);
      index.push({
        page: a.page,
        fileName: a.fileName,
        size: a.size,
        sha256: await sha256File(target, a.size),
        createdAt: a.createdAt,
        createdBy: a.createdBy,
      });
    }
    writeText(path.join(dir, ATTACHMENTS_FILE), stableJson(index));
  }
  const threads = await storedThreads(ws, key);
  if (threads.length > 0) writeText(path.join(dir, DISCUSSIONS_FILE), stableJson(threads));
  const tags = await storedSideTags(ws, key);
  if (tags.length > 0) writeText(path.join(dir, OBJECT_TAGS_FILE), stableJson(tags));
}

/** Attachments and discussions read and checked from an import folder. */
export interface CollabToImport {
  attachments: (ExportedAttachment & { sourcePath: string })[];
  discussions: StoredThread[];
  tags: (SideTags & { kind: string; name: string })[];
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Reads and checks the attachments (each on a page of the import, its file present with the
 * size and SHA-256 listed) and the discussions (whole, each naming an object reference).
 */
export async function readCollab(dir: string, objects: { kind: string; name: string }[]): Promise<CollabToImport> {
  const known = new Set(objects.map(formatRef));
  const attachments: CollabToImport['attachments'] = [];
  const indexFile = path.join(dir, ATTACHMENTS_FILE);
  const listed = existsSync(indexFile) ? readJson<unknown>(indexFile, ATTACHMENTS_FILE) : [];
  if (!Array.isArray(listed)) throw badRequest(`${ATTACHMENTS_FILE} must be a list of attachments`);
  for (const a of listed as Partial<ExportedAttachment>[]) {
    if (!isText(a?.page) || !isText(a.fileName) || !isText(a.sha256) || !isText(a.createdBy) || !isText(a.createdAt))
      throw badRequest(`${ATTACHMENTS_FILE}: each attachment needs page, fileName, size, sha256, createdBy, createdAt`);
    assertAttachmentName(a.fileName);
    const what = `${ATTACHMENTS_FOLDER}/${fileNameOf(a.page)}/${a.fileName}`;
    if (!known.has(formatRef({ kind: WIKI_KIND, name: a.page })))
      throw badRequest(`${what}: no wiki page ${a.page} in the import`);
    const sourcePath = attachmentPath(dir, { page: a.page, fileName: a.fileName });
    if (!existsSync(sourcePath)) throw badRequest(`The import is incomplete: ${what} is missing`);
    const size = statSync(sourcePath).size;
    if (size !== a.size || (await sha256File(sourcePath, size)) !== a.sha256)
      throw badRequest(`The import is corrupt: ${what} does not match the size and SHA-256 ${ATTACHMENTS_FILE} gives`);
    attachments.push({ ...(a as ExportedAttachment), sourcePath });
  }
  const threadsFile = path.join(dir, DISCUSSIONS_FILE);
  const discussions = existsSync(threadsFile) ? readJson<unknown>(threadsFile, DISCUSSIONS_FILE) : [];
  if (!Array.isArray(discussions)) throw badRequest(`${DISCUSSIONS_FILE} must be a list of threads`);
  for (const t of discussions as Partial<StoredThread>[]) {
    const whole =
      isText(t?.object) &&
      isText(t.title) &&
      (t.status === 'open' || t.status === 'closed') &&
      isText(t.createdBy) &&
      isText(t.createdAt) &&
      isText(t.updatedAt) &&
      Array.isArray(t.messages) &&
      t.messages.every((m) => isText(m?.author) && typeof m.message === 'string' && isText(m.createdAt));
    if (!whole)
      throw badRequest(
        `${DISCUSSIONS_FILE}: each thread needs object, title, status, createdBy, createdAt, updatedAt and messages (author, message, createdAt)`,
      );
    // A thread may outlive its object (deleting an object keeps its threads): only its reference is checked.
    parseObjectRef(t.object!);
  }
  const tagsFile = path.join(dir, OBJECT_TAGS_FILE);
  const tags = existsSync(tagsFile) ? readJson<unknown>(tagsFile, OBJECT_TAGS_FILE) : [];
  if (!Array.isArray(tags)) throw badRequest(`${OBJECT_TAGS_FILE} must be a list of tagged objects`);
  for (const t of tags as Partial<CollabToImport['tags'][number]>[]) {
    const whole =
      isText(t?.kind) &&
      isText(t.name) &&
      Array.isArray(t.tags) &&
      t.tags.every((x) => typeof x === 'string') &&
      (t.description === null || typeof t.description === 'string') &&
      isText(t.updatedAt) &&
      isText(t.updatedBy);
    if (!whole)
      throw badRequest(`${OBJECT_TAGS_FILE}: each entry needs kind, name, tags, description, updatedAt and updatedBy`);
    if (!known.has(formatRef({ kind: t.kind!, name: t.name! })))
      throw badRequest(`${OBJECT_TAGS_FILE}: no ${t.kind} ${t.name} in the import`);
  }
  return { attachments, discussions: discussions as StoredThread[], tags: tags as CollabToImport['tags'] };
}

/** Usernames the attachments and discussions name, sorted. */
export function collabAuthors(c: CollabToImport): string[] {
  const names = [
    ...c.attachments.map((a) => a.createdBy),
    ...c.discussions.flatMap((t) => [t.createdBy, ...t.messages.map((m) => m.author)]),
  ];
  return [...new Set(names)].sort();
}

export async function importCollab(ws: Workspace, key: string, c: CollabToImport): Promise<void> {
  for (const a of c.attachments)
    await storeAttachment(ws, key, a.page, { ...a, stream: createReadStream(a.sourcePath) });
  for (const t of c.discussions) await insertThread(ws, key, t);
  for (const { kind, name, ...side } of c.tags) await storeSideTags(ws, key, kind, name, side);
}
