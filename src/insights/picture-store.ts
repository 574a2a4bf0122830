import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectSlot } from '../workspace/workspace.js';
import type { ChartPicture } from './chart-picture.js';

/**
 * Chart pictures kept on disk, per project, so that a dashboard opened after a restart shows its
 * charts at once instead of drawing them live while the pictures are drawn again. Keyed as in
 * memory (the option's hash and the size, tile-pictures.ts); a picture never goes stale (another
 * option is another key), so old ones only go when the folder holds more than `KEPT_BYTES`: the
 * least recently read first. The folder goes with the project (data/<key>).
 *
 * Layout: `data/<project>/.chart-pictures/<sha256 of the key>.json`, written to a temporary name
 * (`.….tmp`, swept by leftovers.ts if a crash leaves it) and renamed, so a reader never sees half a file.
 */
const FOLDER = '.chart-pictures';
/** A 20-tile page is about half a million bytes: some sixty pages at their sizes per project. */
const KEPT_BYTES = 32_000_000;

interface Entry {
  bytes: number;
  /** Last written or read (the file's mtime): the oldest go first. */
  at: number;
}

export class PictureStore {
  /** The folder's files and their sizes, read once on first use, then kept up to date here. */
  private index: Promise<Map<string, Entry>> | null = null;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly keptBytes = KEPT_BYTES,
  ) {}

  /** The picture stored for `key`, or null (none, or unreadable: drawn again). */
  async read(key: string): Promise<ChartPicture | null> {
    const name = fileName(key);
    const index = await this.loadIndex();
    try {
      // Also when not in the index: another server of the same home may have drawn it since.
      const text = await readFile(path.join(this.dir, name), 'utf8');
      const stored = JSON.parse(text) as { key: string } & ChartPicture;
      if (stored.key !== key) return null;
      let entry = index.get(name);
      if (!entry) {
        entry = { bytes: Buffer.byteLength(text), at: 0 };
        index.set(name, entry);
        this.bytes += entry.bytes;
      }
      // Read: kept longer than those nobody reads (the file's time, so also after a restart).
      entry.at = Date.now();
      const when = new Date(entry.at);
      utimes(path.join(this.dir, name), when, when).catch(() => {});
      return { svg: stored.svg, width: stored.width, height: stored.height };
    } catch {
      return null;
    }
  }

  /** Stores a picture; a failure to write (disk full, project deleted meanwhile) only costs drawing it again. */
  async write(key: string, picture: ChartPicture): Promise<void> {
    const name = fileName(key);
    const text = JSON.stringify({ key, ...picture });
    const partial = path.join(this.dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    const index = await this.loadIndex();
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(partial, text);
      await rename(partial, path.join(this.dir, name));
    } catch {
      await rm(partial, { force: true }).catch(() => {});
      return;
    }
    this.bytes -= index.get(name)?.bytes ?? 0;
    const bytes = Buffer.byteLength(text);
    index.set(name, { bytes, at: Date.now() });
    this.bytes += bytes;
    if (this.bytes > this.keptBytes) await this.dropOldest(index);
  }

  private async dropOldest(index: Map<string, Entry>) {
    const oldestFirst = [...index].sort((a, b) => a[1].at - b[1].at);
    for (const [name, entry] of oldestFirst) {
      if (this.bytes <= this.keptBytes) break;
      index.delete(name);
      this.bytes -= entry.bytes;
      await rm(path.join(this.dir, name), { force: true }).catch(() => {});
    }
  }

  private loadIndex(): Promise<Map<string, Entry>> {
    this.index ??= (async () => {
      const index = new Map<string, Entry>();
      const names = await readdir(this.dir).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
        const info = await stat(path.join(this.dir, name)).catch(() => null);
        if (!info) continue;
        index.set(name, { bytes: info.size, at: info.mtimeMs });
        this.bytes += info.size;
      }
      return index;
    })();
    return this.index;
  }
}

const fileName = (key: string) => `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;

/** The store of a project's pictures. */
export const pictureStoreOf = projectSlot(
  'insights.picture-stores',
  (ws, projectKey) => new PictureStore(path.join(ws.config.home, 'data', projectKey, FOLDER)),
);
