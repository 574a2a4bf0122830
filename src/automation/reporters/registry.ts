import { createRegistry } from '../../common/registry.js';
import type { ReporterType } from '../types.js';
import { mailReporter } from './mail-reporter.js';
import { slackReporter } from './slack-reporter.js';
import { webhookReporter } from './webhook-reporter.js';

/** Every reporter channel. Adding one = adding a file (`defineReporter`) and one line here. */
export const reporterTypes = createRegistry<ReporterType>(
  'reporter channel',
  [mailReporter, webhookReporter, slackReporter],
  (r) => r.channel,
);
