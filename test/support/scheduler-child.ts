// A scheduler in its own process, on a shared catalog, whose clock only the parent moves. The
// parent steps every child through the same instants and waits until each has handled them, so a
// slow start or a loaded machine changes how long a test takes, never what it sees.
// Protocol (see scheduler-process.ts): one JSON object a line; the child answers on stdout with
// lines that start with CHILD_MARK.
import { createInterface } from 'node:readline';
import { installCapabilities } from '../../src/app/start-workspace.js';
import { ManualClock } from '../../src/automation/clock.js';
import { Scheduler } from '../../src/automation/scheduler.js';
import { loadConfig } from '../../src/common/config.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { CHILD_MARK, type ChildCommand, type ChildReport } from './scheduler-process.js';

const say = (report: ChildReport) => process.stdout.write(CHILD_MARK + JSON.stringify(report) + '\n');

const [catalogUrl, home, at] = process.argv.slice(2);
const ws = await Workspace.open(loadConfig({ home, catalogUrl }, {}));
installCapabilities(ws);
const clock = new ManualClock(Number(at));
const scheduler = new Scheduler(ws, { clock });
// The scheduler's own loop, as in `llano serve`: its timer fires when the parent moves the clock.
await scheduler.start();
say({ processId: ws.processId, now: clock.now() });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as ChildCommand;
  if (command.stop) break;
  clock.advance(command.advance);
  // Ticks are serialized: once this one has run, so has the one the loop's timer started, and
  // with the runs awaited, everything due by now has been claimed (or lost) and recorded.
  await scheduler.tick();
  await scheduler.idle();
  await scheduler.automation.idle();
  say({ processId: ws.processId, now: clock.now() });
}
await scheduler.stop();
await scheduler.automation.idle();
await ws.close();
say({ processId: ws.processId, now: clock.now(), stopped: true });
