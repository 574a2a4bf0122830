import { z } from 'zod';
import { parseOr400 } from '../../common/parse.js';
import { reporterType } from '../reporters/registry.js';
import { DEFAULT_TEMPLATE, fillTemplate } from '../reporters/template.js';
import type { StepType } from '../types.js';
import { stepParams } from './common.js';

const params = stepParams('report', {
  reporter: z.looseObject({ channel: z.string() }).describe('A reporter (mail, webhook, slack) with its settings; "on" is ignored'),
  template: z.string().max(20_000).optional().describe('Message template; defaults to the reporter\'s'),
});

function parseReporter(raw: unknown) {
  const r = raw as { channel: string };
  const type = reporterType(r.channel);
  const params = parseOr400(type.params, { on: 'always', ...r }, 'reporter', { prefix: `reporter (${r.channel})` });
  return { type, params: params as { template?: string } };
}

/** Sends a report in the middle of a run (the summary so far). */
export const reportStep: StepType<z.infer<typeof params>> = {
  type: 'report',
  label: 'Send a report',
  params,
  async validate(_ctx, p) {
    parseReporter(p.reporter);
  },
  async run(ctx, p) {
    const { type, params: rp } = parseReporter(p.reporter);
    const summary = await ctx.summary();
    await type.send({ ws: ctx.ws, signal: ctx.signal }, rp, summary, fillTemplate(p.template ?? rp.template ?? DEFAULT_TEMPLATE, summary));
    ctx.log('info', `Report sent by ${type.channel}`);
    return {};
  },
};
