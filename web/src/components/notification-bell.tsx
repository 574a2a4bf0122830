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
      {/* Drawn, not an emoji: machines without an emoji font showed an empty box. */}
      <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="currentColor">
        <path d="M8 1.5a1 1 0 0 1 1 1v.6a4.5 4.5 0 0 1 3.5 4.4v2.8l1.3 1.6a.6.6 0 0 1-.5 1H2.7a.6.6 0 0 1-.5-1l1.3-1.6V7.5A4.5 4.5 0 0 1 7 3.1v-.6a1 1 0 0 1 1-1ZM6.3 14h3.4a1.7 1.7 0 0 1-3.4 0Z" />
      </svg>
      {unread ? (
        <span className="badge" aria-hidden="true">
          {unread}
        </span>
      ) : null}
    </Link>
  );
}
