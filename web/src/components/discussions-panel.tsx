import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Discussion, DiscussionThread } from '../api/collab-types';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { projectPath } from './layout';
import { Async, CardSection, EmptyState, ErrorAlert, StatusBadge } from './ui';

/** One thread: its messages (rendered safe by the server), a reply box, close or reopen. */
export function DiscussionThreadView({
  projectKey,
  id,
  onChanged,
}: {
  projectKey: string;
  id: string;
  onChanged?: () => void;
}) {
  const thread = useApi<DiscussionThread>(projectApi(projectKey, 'discussions', id));
  const [reply, setReply] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<DiscussionThread>) => {
    setBusy(true);
    setError(null);
    try {
      thread.setData(await work());
      onChanged?.();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <Async state={thread} label="Loading the discussion…">
      {(t) => (
        <article className="stack discussion-thread" aria-label={`Discussion: ${t.title}`}>
          <div className="row gap-1 wrap">
            <h3 className="no-margin">{t.title}</h3>
            <StatusBadge status={t.status === 'open' ? 'running' : 'succeeded'} label={t.status} />
            <span className="small muted">on {t.object}</span>
          </div>
          <ol className="stack discussion-messages">
            {t.messages.map((m) => (
              <li key={m.id} className="card">
                <div className="small muted">
                  <strong>{m.author}</strong> · {formatRelative(m.createdAt)}
                </div>
                {/* The server escapes everything and emits only its own small set of tags. */}
                <div className="markdown" dangerouslySetInnerHTML={{ __html: m.html }} />
              </li>
            ))}
          </ol>
          {error ? <ErrorAlert error={error} /> : null}
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() => api.post(projectApi(projectKey, 'discussions', id, 'replies'), { message: reply })).then(
                (ok) => ok && setReply(''),
              );
            }}
          >
            <label className="stack gap-0">
              <span>Reply (Markdown; @username notifies a member)</span>
              <textarea rows={3} value={reply} onChange={(e) => setReply(e.target.value)} required />
            </label>
            <div className="row gap-1">
              <button type="submit" className="btn primary" disabled={busy || !reply.trim()}>
                Reply
              </button>
              <button
                type="button"
                className="btn"
                disabled={busy}
                onClick={() =>
                  void act(() =>
                    api.patch(projectApi(projectKey, 'discussions', id), {
                      status: t.status === 'open' ? 'closed' : 'open',
                    }),
                  )
                }
              >
                {t.status === 'open' ? 'Close discussion' : 'Reopen discussion'}
              </button>
            </div>
          </form>
        </article>
      )}
    </Async>
  );
}

/** A list of threads linking to the project's Discussions page. */
export function DiscussionList({
  projectKey,
  items,
  showObject,
}: {
  projectKey: string;
  items: Discussion[];
  showObject?: boolean;
}) {
  if (items.length === 0)
    return <EmptyState title="No discussions yet">Start one to ask or note something.</EmptyState>;
  return (
    <ul className="stack discussion-list">
      {items.map((d) => (
        <li key={d.id} className="row gap-1 wrap">
          <Link to={projectPath(projectKey, 'discussions', d.id)}>{d.title}</Link>
          <StatusBadge status={d.status === 'open' ? 'running' : 'succeeded'} label={d.status} />
          {showObject ? <span className="small muted">{d.object}</span> : null}
          <span className="small muted">
            {d.replies} repl{d.replies === 1 ? 'y' : 'ies'} · {d.createdBy} · {formatRelative(d.updatedAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The discussions of one object, and a form to start one (any project member may). */
export function DiscussionsPanel({ projectKey, object }: { projectKey: string; object: string }) {
  const list = useApi<Discussion[]>(projectApi(projectKey, 'discussions'), { object });
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await api.post<DiscussionThread>(projectApi(projectKey, 'discussions'), { object, title, message });
      setTitle('');
      setMessage('');
      setOpen(t.id);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <CardSection title="Discussions">
      <Async state={list} label="Loading discussions…">
        {(items) => <DiscussionList projectKey={projectKey} items={items} />}
      </Async>
      {open ? <DiscussionThreadView projectKey={projectKey} id={open} onChanged={list.reload} /> : null}
      <form className="stack" onSubmit={(e) => void start(e)} aria-label="Start a discussion">
        <h3 className="no-margin">Start a discussion</h3>
        {error ? <ErrorAlert error={error} /> : null}
        <label className="stack gap-0">
          <span>Title</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        </label>
        <label className="stack gap-0">
          <span>Message (Markdown; @username notifies a member)</span>
          <textarea rows={3} value={message} onChange={(e) => setMessage(e.target.value)} required />
        </label>
        <div>
          <button type="submit" className="btn primary" disabled={!title.trim() || !message.trim()}>
            Post
          </button>
        </div>
      </form>
    </CardSection>
  );
}
