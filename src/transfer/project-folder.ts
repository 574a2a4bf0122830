/**
 * The layout of an exported project, a folder of readable files that can live in git:
 *
 * ```
 * project.json                    key, name, description, tags, members, and the folder of each object kind
 * <kinds>/<name>.json             one object (datasets/, recipes/, scenarios/, insights/, dashboards/, …)
 * <kinds>/<name>.sql | .md        its `sql` (recipes) or `content` (Markdown pages), beside the JSON
 * data/<dataset>.parquet, .json   the current version's data and its facts (rows, hash, columns, lineage)
 * revisions/<kinds>/<name>.json   every revision, oldest first (only then are there times in the folder)
 * ```
 *
 * JSON is pretty, with sorted keys and a final newline, so two exports of the same project are
 * the same files.
 */

export const FORMAT = 'llano-project';
export const FORMAT_VERSION = 1;
export const DATA_FOLDER = 'data';
export const REVISIONS_FOLDER = 'revisions';

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
}

export interface DataFacts {
  rowCount: number | null;
  contentHash: string | null;
  columns: unknown;
  lineage: unknown;
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
