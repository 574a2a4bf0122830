import type { Workspace } from '../workspace/workspace.js';
import type { AutomationEvent } from './types.js';

interface WatchedDataset {
  projectKey: string;
  dataset: string;
  /** Every version up to this sequence number is settled (committed or failed) and handled. */
  after: number;
  /** Versions above `after` already handled, with their sequence number (Infinity until a poll sees it). */
  seen: Map<string, number>;
}

/** Committed versions: current (ready) or since replaced and pruned (expired). */
const COMMITTED = new Set(['ready', 'expired']);
/** Datasets per query: keeps the OR list far below SQLite's parameter limit. */
const CHUNK = 200;
const MAX_SEEN = 1000;

const keyOf = (projectKey: string, dataset: string) => `${projectKey}/${dataset}`;

/**
 * Finds dataset versions committed by any process sharing the catalog (another server, a
 * worker, the CLI): per watched dataset, the committed versions above the last settled sequence
 * number. In-process commits also arrive as events; both paths fire under the same claim (the
 * version id), so a version fires its triggers once, whichever process saw it first.
 *
 * A dataset starts being watched at its latest version: what was committed before, including
 * while no scheduler ran, is history, not news. A version still building holds `after` back, so
 * a slow build committing after a quicker later one is not missed.
 */
export class DatasetVersionPoller {
  private readonly watched = new Map<string, WatchedDataset>();

  constructor(private readonly ws: Workspace) {}

  /** Watches exactly these datasets; the new ones start from their latest version. */
  async watch(datasets: { projectKey: string; dataset: string }[]): Promise<void> {
    const wanted = new Map(datasets.map((d) => [keyOf(d.projectKey, d.dataset), d]));
    for (const key of this.watched.keys()) if (!wanted.has(key)) this.watched.delete(key);
    const added: WatchedDataset[] = [];
    for (const [key, d] of wanted) {
      if (this.watched.has(key)) continue;
      const w: WatchedDataset = { ...d, after: 0, seen: new Map() };
      this.watched.set(key, w);
      added.push(w);
    }
    // What exists now is recorded as seen, not reported.
    if (added.length) await this.scan(added, false);
  }

  /** Stops watching a deleted project's datasets: one created again under its key starts afresh. */
  forgetProject(projectKey: string): void {
    for (const [key, w] of this.watched) if (w.projectKey === projectKey) this.watched.delete(key);
  }

  /** Notes a version this process learnt of by its own event, so that polling does not report it again. */
  noteSeen(projectKey: string, dataset: string, versionId: string): void {
    const w = this.watched.get(keyOf(projectKey, dataset));
    if (!w || w.seen.has(versionId)) return;
    w.seen.set(versionId, Infinity);
    // A version polled before its event arrived is never pruned by sequence: keep the newest only.
    if (w.seen.size > MAX_SEEN) w.seen.delete(w.seen.keys().next().value!);
  }

  /** Versions committed since the last poll, as the events an in-process commit would have sent. */
  poll(): Promise<AutomationEvent[]> {
    return this.scan([...this.watched.values()], true);
  }

  private async scan(list: WatchedDataset[], report: boolean): Promise<AutomationEvent[]> {
    const events: AutomationEvent[] = [];
    for (let i = 0; i < list.length; i += CHUNK) {
      const chunk = list.slice(i, i + CHUNK);
      const rows = await this.ws.catalog.db
        .selectFrom('dataset_versions')
        .select(['id', 'project_key', 'dataset', 'seq', 'status'])
        .where((eb) =>
          eb.or(
            chunk.map((w) =>
              eb.and([eb('project_key', '=', w.projectKey), eb('dataset', '=', w.dataset), eb('seq', '>', w.after)]),
            ),
          ),
        )
        .orderBy('seq')
        .execute();
      const byDataset = new Map<string, typeof rows>();
      for (const r of rows) {
        const key = keyOf(r.project_key, r.dataset);
        const list = byDataset.get(key);
        if (list) list.push(r);
        else byDataset.set(key, [r]);
      }
      for (const w of chunk) {
        let settled = true;
        for (const r of byDataset.get(keyOf(w.projectKey, w.dataset)) ?? []) {
          const seq = Number(r.seq);
          if (r.status === 'building') {
            settled = false;
            continue;
          }
          if (report && COMMITTED.has(r.status) && !w.seen.has(r.id))
            events.push({ kind: 'dataset-version', projectKey: w.projectKey, dataset: w.dataset, versionId: r.id });
          w.seen.set(r.id, seq);
          if (settled) w.after = seq;
        }
        for (const [id, seq] of w.seen) if (seq <= w.after) w.seen.delete(id);
      }
    }
    return events;
  }
}
