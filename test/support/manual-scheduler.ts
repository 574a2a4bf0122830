import { ManualClock } from '../../src/automation/clock.js';
import { Scheduler } from '../../src/automation/scheduler.js';
import type { Workspace } from '../../src/workspace/workspace.js';

/**
 * A scheduler on a workspace whose time moves only when the test says so: started without its
 * loop, it acts on `tick()`. `tickAfter` moves the clock, ticks and waits for what the tick
 * started (polls, event fires, runs), so tests wait on work, never on time.
 */
export async function startManualScheduler(ws: Workspace, at: number) {
  const clock = new ManualClock(at);
  const scheduler = new Scheduler(ws, { clock });
  await scheduler.start({ loop: false });
  return {
    clock,
    scheduler,
    automation: scheduler.automation,
    async tickAfter(ms: number): Promise<void> {
      clock.advance(ms);
      await scheduler.tick();
      await scheduler.idle();
      await scheduler.automation.idle();
    },
    async stop(): Promise<void> {
      await scheduler.stop();
      await scheduler.automation.shutdown();
    },
  };
}
export type ManualScheduler = Awaited<ReturnType<typeof startManualScheduler>>;
