import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { httpUrl } from './common.js';
import { defineReporter } from './define-reporter.js';
import { deliverJson } from './webhook-delivery.js';

/**
 * POSTs the run summary as JSON, with the filled template as `message` and the delivery id as
 * `deliveryId` (inside the signed body, so a receiver can refuse a replayed delivery).
 * See docs/webhooks.md for how a receiver checks the signature.
 */
export const webhookReporter = defineReporter('webhook', {
  label: 'JSON webhook',
  params: z.object({
    url: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
    secret: z
      .string()
      .min(16, 'secret: at least 16 characters')
      .max(200)
      .optional()
      .meta({ readOnly: true })
      .describe('Signs each body (X-Llano-Signature); generated when saved, shown once, rotatable'),
  }),
  examples: [
    {
      title: 'Open a ticket in the observatory tracker on failure',
      params: {
        on: 'failure',
        url: 'https://tickets.example.org/api/llano',
        headers: { authorization: 'Bearer <token>' },
      },
    },
  ],
  secretPaths: [['headers'], ['secret']],
  generatedSecrets: [{ path: ['secret'], prefix: 'lws' }],
  send(ctx, p, summary, message) {
    const deliveryId = randomUUID();
    return deliverJson(
      ctx,
      p.url,
      { ...summary, message, deliveryId },
      { headers: p.headers, secret: p.secret, deliveryId },
    );
  },
});
