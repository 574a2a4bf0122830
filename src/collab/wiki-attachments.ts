import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../catalog/access.js';
import { badRequest, notFound, tooLarge } from '../common/errors.js';
import { nowIso, sha256 } from '../common/ids.js';
import type { Workspace } from '../workspace/workspace.js';
import { assertPageName, WIKI_KIND } from './object-refs.js';

export interface Attachment {
  page: string;
  fileName: string;
  size: number;
  contentType: string;
  createdAt: string;
  createdBy: string;
}

/** Letters, digits, dot, dash, underscore and space, not starting with a dot: no path, no header trickery. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9 ._-]{0,127}$/;

/** Types shown inline (images a page may embed); anything else is served as a download of bytes. */
const INLINE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

export function assertAttachmentName(fileName: string): string {
  if (!FILE_NAME.test(fileName) || fileName.includes('..'))
    throw badRequest(
      `Invalid attachment name ${JSON.stringify(fileName)}: use letters, digits, spaces, '.', '-' and '_' (at most 128, not starting with a dot)`,
    );
  return fileName;
}

async function requirePage(ws: Workspace, projectKey: string, page: string) {
  assertPageName(page);
  if (!(await ws.catalog.objects.get(projectKey, WIKI_KIND, page)))
    throw notFound(`Wiki page ${page} not found in project ${projectKey}`);
}

const toAttachment = (r: {
  page: string;
  file_name: string;
  size: number;
  content_type: string;
  created_at: string;
  created_by: string;
}): Attachment => ({
  page: r.page,
  fileName: r.file_name,
  size: Number(r.size),
  contentType: r.content_type,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export async function listAttachments(ws: Workspace, principal: Principal, projectKey: string, page: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  assertPageName(page);
  const rows = await ws.catalog.db
    .selectFrom('wiki_attachments')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('page', '=', page)
    .orderBy('file_name')
    .execute();
  return rows.map(toAttachment);
}

/**
 * Stores a file attached to a page (writer), replacing one of the same name. The bytes are
 * counted as they stream to disk: past LLANO_MAX_ATTACHMENT_MB the upload stops with a 413.
 */
export async function saveAttachment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  page: string,
  file: { fileName: string; stream: Readable },
): Promise<Attachment> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await requirePage(ws, projectKey, page);
  return storeAttachment(ws, projectKey, page, { ...file, createdBy: principal.username, createdAt: nowIso() });
}

/**
 * Writes an attachment's bytes and row (the caller has checked access and the page): the one way
 * an attachment is written, by an upload or by a project import (which keeps author and time).
 */
export async function storeAttachment(
  ws: Workspace,
  projectKey: string,
  page: string,
  file: { fileName: string; stream: Readable; createdBy: string; createdAt: string },
): Promise<Attachment> {
  const fileName = assertAttachmentName(file.fileName);
  const limit = ws.config.maxAttachmentMb * 1024 * 1024;
  const temp = ws.tempPath('.attachment');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit)
        done(tooLarge(`Attachment exceeds the limit of ${ws.config.maxAttachmentMb} MB (LLANO_MAX_ATTACHMENT_MB)`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(file.stream, counter, createWriteStream(temp));
  } catch (error) {
    rmSync(temp, { force: true });
    file.stream.resume();
    throw error;
  }
  const location = path.join('data', projectKey, 'wiki-attachments', sha256(page).slice(0, 32), fileName);
  mkdirSync(path.dirname(ws.resolve(location)), { recursive: true });
  renameSync(temp, ws.resolve(location));
  const row = {
    project_key: projectKey,
    page,
    file_name: fileName,
    size,
    content_type: INLINE_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream',
    location,
    created_at: file.createdAt,
    created_by: file.createdBy,
  };
  await ws.catalog.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('wiki_attachments')
      .where('project_key', '=', projectKey)
      .where('page', '=', page)
      .where('file_name', '=', fileName)
      .execute();
    await trx.insertInto('wiki_attachments').values(row).execute();
  });
  return toAttachment(row);
}

/** Every attachment of a project with the absolute path of its bytes, by page and name (the caller has checked access). */
export async function storedAttachments(ws: Workspace, projectKey: string): Promise<(Attachment & { path: string })[]> {
  const rows = await ws.catalog.db
    .selectFrom('wiki_attachments')
    .selectAll()
    .where('project_key', '=', projectKey)
    .orderBy('page')
    .orderBy('file_name')
    .execute();
  return rows.map((r) => ({ ...toAttachment(r), path: ws.resolve(r.location) }));
}

async function findAttachment(ws: Workspace, projectKey: string, page: string, fileName: string) {
  assertPageName(page);
  const row = await ws.catalog.db
    .selectFrom('wiki_attachments')
    .selectAll()
    .where('project_key', '=', projectKey)
    .where('page', '=', page)
    .where('file_name', '=', fileName)
    .executeTakeFirst();
  if (!row) throw notFound(`No attachment ${fileName} on wiki page ${page}`);
  return row;
}

/**
 * An attachment's bytes and the headers that serve them safely: images inline, everything else
 * as a download of octets, never sniffed, the file name quoted (it cannot hold quotes or slashes).
 */
export async function openAttachment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  page: string,
  fileName: string,
): Promise<{ stream: Readable; headers: Record<string, string> }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const row = await findAttachment(ws, projectKey, page, fileName);
  const file = ws.resolve(row.location);
  const inline = row.content_type !== 'application/octet-stream';
  return {
    stream: createReadStream(file),
    headers: {
      'content-type': row.content_type,
      'content-length': String(statSync(file).size),
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${row.file_name}"; filename*=UTF-8''${encodeURIComponent(row.file_name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    },
  };
}

export async function deleteAttachment(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  page: string,
  fileName: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const row = await findAttachment(ws, projectKey, page, fileName);
  await ws.catalog.db
    .deleteFrom('wiki_attachments')
    .where('project_key', '=', projectKey)
    .where('page', '=', page)
    .where('file_name', '=', fileName)
    .execute();
  rmSync(ws.resolve(row.location), { force: true });
}
