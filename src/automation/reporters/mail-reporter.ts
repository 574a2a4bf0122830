import { z } from 'zod';
import { abortReason } from '../clock.js';
import { defineReporter } from './define-reporter.js';
import { DEFAULT_SUBJECT, fillTemplate } from './template.js';

/** E-mail over SMTP (nodemailer). The password goes to the SMTP server only, never to logs. */
export const mailReporter = defineReporter('mail', {
  label: 'E-mail (SMTP)',
  params: z.object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        secure: z.boolean().default(false).describe('TLS from the start (port 465); otherwise STARTTLS when offered'),
        user: z.string().optional(),
        password: z.string().optional().describe('Never returned by the API'),
      })
      .strict(),
    from: z.email({ error: 'not a valid e-mail address' }),
    to: z.array(z.email({ error: 'not a valid e-mail address' })).min(1, 'name at least one recipient'),
    subject: z.string().max(500).optional().describe('Template, default "[Llano] {{scenario}}: {{outcome}}"'),
  }),
  examples: [
    {
      title: 'Mail the astronomer on duty when a run fails',
      params: {
        on: 'failure',
        smtp: { host: 'smtp.example.org', port: 587 },
        from: 'llano@example.org',
        to: ['aod@example.org'],
        subject: '[ALMA ops] {{scenario}}: {{outcome}}',
      },
    },
  ],
  secretPaths: [['smtp', 'password']],
  secretDestination: [
    ['smtp', 'host'],
    ['smtp', 'port'],
    ['smtp', 'user'],
  ],
  async send(ctx, p, summary, message) {
    // Loaded by the first mail, not at the server's start (nodemailer is some 40 modules).
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: p.smtp.host,
      port: p.smtp.port,
      secure: p.smtp.secure,
      ...(p.smtp.user ? { auth: { user: p.smtp.user, pass: p.smtp.password ?? '' } } : {}),
      connectionTimeout: 15_000,
      socketTimeout: 30_000,
    });
    try {
      const sending = transport.sendMail({
        from: p.from,
        to: p.to,
        subject: fillTemplate(p.subject ?? DEFAULT_SUBJECT, summary),
        text: message,
      });
      const aborted = new Promise<never>((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(abortReason(ctx.signal)), { once: true }),
      );
      await Promise.race([sending, aborted]);
    } finally {
      transport.close();
    }
  },
});
