import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { saveScenario } from '../src/automation/scenarios-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import { startManualScheduler } from './support/manual-scheduler.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('trigger fires', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-fires-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('record how their run ended and are pruned after 30 days, not kept forever', async () => {
    const ws = await Workspace.open(loadConfig({ home, adminPassword: 'admin-password-for-tests' }, {}));
    await bootstrapWorkspace(ws);
    const origin = Date.UTC(2030, 0, 1, 0, 0, 30);
    const s = await startManualScheduler(ws, origin);
    try {
      await ws.catalog.projects.create(LOCAL_ADMIN, { key: 'TF' });
      await saveScenario(ws, LOCAL_ADMIN, 'TF', {
        id: 'every_minute',
        triggers: [{ type: 'time', everyMinutes: 1 }],
        steps: [{ type: 'noop' }],
      });
      const fires = () =>
        ws.catalog.db
          .selectFrom('trigger_fires')
          .select(['instant', 'status', 'outcome'])
          .where('scenario', '=', 'every_minute')
          .orderBy('instant')
          .execute();
      await s.tickAfter(0); // arms the trigger
      for (let i = 0; i < 3; i++) await s.tickAfter(MINUTE);
      const fired = await fires();
      expect(fired).toHaveLength(3);
      expect(fired.map((f) => [f.status, f.outcome])).toEqual([
        ['ended', 'SUCCESS'],
        ['ended', 'SUCCESS'],
        ['ended', 'SUCCESS'],
      ]);

      // A month later the fires of the first minutes are gone; the one of this tick (the catch-up) stays.
      await s.tickAfter(31 * DAY);
      const left = await fires();
      expect(left).toHaveLength(1);
      expect(fired.map((f) => f.instant)).not.toContain(left[0].instant);
      expect(left[0]).toMatchObject({ status: 'ended', outcome: 'SUCCESS' });
    } finally {
      await s.stop();
      await ws.close();
    }
  });
});
