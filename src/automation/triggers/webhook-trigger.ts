import { z } from 'zod';
import type { TriggerType } from '../types.js';
import { triggerParams } from './common.js';

const params = triggerParams('webhook', {
  token: z.string().min(24).max(200).optional().describe('Secret in the URL POST /api/webhooks/scenarios/{token}; generated when left out'),
});

/** Fires on POST /api/webhooks/scenarios/{token}; the token is a random secret compared in constant time. */
export const webhookTrigger: TriggerType<z.infer<typeof params>> = {
  type: 'webhook',
  label: 'Webhook',
  kind: 'webhook',
  params,
  describe: () => 'webhook',
};
