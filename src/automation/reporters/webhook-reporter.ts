import { z } from 'zod';
import type { ReporterType } from '../types.js';
import { httpUrl, postJson, reporterParams } from './common.js';

const params = reporterParams('webhook', {
  url: httpUrl,
  headers: z.record(z.string(), z.string()).optional(),
});

/** POSTs the run summary as JSON, with the filled template as `message`. */
export const webhookReporter: ReporterType<z.infer<typeof params>> = {
  channel: 'webhook',
  label: 'JSON webhook',
  params,
  secretPaths: [['headers']],
  send: (ctx, p, summary, message) => postJson(p.url, { ...summary, message }, ctx.signal, p.headers),
};
