import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '../../catalog/access.js';
import { parseOr400 } from '../../common/parse.js';
import type { Workspace } from '../../workspace/workspace.js';
import { revisionStamp } from '../../catalog/object-stamp.js';

/**
 * Project libraries: shared code files (TypeScript, Python, R) that every code recipe, notebook
 * kernel and webapp backend of the project can import. Each file is a versioned
 * project object (history, revert); a run writes them into its work folder's `lib/`, which is on
 * the import path (Python `import bands`, R `source("lib/bands.R")`, TypeScript
 * `import { f } from './lib/bands.ts'`).
 */
export const LIBRARY_KIND = 'library-file';
/** The folder next to the code that holds the libraries (`./lib/bands.ts`). */
export const LIBRARY_FOLDER = 'lib';

/** `bands.py`, `helpers.ts`, `qa.R`: a plain name and the language's extension, nothing that climbs folders. */
export const LIBRARY_FILE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}\.(ts|js|mjs|py|R|r)$/;
const MAX_LIBRARY_BYTES = 1_000_000;

export const LibraryFileSchema = z.object({
  name: z
    .string()
    .regex(LIBRARY_FILE_NAME, 'a file name ending in .ts, .js, .mjs, .py or .R (letters, digits, _ and -)'),
  content: z.string().max(MAX_LIBRARY_BYTES, `content: at most ${MAX_LIBRARY_BYTES} characters`),
});
export type LibraryFile = z.infer<typeof LibraryFileSchema>;

export interface LibraryFileInfo extends LibraryFile {
  language: 'typescript' | 'python' | 'r';
  size: number;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export const languageOf = (name: string): LibraryFileInfo['language'] =>
  name.endsWith('.py') ? 'python' : /\.[Rr]$/.test(name) ? 'r' : 'typescript';

function info(stored: { body: LibraryFile; revision: number; updatedAt: string; updatedBy: string }): LibraryFileInfo {
  return {
    name: stored.body.name,
    language: languageOf(stored.body.name),
    size: Buffer.byteLength(stored.body.content),
    content: stored.body.content,
    ...revisionStamp(stored),
  };
}

export async function listLibraryFiles(ws: Workspace, principal: Principal, projectKey: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return (await ws.catalog.objects.list<LibraryFile>(projectKey, LIBRARY_KIND)).map(info);
}

export async function getLibraryFile(ws: Workspace, principal: Principal, projectKey: string, name: string) {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  return info(await ws.catalog.objects.require<LibraryFile>(projectKey, LIBRARY_KIND, name));
}

/** Creates or replaces a library file (writer); every save appends a revision. */
export async function saveLibraryFile(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
): Promise<LibraryFileInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const file = parseOr400(LibraryFileSchema, input, 'library file');
  const stored = await ws.catalog.objects.put({
    projectKey,
    kind: LIBRARY_KIND,
    name: file.name,
    body: { name: file.name, content: file.content },
    author: principal.username,
    ...options,
  });
  await ws.catalog.projects.touch(projectKey);
  return info(stored);
}

export async function deleteLibraryFile(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
): Promise<void> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  await ws.catalog.objects.delete({ projectKey, kind: LIBRARY_KIND, name, author: principal.username });
}

/** The project's library files, and a stamp that changes whenever one is saved, renamed or deleted. */
export async function projectLibraries(
  ws: Workspace,
  projectKey: string,
): Promise<{ files: LibraryFile[]; stamp: string }> {
  const [stored, stamp] = await Promise.all([
    ws.catalog.objects.list<LibraryFile>(projectKey, LIBRARY_KIND),
    librariesStamp(ws, projectKey),
  ]);
  const files = stored
    .map((f) => f.body)
    .filter((f) => LIBRARY_FILE_NAME.test(f.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return { files, stamp };
}

/**
 * What changes whenever a library file is saved, deleted or added, read without the files'
 * contents: webapps compare it on every request to know whether to start again.
 */
export async function librariesStamp(ws: Workspace, projectKey: string): Promise<string> {
  const hash = createHash('sha256');
  for (const v of await ws.catalog.objects.listVersions(projectKey, LIBRARY_KIND))
    hash.update(`${v.name}\0${v.revision}\0${v.updated_at}\0`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Writes the project's library files into `dir` (the `lib/` folder next to the code: a recipe
 * run's, a notebook's, a webapp's); answers the folder. The folder is the libraries': where it
 * outlives one run (notebooks, webapps), a code file there that is no library (any more) is
 * removed; a file whose content is the same is left as it is. `files`: already listed.
 */
export async function writeLibraryFiles(
  ws: Workspace,
  projectKey: string,
  dir: string,
  files?: LibraryFile[],
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const wanted = files ?? (await projectLibraries(ws, projectKey)).files;
  const names = new Set(wanted.map((f) => f.name));
  for (const name of readdirSync(dir))
    if (LIBRARY_FILE_NAME.test(name) && !names.has(name)) rmSync(path.join(dir, name), { force: true });
  for (const f of wanted) {
    const file = path.join(dir, f.name);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== f.content) writeFileSync(file, f.content);
  }
  return dir;
}
