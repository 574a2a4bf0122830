import { badRequest } from '../../common/errors.js';
import type { ReporterType } from '../types.js';
import { mailReporter } from './mail-reporter.js';
import { slackReporter } from './slack-reporter.js';
import { webhookReporter } from './webhook-reporter.js';

/** Every reporter channel. Adding one = adding a file and one line here. */
export const reporterTypes: ReporterType[] = [mailReporter, webhookReporter, slackReporter];

export function findReporterType(channel: unknown): ReporterType | undefined {
  return reporterTypes.find((r) => r.channel === channel);
}

export function reporterType(channel: string): ReporterType {
  const r = findReporterType(channel);
  if (!r) throw badRequest(`unknown reporter channel ${JSON.stringify(channel)}; known: ${reporterTypes.map((x) => x.channel).join(', ')}`);
  return r;
}
