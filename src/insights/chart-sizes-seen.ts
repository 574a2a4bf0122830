import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectSlot, type Workspace } from '../workspace/workspace.js';
import type { PictureSize } from './tile-pictures.js';

/**
 * The size each chart of a dashboard page was last drawn at by a browser (what its data request
 * sent), kept per project in `data/<project>/.dashboard-sizes.json`: the tile warmer draws the
 * pictures of a page's charts at these sizes as soon as it computes their tiles (a build, a save),
 * so the next visit finds them drawn. Last seen wins: a page keeps one size per chart. Another
 * process of the same home sees this process's sizes at its next start.
 */
// Maps, never plain objects: `__proto__` is a valid insight or dashboard name. On disk, their entries.
type Seen = Map<string, Map<number, [string, [number, number]][]>>;
type SeenOnDisk = [string, [number, [string, [number, number]][]][]][];

const FILE = '.dashboard-sizes.json';

class SizesSeen {
  private seen: Promise<Seen> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async remember(dashboard: string, page: number, sizes: Map<string, PictureSize>): Promise<void> {
    const seen = await this.load();
    const entry = [...sizes].map(([insight, s]): [string, [number, number]] => [insight, [s.width, s.height]]);
    if (JSON.stringify(seen.get(dashboard)?.get(page)) === JSON.stringify(entry)) return;
    const pages = seen.get(dashboard) ?? new Map<number, [string, [number, number]][]>();
    seen.set(dashboard, pages.set(page, entry));
    await this.save(seen);
  }

  async forget(dashboard: string): Promise<void> {
    const seen = await this.load();
    if (!seen.delete(dashboard)) return;
    await this.save(seen);
  }

  /** Every size `insight` was seen at, on any page of any dashboard of the project. */
  async of(insight: string): Promise<PictureSize[]> {
    const seen = await this.load();
    const sizes = new Map<string, PictureSize>();
    for (const pages of seen.values())
      for (const tiles of pages.values())
        for (const [shown, [width, height]] of tiles)
          if (shown === insight) sizes.set(`${width}x${height}`, { width, height });
    return [...sizes.values()];
  }

  private load(): Promise<Seen> {
    this.seen ??= readFile(this.file, 'utf8')
      .then(
        (text) => new Map((JSON.parse(text) as SeenOnDisk).map(([dashboard, pages]) => [dashboard, new Map(pages)])),
      )
      // None yet, or unreadable: sizes are learnt again from the next visits.
      .catch(() => new Map());
    return this.seen;
  }

  /** Written one at a time (a temporary file renamed): a reader never sees half of it. */
  private save(seen: Seen): Promise<void> {
    const text = JSON.stringify([...seen].map(([dashboard, pages]) => [dashboard, [...pages]]) satisfies SeenOnDisk);
    this.writing = this.writing.then(async () => {
      const partial = `${this.file}.${process.pid}.tmp`;
      try {
        mkdirSync(path.dirname(this.file), { recursive: true });
        await writeFile(partial, text);
        await rename(partial, this.file);
      } catch {
        // Not kept (disk full, project deleted meanwhile): the next visit tells them again.
        await rm(partial, { force: true }).catch(() => {});
      }
    });
    return this.writing;
  }
}

const sizesSeen = projectSlot(
  'insights.chart-sizes-seen',
  (ws, projectKey) => new SizesSeen(path.join(ws.config.home, 'data', projectKey, FILE)),
);

/** A browser drew the page's charts at `sizes` (only the page's own charts: the caller filters them). */
export function rememberChartSizes(
  ws: Workspace,
  projectKey: string,
  dashboard: string,
  page: number,
  sizes: Map<string, PictureSize>,
): Promise<void> {
  return sizesSeen(ws, projectKey).remember(dashboard, page, sizes);
}

/** The sizes `insight`'s chart was last drawn at, on every dashboard page that shows it. */
export function chartSizesSeen(ws: Workspace, projectKey: string, insight: string): Promise<PictureSize[]> {
  return sizesSeen(ws, projectKey).of(insight);
}

/** A deleted dashboard: its pages' pictures are no longer drawn ahead. */
export function forgetDashboardSizes(ws: Workspace, projectKey: string, dashboard: string): Promise<void> {
  return sizesSeen(ws, projectKey).forget(dashboard);
}
