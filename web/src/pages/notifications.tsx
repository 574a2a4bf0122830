import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Notification } from '../api/collab-types';
import { Async, EmptyState, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

/** Your notifications (mentions, replies), newest first; opening one marks it read. */
export default function NotificationsPage() {
  const notes = useApi<{ unread: number; items: Notification[] }>('/api/notifications', { limit: 100 });
  const markRead = async (body: { ids?: number[]; all?: boolean }) => {
    await api.post('/api/notifications/read', body);
    notes.reload();
  };
  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle="Mentions and replies in discussions of your projects"
        actions={
          notes.data?.unread ? (
            <button type="button" className="btn" onClick={() => void markRead({ all: true })}>
              Mark all read
            </button>
          ) : null
        }
      />
      <Async state={notes} label="Loading notifications…">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No notifications">
              When someone mentions you (@you) in a discussion, it shows here.
            </EmptyState>
          ) : (
            <ul className="notification-list stack">
              {data.items.map((n) => (
                <li key={n.id} className={`card${n.readAt ? '' : ' unread'}`}>
                  <Link to={n.link} onClick={() => void (n.readAt ? undefined : markRead({ ids: [n.id] }))}>
                    {n.readAt ? null : <span className="visually-hidden">Unread: </span>}
                    {n.title}
                  </Link>
                  <p className="small">{n.message}</p>
                  <span className="small muted">{formatRelative(n.createdAt)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </>
  );
}
