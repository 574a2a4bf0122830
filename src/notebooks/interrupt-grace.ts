import { processActivity } from '../common/proc-stat.js';

export interface InterruptGrace {
  /** How long an interrupted cell has to stop on a machine that gives its kernel the CPU. */
  graceMs: number;
  /** CPU the kernel may use after the interrupt while still running before it counts as not stopping. */
  cpuMs: number;
  /** The longest wait, however loaded the machine. */
  maxMs: number;
  /** How often the kernel's state is looked at after the grace. */
  pollMs: number;
}

export const DEFAULT_INTERRUPT_GRACE: InterruptGrace = { graceMs: 5_000, cpuMs: 1_000, maxMs: 60_000, pollMs: 250 };

/**
 * Whether `done` settles within `ms`. A timeout resolves only after one more turn of I/O, so a
 * reply already waiting in the kernel's pipe is read first: on a starved server the timer and
 * the reply can both be due when it next runs, and timers run before I/O in Node's loop.
 */
export function settlesWithin(done: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  void done.then(mark, mark);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => setImmediate(() => resolve(settled)), ms);
    void done.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/**
 * Whether an interrupted cell stops (`done` settles) once its kernel (process `pid`) has had the
 * chance to. On a loaded machine (27 processes on 2 cores) a kernel can wait seconds for a core,
 * so the wall-clock grace alone would restart kernels that were about to stop and lose their
 * variables. After `graceMs`, the kernel has had its chance when it no longer runs (it sleeps:
 * it ignores the interrupt while waiting, or sits in a blocking call) or when it used `cpuMs` of
 * CPU since the interrupt and still runs (it loops on); `maxMs` bounds the wait. Without /proc
 * (not Linux) or once the process is gone, the grace alone decides.
 */
export async function stopsWhenGivenTheChance(
  done: Promise<unknown>,
  pid: number | null,
  grace: InterruptGrace = DEFAULT_INTERRUPT_GRACE,
  activity: typeof processActivity = processActivity,
): Promise<{ stopped: boolean; waitedMs: number }> {
  const began = performance.now();
  const waited = (stopped: boolean) => ({ stopped, waitedMs: performance.now() - began });
  const startCpu = pid === null ? null : (activity(pid)?.cpuMs ?? null);
  if (await settlesWithin(done, grace.graceMs)) return waited(true);
  while (performance.now() - began < grace.maxMs) {
    const now = pid === null || startCpu === null ? null : activity(pid);
    if (now === null || !now.runnable || now.cpuMs - startCpu! >= grace.cpuMs)
      return waited(await settlesWithin(done, grace.pollMs));
    if (await settlesWithin(done, grace.pollMs)) return waited(true);
  }
  return waited(false);
}
