import { z } from 'zod';
import type { StepType } from '../types.js';
import { stepParams } from './common.js';

const params = stepParams('http', {
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  url: z.url({ protocol: /^https?$/, error: 'use an http:// or https:// URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional().describe('Sent as JSON'),
  expectStatus: z.array(z.number().int().min(100).max(599)).optional().describe('Accepted statuses (default: any 2xx)'),
});

/** Calls an HTTP endpoint; an unexpected status fails the step. */
export const httpStep: StepType<z.infer<typeof params>> = {
  type: 'http',
  label: 'HTTP request',
  params,
  async run(ctx, p) {
    const res = await fetch(p.url, {
      method: p.method,
      headers: { ...(p.body !== undefined ? { 'content-type': 'application/json' } : {}), ...p.headers },
      body: p.body === undefined ? undefined : JSON.stringify(p.body),
      signal: ctx.signal,
    });
    const text = await res.text();
    const ok = p.expectStatus ? p.expectStatus.includes(res.status) : res.ok;
    if (!ok) throw new Error(`${p.method} ${p.url} answered ${res.status}: ${text.slice(0, 200)}`);
    ctx.log('info', `${p.method} ${p.url} → ${res.status}`);
    return { detail: { status: res.status } };
  },
};
