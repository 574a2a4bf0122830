import { z } from 'zod';
import { httpUrl, postJson } from './common.js';
import { defineReporter } from './define-reporter.js';

/** POSTs the run summary as JSON, with the filled template as `message`. */
export const webhookReporter = defineReporter('webhook', {
  label: 'JSON webhook',
  params: z.object({
    url: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
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
  secretPaths: [['headers']],
  send: (ctx, p, summary, message) => postJson(p.url, { ...summary, message }, ctx.signal, p.headers),
});
