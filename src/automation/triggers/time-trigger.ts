import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { cronSchedule, intervalSchedule, type Schedule } from '../schedule.js';
import { defineTrigger } from './define-trigger.js';

const params = z
  .object({
    cron: z.string().min(1).optional().describe('Cron expression, e.g. "0 6 * * *"'),
    everyMinutes: z.number().int().min(1).max(1440).optional().describe('Every N minutes'),
    everyHours: z.number().int().min(1).max(168).optional().describe('Every N hours'),
    dailyAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM')
      .optional()
      .describe('Every day at HH:MM'),
    timezone: z.string().default('UTC').describe('IANA time zone of cron and dailyAt'),
  })
  .refine((p) => [p.cron, p.everyMinutes, p.everyHours, p.dailyAt].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of cron, everyMinutes, everyHours and dailyAt',
  });
type TimeParams = z.infer<typeof params>;

function scheduleOf(p: TimeParams): Schedule {
  if (p.cron !== undefined) return cronSchedule(p.cron, p.timezone);
  if (p.everyMinutes !== undefined) return intervalSchedule(p.everyMinutes * 60_000);
  if (p.everyHours !== undefined) return intervalSchedule(p.everyHours * 3_600_000);
  if (p.dailyAt !== undefined) {
    const [hh, mm] = p.dailyAt.split(':').map(Number);
    return cronSchedule(`${mm} ${hh} * * *`, p.timezone);
  }
  throw badRequest('A time trigger needs cron, everyMinutes, everyHours or dailyAt');
}

/** Fires at due instants: cron in a time zone, every N minutes or hours, or daily at HH:MM. */
export const timeTrigger = defineTrigger('time', {
  label: 'Time',
  kind: 'schedule',
  params,
  examples: [
    {
      title: 'Every morning at 06:00 Chilean time, after the night shift',
      params: { dailyAt: '06:00', timezone: 'America/Santiago' },
    },
    { title: 'At the start of each shift (cron)', params: { cron: '0 7,15,23 * * *', timezone: 'America/Santiago' } },
    { title: 'Every 15 minutes', params: { everyMinutes: 15 } },
  ],
  validate(_ctx, p) {
    scheduleOf(p);
    return Promise.resolve();
  },
  schedule: scheduleOf,
  describe: (p) => scheduleOf(p).describe(),
});
