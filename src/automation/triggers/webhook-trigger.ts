import { z } from 'zod';
import { defineTrigger } from './define-trigger.js';

/** Fires on POST /api/webhooks/scenarios/{token}; the token is a random secret compared in constant time. */
export const webhookTrigger = defineTrigger('webhook', {
  label: 'Webhook',
  kind: 'request',
  via: 'webhook',
  params: z.object({
    token: z
      .string()
      .min(24)
      .max(200)
      .optional()
      .describe('Secret in the URL POST /api/webhooks/scenarios/{token}; generated when left out'),
  }),
  examples: [
    {
      title: 'Let the archive pipeline start this scenario (token generated on save)',
      params: { id: 'archive-ingest' },
    },
  ],
  describe: () => 'webhook',
});
