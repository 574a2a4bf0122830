import type { Principal } from '../catalog/access.js';
import { nowIso } from '../common/ids.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

export interface Notification {
  id: number;
  projectKey: string;
  kind: string;
  title: string;
  message: string;
  /** The web UI page it is about. */
  link: string;
  createdAt: string;
  readAt: string | null;
}

export interface NewNotification {
  projectKey: string;
  /** `mention`, `reply`… */
  kind: string;
  title: string;
  message: string;
  link: string;
}

/** Mail still being sent, so that closing the workspace waits for it rather than cutting it off. */
const pendingMail = workspaceSlot(
  'collab.pending-mail',
  () => new Set<Promise<void>>(),
  async (pending) => {
    await Promise.allSettled([...pending]);
  },
);

/**
 * Notification mail over LLANO_SMTP_URL with nodemailer, like the mail reporter of scenarios.
 * Sent after the request answers: a slow or failing SMTP server delays nobody, and the
 * notification stays in the UI whatever happens to the mail.
 */
function mailInBackground(ws: Workspace, to: string[], note: NewNotification): void {
  const url = ws.config.smtpUrl;
  if (!url || to.length === 0) return;
  const link = ws.config.publicUrl ? new URL(note.link, ws.config.publicUrl).toString() : note.link;
  const sending = (async () => {
    // Loaded by the first mail, not at the server's start (nodemailer is some 40 modules).
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport(url, { connectionTimeout: 15_000, socketTimeout: 30_000 } as never);
    try {
      await transport.sendMail({
        from: ws.config.mailFrom,
        to,
        subject: `[Llano] ${note.title}`,
        text: `${note.message}\n\n${link}\n`,
      });
    } catch (error) {
      process.emitWarning(`Notification mail to ${to.join(', ')} failed: ${(error as Error).message}`);
    } finally {
      transport.close();
    }
  })();
  const pending = pendingMail(ws);
  pending.add(sending);
  void sending.finally(() => pending.delete(sending));
}

/** Waits for notification mail in flight (tests, shutdown). */
export async function mailSent(ws: Workspace): Promise<void> {
  await Promise.allSettled([...pendingMail(ws)]);
}

/** Records a notification for each user, and mails those with an address when SMTP is configured. */
export async function notifyUsers(ws: Workspace, usernames: string[], note: NewNotification): Promise<void> {
  const unique = [...new Set(usernames)];
  if (unique.length === 0) return;
  const createdAt = nowIso();
  await ws.catalog.db
    .insertInto('notifications')
    .values(
      unique.map((username) => ({
        username,
        project_key: note.projectKey,
        kind: note.kind,
        title: note.title,
        message: note.message.slice(0, 2000),
        link: note.link,
        created_at: createdAt,
        read_at: null,
      })),
    )
    .execute();
  if (!ws.config.smtpUrl) return;
  const users = await ws.catalog.db
    .selectFrom('users')
    .select(['email'])
    .where('username', 'in', unique)
    .where('disabled', '=', 0)
    .execute();
  mailInBackground(
    ws,
    users.flatMap((u) => (u.email ? [u.email] : [])),
    note,
  );
}

/** The caller's notifications, newest first, and how many are unread. */
export async function listNotifications(
  ws: Workspace,
  principal: Principal,
  options: { unread?: boolean; limit?: number } = {},
): Promise<{ unread: number; items: Notification[] }> {
  let query = ws.catalog.db.selectFrom('notifications').selectAll().where('username', '=', principal.username);
  if (options.unread) query = query.where('read_at', 'is', null);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
  const unread = await ws.catalog.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('username', '=', principal.username)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return {
    unread: Number(unread?.n ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      projectKey: r.project_key,
      kind: r.kind,
      title: r.title,
      message: r.message,
      link: r.link,
      createdAt: r.created_at,
      readAt: r.read_at,
    })),
  };
}

/** Marks some (or all) of the caller's notifications read; answers how many are still unread. */
export async function markNotificationsRead(
  ws: Workspace,
  principal: Principal,
  which: { ids?: number[]; all?: boolean },
): Promise<{ unread: number }> {
  let update = ws.catalog.db
    .updateTable('notifications')
    .set({ read_at: nowIso() })
    .where('username', '=', principal.username)
    .where('read_at', 'is', null);
  if (!which.all) update = update.where('id', 'in', which.ids?.length ? which.ids : [-1]);
  await update.execute();
  return { unread: (await listNotifications(ws, principal, { unread: true, limit: 0 })).unread };
}
