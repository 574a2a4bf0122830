import { z } from 'zod';
import { parseOr400 } from '../../common/parse.js';
import { upgradeParams } from '../../common/type-definition.js';
import { isoAt } from '../clock.js';
import { reporterTypes } from '../reporters/registry.js';
import { DEFAULT_TEMPLATE, fillTemplate } from '../reporters/template.js';
import { defineStep } from './define-step.js';

/** The reporter's settings are versioned by its channel's type, like a scenario's reporters. */
const reporterSettings = z.looseObject({ channel: z.string() }).transform((raw, ctx) => {
  const type = reporterTypes.find(raw.channel);
  if (!type) return raw; // validate() names the unknown channel
  try {
    return upgradeParams(type, raw) as typeof raw;
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

function parseReporter(raw: unknown) {
  const r = raw as { channel: string };
  const type = reporterTypes.get(r.channel);
  const params = parseOr400(type.params, { on: 'always', ...r }, 'reporter', { prefix: `reporter (${r.channel})` });
  return { type, params: params as { template?: string } };
}

/** Sends a report in the middle of a run (the summary so far). */
export const reportStep = defineStep('report', {
  label: 'Send a report',
  params: z.object({
    reporter: reporterSettings.describe('A reporter (mail, webhook, slack) with its settings; "on" is ignored'),
    template: z.string().max(20_000).optional().describe("Message template; defaults to the reporter's"),
  }),
  examples: [
    {
      title: 'Post the run so far to the operations chat',
      params: {
        reporter: { channel: 'slack', url: 'https://chat.example.org/hooks/alma-ops' },
        template: 'Shift metrics rebuilt for {{project}}; checks next ({{link}})',
      },
    },
  ],
  validate(_ctx, p) {
    parseReporter(p.reporter);
    return Promise.resolve();
  },
  async run(ctx, p) {
    const { type, params: rp } = parseReporter(p.reporter);
    const summary = await ctx.summary();
    await type.send(
      {
        ws: ctx.ws,
        signal: ctx.signal,
        now: () => isoAt(ctx.clock.now()),
        attemptFailed: (attempt, of, message) =>
          ctx.log('warn', `${type.channel}: attempt ${attempt} of ${of} failed: ${message}`),
      },
      rp,
      summary,
      fillTemplate(p.template ?? rp.template ?? DEFAULT_TEMPLATE, summary),
    );
    ctx.log('info', `Report sent by ${type.channel}`);
    return {};
  },
});
