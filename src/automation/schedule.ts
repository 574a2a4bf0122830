import { Cron } from 'croner';
import { badRequest } from '../common/errors.js';

/** The due instants of a time trigger. */
export interface Schedule {
  /** The first due instant strictly after `after` (null when the schedule has ended). */
  next(after: number): number | null;
  /** The latest due instant in (`after`, `at`], or null. */
  latestBetween(after: number, at: number): number | null;
  describe(): string;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function assertTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw badRequest(`Unknown time zone ${JSON.stringify(timezone)}: use an IANA name such as UTC or America/Santiago`);
  }
}

/** A cron expression (5 or 6 fields) in a time zone, computed by croner. */
export function cronSchedule(expression: string, timezone = 'UTC'): Schedule {
  assertTimeZone(timezone);
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, paused: true });
  } catch (e) {
    throw badRequest(`Invalid cron expression ${JSON.stringify(expression)}: ${(e as Error).message}`);
  }
  const next = (after: number) => cron.nextRun(new Date(after))?.getTime() ?? null;
  return {
    next,
    latestBetween(after, at) {
      // croner only looks forward, so widen a window back from `at` until it holds an instant,
      // then walk forward inside it: few steps whatever the gap (a year down, every minute).
      for (const width of [MINUTE, HOUR, DAY, 32 * DAY, 400 * DAY, 3000 * DAY]) {
        const from = Math.max(after, at - width);
        let t = next(from);
        if (t === null || t > at) {
          if (from === after) return null;
          continue;
        }
        for (let n = next(t); n !== null && n <= at; n = next(n)) t = n;
        return t;
      }
      return null;
    },
    describe: () => `cron ${expression} (${timezone})`,
  };
}

/** Every `periodMs`, aligned on multiples of the period since the epoch (so every process agrees). */
export function intervalSchedule(periodMs: number): Schedule {
  return {
    next: (after) => (Math.floor(after / periodMs) + 1) * periodMs,
    latestBetween(after, at) {
      const t = Math.floor(at / periodMs) * periodMs;
      return t > after ? t : null;
    },
    describe: () => (periodMs % HOUR === 0 ? `every ${periodMs / HOUR} h` : `every ${periodMs / MINUTE} min`),
  };
}

/** The next `count` instants after `from` and no later than `until`. */
export function upcoming(schedule: Schedule, from: number, count: number, until = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  for (let t = schedule.next(from); t !== null && t <= until && out.length < count; t = schedule.next(t)) out.push(t);
  return out;
}
