import { installCapabilities } from '../../src/app/start-workspace.js';
import type { ManualClock } from '../../src/automation/clock.js';
import { loadConfig } from '../../src/common/config.js';
import { Workspace } from '../../src/workspace/workspace.js';

/**
 * Points where work under test stops until the test opens them, so that a build or an import
 * stays running for as long as the test needs, without sleeping.
 */
export class Gates {
  private readonly queue: { reached: () => void; open: Promise<void> }[] = [];

  /** Called by the gated work: stops at the next gate the test set, if any. */
  async pass(): Promise<void> {
    const gate = this.queue.shift();
    if (!gate) return;
    gate.reached();
    await gate.open;
  }

  /** A gate for the next `pass`: `reached` resolves once work stops there, `open()` lets it go on. */
  next(): { reached: Promise<void>; open: () => void } {
    let reached!: () => void;
    let open!: () => void;
    const r = new Promise<void>((resolve) => (reached = resolve));
    const o = new Promise<void>((resolve) => (open = resolve));
    this.queue.push({ reached, open: o });
    return { reached: r, open };
  }
}

/**
 * A workspace whose heartbeats beat every second of `clock`: work silent for more than three
 * seconds counts as abandoned. Its capabilities are installed as a server's are (recovery is left to the test).
 */
export async function openWorkspaceOnClock(home: string, clock: ManualClock, catalogUrl?: string): Promise<Workspace> {
  const ws = await Workspace.open(loadConfig({ home, heartbeatSeconds: 1, ...(catalogUrl ? { catalogUrl } : {}) }, {}));
  installCapabilities(ws);
  ws.liveness.clock = clock;
  return ws;
}
