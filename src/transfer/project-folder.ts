import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../common/errors.js';
import type { NotCarried } from './transfer-types.js';

/**
 * The layout of an exported project, a folder of readable files that can live in git:
 *
 * ```
 * project.json                    key, name, description, tags, members, and the folder of each object kind
 * <kinds>/<name>.json             one object (datasets/, recipes/, scenarios/, insights/, dashboards/, …)
 * <kinds>/<name>.sql | .md        its `sql` (recipes) or `content` (Markdown pages), beside the JSON,
 *                                 with one newline more (an import takes it off, so the text is exact)
 * data/<dataset>.parquet, .json   the current version's data and its facts (rows, hash, columns, lineage)
 * data/<dataset>.partitions/<partition>.parquet
 *                                 a partitioned version's data, one file a partition (its facts list them)
 * partitioning/<dataset>.json     the dimensions of a partitioned dataset
 * wiki-attachments.json           the files attached to wiki pages: page, name, size, SHA-256, author, time
 * wiki-attachments/<page>/<file>  their bytes
 * discussions.json                every discussion thread with its messages, oldest first (authors by username)
 * object-tags.json                tags and descriptions kept beside objects whose bodies have no field for them
 * revisions/<kinds>/<name>.json   every revision, oldest first (only then are there times in the folder)
 * ```
 *
 * What an export cannot carry (secrets, keys, run history, …) is listed in project.json's
 * `notCarried`, and an import answers that list.
 *
 * JSON is pretty, with sorted keys and a final newline, so two exports of the same project are
 * the same files.
 */

export const FORMAT = 'llano-project';
/** 2: partitionings, partitions, wiki attachments, discussions, object tags and `notCarried` (an older Llano would drop them). */
export const FORMAT_VERSION = 2;
export const DATA_FOLDER = 'data';
export const REVISIONS_FOLDER = 'revisions';
/** The mark an export leaves for a secret (src/flow/history.ts, connections). */
export const REDACTED = '********';
export const PARTITIONING_FOLDER = 'partitioning';
/** Beside `data/<dataset>.json`: the folder of a partitioned version's files. */
export const PARTITIONS_SUFFIX = '.partitions';
export const ATTACHMENTS_FOLDER = 'wiki-attachments';
export const ATTACHMENTS_FILE = 'wiki-attachments.json';
export const DISCUSSIONS_FILE = 'discussions.json';
export const OBJECT_TAGS_FILE = 'object-tags.json';

/** Body fields written as a file of their own beside the JSON, by extension. */
export const SIDE_FILES: Record<string, string> = { sql: '.sql', content: '.md' };

export interface ProjectFile {
  format: typeof FORMAT;
  formatVersion: number;
  key: string;
  name: string;
  description: string;
  tags: string[];
  members: { username: string; role: string }[];
  /** Object kind → its folder. */
  kinds: Record<string, string>;
  /** What the export left out (absent in exports made before it was listed). */
  notCarried?: NotCarried[];
}

/** One entry of `wiki-attachments.json`. */
export interface ExportedAttachment {
  page: string;
  fileName: string;
  size: number;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

/** One partition of a partitioned version (`DataFacts.partitions`): its file is `data/<dataset>.partitions/<fileNameOf(partitionId)>.parquet`. */
export interface PartitionFacts {
  partitionId: string;
  rowCount: number;
  contentHash: string | null;
  lineage: unknown;
  builtAt: string;
}

export interface DataFacts {
  rowCount: number | null;
  contentHash: string | null;
  columns: unknown;
  lineage: unknown;
  /** A partitioned version: its partitions (its data is their files, no `<dataset>.parquet`). */
  partitions?: PartitionFacts[];
}

/** `recipe` → `recipes`, `quality` → `qualities`; a kind already plural (or `wiki`) keeps its name. */
export function folderOf(kind: string): string {
  if (kind.endsWith('s') || kind === 'wiki') return kind;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** An object name as a file name: readable when it can be, percent-encoded when it cannot. */
export function fileNameOf(name: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) && !name.includes('..') ? name : encodeURIComponent(name);
}

export const nameOfFile = (file: string): string => decodeURIComponent(file);

/** JSON with keys sorted at every level, two-space indented, ending in a newline. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** Writes a file of the folder, making its parent folders. */
export function writeText(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Reads a JSON file of the folder; `what` names it in the 400 when it is not JSON. */
export function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw badRequest(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}
