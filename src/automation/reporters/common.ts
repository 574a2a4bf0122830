import { z } from 'zod';

export const REPORT_ON = ['success', 'warning', 'failure', 'always'] as const;
export type ReportOn = (typeof REPORT_ON)[number];

/** Fields every reporter has besides its channel: when it sends and the message template. */
export const reporterCommonShape = {
  on: z.enum(REPORT_ON).default('failure').describe('success, warning, failure (FAILED or ABORTED) or always'),
  template: z
    .string()
    .max(20_000)
    .optional()
    .describe(
      'Message with {{scenario}}, {{project}}, {{trigger}}, {{outcome}}, {{duration}}, {{failedSteps}}, {{link}}, {{runId}}',
    ),
};

export const httpUrl = z.url({ protocol: /^https?$/, error: 'use an http:// or https:// URL' });

/** POSTs JSON; a non-2xx answer is an error. */
export async function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}
