import { createHash } from 'node:crypto';
import { parseExact, stringifyExact } from '../common/exact-json.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../workspace/workspace.js';
import type { InsightData } from './insight-types.js';

/**
 * Tile results kept on disk beside the dataset version they were computed from, so that a
 * dashboard opened after a restart (or on another server of the same home) does not re-run
 * its queries over millions of rows. A version never changes, so an entry never goes stale;
 * it goes with its version: `dropOtherVersions` when a new version becomes current, and the
 * dataset's folder when the dataset or project is deleted.
 *
 * Layout: `<dataset folder>/tile-cache/<version id>/<sha256 of the key>.json`, written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
const FOLDER = 'tile-cache';

/** The folder of the entries of every version of a dataset, beside its versions' files. */
export function tileCacheRoot(ws: Workspace, versionLocation: string): string {
  return path.join(path.dirname(ws.resolve(versionLocation)), FOLDER);
}

/** Where the entries of one version live: next to the version's Parquet file. */
export function tileCacheDir(ws: Workspace, versionLocation: string, versionId: string): string {
  return path.join(tileCacheRoot(ws, versionLocation), versionId);
}

const fileOf = (dir: string, key: string) =>
  path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);

/** The stored answer for `key`, or null (never stored, or unreadable: computed again). */
export async function readTile(dir: string, key: string): Promise<InsightData | null> {
  try {
    const stored = parseExact(await readFile(fileOf(dir, key), 'utf8')) as { key: string; data: InsightData };
    return stored.key === key ? stored.data : null;
  } catch {
    return null;
  }
}

/** Stores an answer; a failure to write (disk full, folder removed meanwhile) only costs a recomputation later. */
export async function writeTile(dir: string, key: string, data: InsightData): Promise<void> {
  const file = fileOf(dir, key);
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    await writeFile(partial, stringifyExact({ key, data }));
    await rename(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}

/** Removes the entries of every version of a dataset but `keepVersionId` (the one now current). */
export function dropOtherVersions(ws: Workspace, versionLocation: string, keepVersionId: string): void {
  const root = tileCacheRoot(ws, versionLocation);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) if (name !== keepVersionId) rmSync(path.join(root, name), { recursive: true, force: true });
}
