import { Link } from 'react-router-dom';
import type { Notification } from '../api/collab-types';
import { useApi, useInterval } from '../lib/use-api';

/** The top bar's bell: how many notifications are unread (checked every minute), linking to the list. */
export function NotificationBell() {
  const notes = useApi<{ unread: number; items: Notification[] }>('/api/notifications', { unread: 'true', limit: 1 });
  useInterval(notes.reload, 60_000);
  const unread = notes.data?.unread ?? 0;
  return (
    <Link
      to="/notifications"
      className="btn small ghost notification-bell"
      aria-label={unread ? `Notifications: ${unread} unread` : 'Notifications'}
    >
      <span aria-hidden="true">🔔</span>
      {unread ? (
        <span className="badge" aria-hidden="true">
          {unread}
        </span>
      ) : null}
    </Link>
  );
}
