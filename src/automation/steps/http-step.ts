import { z } from 'zod';
import { displayUrl, outboundRequest, type OutboundResponse } from '../../common/outbound/outbound-request.js';
import { outboundPolicy } from '../outbound.js';
import { defineStep } from './define-step.js';

/** Calls an HTTP endpoint (through the outbound policy: no internal addresses unless allowed); an unexpected status fails the step. */
export const httpStep = defineStep('http', {
  label: 'HTTP request',
  // Headers carry tokens and keys (Authorization, X-Api-Key): hidden from the API like a webhook reporter's.
  secretPaths: [['headers']],
  params: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// URL' }),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional().describe('Sent as JSON'),
    expectStatus: z
      .array(z.number().int().min(100).max(599))
      .optional()
      .describe('Accepted statuses (default: any 2xx)'),
  }),
  examples: [
    {
      title: 'Tell the archive that new shift metrics are ready',
      params: {
        method: 'POST',
        url: 'https://archive.example.org/api/refresh',
        body: { dataset: 'shift_metrics' },
        expectStatus: [200, 202],
      },
    },
    {
      title: 'Check that the observatory status page answers',
      params: {
        method: 'GET',
        url: 'https://status.example.org/health',
        retries: { count: 3, delaySeconds: 30, factor: 2 },
      },
    },
  ],
  async run(ctx, p) {
    const shown = `${p.method} ${displayUrl(p.url)}`;
    let res: OutboundResponse;
    try {
      res = await outboundRequest({
        url: p.url,
        method: p.method,
        headers: { ...(p.body !== undefined ? { 'content-type': 'application/json' } : {}), ...p.headers },
        body: p.body === undefined ? undefined : JSON.stringify(p.body),
        signal: ctx.signal,
        policy: outboundPolicy(ctx.ws),
      });
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new Error(`${shown}: ${(e as Error).message}`, { cause: e });
    }
    const ok = p.expectStatus ? p.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
    // Only the status and a short, cleaned excerpt reach the run: never a whole document.
    if (!ok) throw new Error(`${shown} answered ${res.status}${res.excerpt ? `: ${res.excerpt}` : ''}`);
    ctx.log('info', `${shown} → ${res.status}`);
    return { detail: { status: res.status } };
  },
});
