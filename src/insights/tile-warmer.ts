import { DATASET_KIND, type DatasetDefinition } from '../datasets/definitions.js';
import { currentVersion } from '../datasets/versions.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { datasetInsightData } from './insight-data.js';
import type { Insight } from './insight-types.js';
import { INSIGHT_KIND } from './insights-service.js';
import { dropOtherVersions } from './tile-cache.js';

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

  async close(): Promise<void> {
    this.stop.abort();
    await this.queue;
  }
}

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
  await datasetInsightData(ws, projectKey, stored.body, stored.revision, { signal });
}

/** Queues the tiles of one saved insight (its current revision, no filters). */
export function warmInsightSoon(ws: Workspace, projectKey: string, id: string): void {
  const warmer = warmerOf(ws);
  warmer.enqueue((signal) => warmOne(ws, projectKey, id, signal));
}

/** Queues every chart and table on `dataset`, after dropping the tiles of its older versions. */
export function warmDatasetSoon(ws: Workspace, projectKey: string, dataset: string): void {
  const warmer = warmerOf(ws);
  warmer.enqueue(async (signal) => {
    const version = await currentVersion(ws, projectKey, dataset);
    if (!version) return;
    dropOtherVersions(ws, version.location, version.id);
    const insights = await ws.catalog.objects.list<Insight>(projectKey, INSIGHT_KIND);
    for (const o of insights)
      if (o.body.dataset === dataset && !signal.aborted) await warmOne(ws, projectKey, o.name, signal).catch(() => {});
  });
}

/** Warms the tiles of every new current version (called once by the composition root through installInsights). */
export function installTileWarmer(ws: Workspace): void {
  ws.events.on('datasetVersion', ({ projectKey, dataset }) => warmDatasetSoon(ws, projectKey, dataset));
}
