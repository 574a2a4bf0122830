import { z } from 'zod';
import { httpUrl } from './common.js';
import { defineReporter } from './define-reporter.js';
import { deliverJson } from './webhook-delivery.js';

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
  // The URL is the credential: errors name its host only.
  send: (ctx, p, _summary, message) => deliverJson(ctx, p.url, { text: message }, { shownAs: new URL(p.url).origin }),
});
