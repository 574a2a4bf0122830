import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { cronSchedule, intervalSchedule, type Schedule } from '../schedule.js';
import { defineTrigger } from './define-trigger.js';

const params = z
  .object({
    cron: z.string().min(1).optional().meta({ title: 'Cron expression' }).describe('Cron expression, e.g. "0 6 * * *"'),
    everyMinutes: z.number().int().min(1).max(1440).optional().meta({ title: 'Every N minutes' }).describe('1 to 1440'),
    everyHours: z.number().int().min(1).max(168).optional().meta({ title: 'Every N hours' }).describe('1 to 168'),
    dailyAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM')
      .optional()
      .meta({ title: 'Daily at' })
      .describe('HH:MM, every day'),
    timezone: z.string().default('UTC').describe('IANA time zone of cron and dailyAt'),
  })
  .refine((p) => [p.cron, p.everyMinutes, p.everyHours, p.dailyAt].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of cron, everyMinutes, everyHours and dailyAt',
  })
  // Generated forms show mutually exclusive fields as one choice (see `x-choices` in web/src/components/schema-form.tsx).
  .meta({ 'x-choices': [{ title: 'Schedule', fields: ['dailyAt', 'everyMinutes', 'everyHours', 'cron'] }] });
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
