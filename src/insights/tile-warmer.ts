import { existsSync } from 'node:fs';
import type { StoredObject } from '../catalog/objects.js';
import { DATASET_KIND, type DatasetDefinition } from '../datasets/definitions.js';
import { currentVersion } from '../datasets/versions.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { datasetInsightData } from './insight-data.js';
import type { Insight } from './insight-types.js';
import { INSIGHT_KIND } from './insights-service.js';
import { dropOtherVersions, tileCacheRoot } from './tile-cache.js';
import { drawPicturesAhead } from './tile-pictures.js';

/**
 * How long the warmer trusts what it knows of the datasets a project's insights read. Saves and
 * deletes of insights in this process forget it at once; another process's are seen within this
 * time (until then a build of such a dataset leaves its tiles to their first reader).
 */
const DATASETS_READ_FRESH_MS = 5_000;

/**
 * Computes tiles before anyone opens the dashboard: when a dataset version becomes current
 * (every chart and table on that dataset) and when an insight is saved (that one), so the first
 * reader finds the answer in the tile cache instead of waiting for queries over the whole
 * dataset. One tile at a time in the background, through the same reads gate as readers (who
 * keep the other slot); failures are left for the reader, who gets the error when asking.
 */
class TileWarmer {
  private queue: Promise<void> = Promise.resolve();
  readonly stop = new AbortController();
  /** Per project: the datasets its insights read, when that was read, and forgets since (see `remember`). */
  private readonly datasetsRead = new Map<string, { names: Set<string>; at: number }>();
  private forgets = 0;

  constructor(private readonly ws: Workspace) {}

  /** Runs `work` after what is queued; nothing new starts once the workspace closes. */
  enqueue(work: (signal: AbortSignal) => Promise<unknown>): void {
    this.queue = this.queue.then(async () => {
      if (this.stop.signal.aborted) return;
      try {
        await work(this.stop.signal);
      } catch {
        // The reader who opens the tile runs it again and sees the error.
      }
    });
  }

  /** The datasets the project's insights read, if known as of less than `DATASETS_READ_FRESH_MS` ago. */
  knownDatasetsRead(projectKey: string): Set<string> | undefined {
    const known = this.datasetsRead.get(projectKey);
    return known && Date.now() - known.at < DATASETS_READ_FRESH_MS ? known.names : undefined;
  }

  /**
   * Reads the project's insights and remembers the datasets they read, unless an insight of this
   * process was saved or deleted while reading (what was read may miss it).
   */
  async insights(projectKey: string): Promise<StoredObject<Insight>[]> {
    const forgets = this.forgets;
    const at = Date.now();
    const insights = await this.ws.catalog.objects.list<Insight>(projectKey, INSIGHT_KIND);
    if (forgets === this.forgets) this.datasetsRead.set(projectKey, { names: datasetsOf(insights), at });
    return insights;
  }

  /** An insight of the project was saved or deleted: the datasets its insights read are read again. */
  forget(projectKey: string): void {
    this.forgets++;
    this.datasetsRead.delete(projectKey);
  }

  /** Resolves once everything queued so far (and queued meanwhile) is done. */
  async idle(): Promise<void> {
    let queue;
    do {
      queue = this.queue;
      await queue;
    } while (queue !== this.queue);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.queue;
  }
}

const datasetsOf = (insights: StoredObject<Insight>[]) =>
  new Set(insights.map((o) => o.body.dataset).filter((d): d is string => typeof d === 'string'));

const warmerOf = workspaceSlot(
  'insights.tile-warmer',
  (ws) => new TileWarmer(ws),
  (w) => w.close(),
);

async function warmOne(ws: Workspace, projectKey: string, id: string, signal: AbortSignal): Promise<void> {
  const stored = await ws.catalog.objects.get<Insight>(projectKey, INSIGHT_KIND, id);
  if (!stored || (stored.body.type !== 'chart' && stored.body.type !== 'table') || !stored.body.dataset) return;
  const definition = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, stored.body.dataset);
  // Only managed datasets have immutable versions, hence tiles worth keeping.
  if (definition?.body.storage.type !== 'managed') return;
  const answer = await datasetInsightData(ws, projectKey, stored.body, stored.revision, { signal });
  // Its pictures too, at the sizes browsers last drew it at: the next visit shows them at once.
  await drawPicturesAhead(ws, projectKey, stored.body, answer);
}

/** Resolves once the tiles queued so far are computed and their pictures queued (tests, benchmarks). */
export function tilesWarmed(ws: Workspace): Promise<void> {
  return warmerOf(ws).idle();
}

/** Queues the tiles of one saved insight (its current revision, no filters). */
export function warmInsightSoon(ws: Workspace, projectKey: string, id: string): void {
  const warmer = warmerOf(ws);
  warmer.forget(projectKey);
  warmer.enqueue((signal) => warmOne(ws, projectKey, id, signal));
}

/** A deleted insight: the warmer no longer counts its dataset among those read. */
export function forgetDeletedInsight(ws: Workspace, projectKey: string): void {
  warmerOf(ws).forget(projectKey);
}

/** Queues every chart and table on `dataset`, after dropping the tiles of its older versions. */
export function warmDatasetSoon(ws: Workspace, projectKey: string, dataset: string): void {
  const warmer = warmerOf(ws);
  warmer.enqueue(async (signal) => {
    const version = await currentVersion(ws, projectKey, dataset);
    if (!version) return;
    dropOtherVersions(ws, version.location, version.id);
    const insights = await warmer.insights(projectKey);
    for (const o of insights)
      if (o.body.dataset === dataset && !signal.aborted) await warmOne(ws, projectKey, o.name, signal).catch(() => {});
  });
}

/**
 * Warms the tiles of every new current version (called once by the composition root through
 * installInsights). A version of a dataset that no insight reads and that has no tiles to drop
 * costs nothing, not even work in the background: a build step commits many such versions.
 */
export function installTileWarmer(ws: Workspace): void {
  ws.events.on('datasetVersion', ({ projectKey, dataset, location }) => {
    const read = warmerOf(ws).knownDatasetsRead(projectKey);
    if (read && !read.has(dataset) && !existsSync(tileCacheRoot(ws, location))) return;
    warmDatasetSoon(ws, projectKey, dataset);
  });
  // A project created again under a deleted one's key starts from nothing.
  ws.events.on('projectDeleted', ({ projectKey }) => warmerOf(ws).forget(projectKey));
}
