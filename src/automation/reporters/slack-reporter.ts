import { z } from 'zod';
import { httpUrl, postJson } from './common.js';
import { defineReporter } from './define-reporter.js';

/** Slack-compatible incoming webhook: `{"text": message}`. */
export const slackReporter = defineReporter('slack', {
  label: 'Slack-compatible webhook',
  params: z.object({ url: httpUrl.describe('Incoming-webhook URL (Slack, Mattermost, Rocket.Chat…)') }),
  examples: [
    {
      title: 'Tell the operations channel about every run',
      params: { on: 'always', url: 'https://chat.example.org/hooks/alma-ops' },
    },
  ],
  secretPaths: [['url']],
  send: (ctx, p, _summary, message) => postJson(p.url, { text: message }, ctx.signal),
});
