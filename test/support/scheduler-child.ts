// A scheduler in its own process, on a shared catalog, with a fast clock that both children
// derive from the same origin: minutes of schedule pass in seconds, without any sleeping test.
import { installCapabilities } from '../../src/app/start-workspace.js';
import { SystemClock } from '../../src/automation/clock.js';
import { Scheduler } from '../../src/automation/scheduler.js';
import { loadConfig } from '../../src/common/config.js';
import { Workspace } from '../../src/workspace/workspace.js';

const [catalogUrl, home, virtualOrigin, realOrigin, speed, virtualDuration] = process.argv.slice(2);
const ws = await Workspace.open(loadConfig({ home, catalogUrl }, {}));
installCapabilities(ws);
const clock = new SystemClock(Number(virtualOrigin), Number(speed), Number(realOrigin));
const scheduler = new Scheduler(ws, { clock, maxSleepMs: 30_000 });
await scheduler.start();
// A referenced timer: the clock's own timers do not keep a process alive.
await new Promise((resolve) =>
  setTimeout(resolve, (Number(virtualOrigin) + Number(virtualDuration) - clock.now()) / Number(speed)),
);
await scheduler.stop();
await scheduler.automation.idle();
await ws.close();
process.stdout.write(JSON.stringify({ processId: ws.processId }) + '\n');
