import type { z } from 'zod';
import type { ReporterType } from '../types.js';
import { httpUrl, postJson, reporterParams } from './common.js';

const params = reporterParams('slack', { url: httpUrl.describe('Incoming-webhook URL (Slack, Mattermost, Rocket.Chat…)') });

/** Slack-compatible incoming webhook: `{"text": message}`. */
export const slackReporter: ReporterType<z.infer<typeof params>> = {
  channel: 'slack',
  label: 'Slack-compatible webhook',
  params,
  secretPaths: [['url']],
  send: (ctx, p, _summary, message) => postJson(p.url, { text: message }, ctx.signal),
};
