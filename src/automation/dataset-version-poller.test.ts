import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionStatus } from '../catalog/statuses.js';
import { loadConfig } from '../common/config.js';
import { Workspace } from '../workspace/workspace.js';
import { DatasetVersionPoller } from './dataset-version-poller.js';

describe('DatasetVersionPoller', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-version-poller-'));
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(loadConfig({ home: dir }, {}));
  });
  afterAll(async () => {
    await ws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const version = (dataset: string, seq: number, status: VersionStatus) =>
    ws.catalog.db
      .insertInto('dataset_versions')
      .values({
        id: `${dataset}-v${seq}`,
        project_key: 'P',
        dataset,
        seq,
        status,
        location: 'x',
        row_count: null,
        content_hash: null,
        columns: null,
        lineage: null,
        job_id: null,
        created_at: '2030-01-01T00:00:00Z',
      })
      .execute();
  const setStatus = (dataset: string, seq: number, status: VersionStatus) =>
    ws.catalog.db.updateTable('dataset_versions').set({ status }).where('id', '=', `${dataset}-v${seq}`).execute();
  const ids = async (poller: DatasetVersionPoller) =>
    (await poller.poll()).map((e) => (e.kind === 'dataset-version' ? e.versionId : ''));

  it('reports each committed version once, starting after what existed, held back by versions still building', async () => {
    await version('a', 1, 'expired');
    await version('a', 2, 'ready');
    await version('a', 3, 'building'); // a slow build that commits later
    await version('b', 1, 'ready');
    const poller = new DatasetVersionPoller(ws);
    await poller.watch([
      { projectKey: 'P', dataset: 'a' },
      { projectKey: 'P', dataset: 'b' },
    ]);
    expect(await ids(poller)).toEqual([]);

    await version('a', 4, 'ready'); // a quicker build committed after it
    await version('b', 2, 'failed');
    expect(await ids(poller)).toEqual(['a-v4']);
    expect(await ids(poller)).toEqual([]);

    await setStatus('a', 3, 'ready');
    await version('b', 3, 'ready');
    poller.noteSeen('P', 'b', 'b-v3'); // this process's own event came first
    expect(await ids(poller)).toEqual(['a-v3']);

    // Pruned to expired before the poll saw it: still a committed version.
    await version('a', 5, 'ready');
    await setStatus('a', 5, 'expired');
    expect(await ids(poller)).toEqual(['a-v5']);

    // A dataset no longer watched is not reported; watched again, it starts from its latest version.
    await poller.watch([{ projectKey: 'P', dataset: 'a' }]);
    await version('b', 4, 'ready');
    expect(await ids(poller)).toEqual([]);
    await poller.watch([
      { projectKey: 'P', dataset: 'a' },
      { projectKey: 'P', dataset: 'b' },
    ]);
    expect(await ids(poller)).toEqual([]);
    await version('b', 5, 'ready');
    expect(await ids(poller)).toEqual(['b-v5']);
  });
});
