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
