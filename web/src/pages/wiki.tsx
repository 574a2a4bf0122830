import { useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Attachment, WikiPage, WikiPageSummary } from '../api/collab-types';
import { uploadFile } from '../api/upload';
import { useConfirm } from '../components/confirm-dialog';
import { DiscussionsPanel } from '../components/discussions-panel';
import { projectPath } from '../components/layout';
import { MarkdownEditor } from '../components/markdown-editor';
import { ObjectHistory } from '../components/object-history';
import { TagsEditor } from '../components/tags-editor';
import { CardSection, EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { formatBytes, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';

const wikiPath = (key: string, page: string) =>
  `${projectPath(key, 'wiki')}/${page.split('/').map(encodeURIComponent).join('/')}`;

/** Pages as a tree: `ops/shifts` sits under `ops` (which may or may not be a page itself). */
function PageTree({ projectKey, pages, current }: { projectKey: string; pages: WikiPageSummary[]; current: string }) {
  const names = useMemo(() => {
    const all = new Set<string>();
    for (const p of pages) {
      const parts = p.name.split('/');
      for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
    }
    return [...all].sort();
  }, [pages]);
  const exists = new Set(pages.map((p) => p.name));
  return (
    <nav aria-label="Wiki pages" className="wiki-tree">
      <ul>
        {names.map((n) => {
          const depth = n.split('/').length - 1;
          const label = n.split('/').pop();
          return (
            <li key={n} style={{ paddingLeft: `${depth}rem` }}>
              {exists.has(n) ? (
                <Link to={wikiPath(projectKey, n)} aria-current={n === current ? 'page' : undefined}>
                  {label}
                </Link>
              ) : (
                <span className="muted">{label}</span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function Attachments({
  projectKey,
  page,
  canEdit,
}: {
  projectKey: string;
  page: string;
  canEdit: boolean | undefined;
}) {
  const list = useApi<Attachment[]>(projectApi(projectKey, 'wiki', page, 'attachments'));
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<unknown>(null);
  const upload = async (file: File) => {
    setError(null);
    try {
      await uploadFile(projectApi(projectKey, 'wiki', page, 'attachments'), file, () => undefined);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <CardSection title="Attachments">
      {error ? <ErrorAlert error={error} /> : null}
      {list.data?.length ? (
        <ul className="attachment-list">
          {list.data.map((a) => (
            <li key={a.fileName}>
              <a href={projectApi(projectKey, 'wiki', page, 'attachments', a.fileName)}>{a.fileName}</a>{' '}
              <span className="small muted">
                {formatBytes(a.size)} · {a.createdBy}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="small muted">No files attached.</p>
      )}
      {canEdit ? (
        <label className="btn small">
          Attach a file
          <input
            ref={input}
            type="file"
            className="visually-hidden"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void upload(f);
              e.target.value = '';
            }}
          />
        </label>
      ) : null}
    </CardSection>
  );
}

/** The project wiki: a tree of Markdown pages; view, edit with preview, history, attachments, discussions. */
export default function WikiPageView() {
  const { key = '', '*': splat = '' } = useParams();
  const page = splat.replace(/\/+$/, '');
  const navigate = useNavigate();
  const canEdit = useProjectRole('writer');
  const pages = useApi<WikiPageSummary[]>(projectApi(key, 'wiki'));
  const current = useApi<WikiPage>(page ? projectApi(key, 'wiki', page) : null);
  const [mode, setMode] = useState<'view' | 'edit' | 'history'>('view');
  const [draft, setDraft] = useState('');
  const [preview, setPreview] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const missing = !current.data && (current.error as { status?: number } | null)?.status === 404;

  const edit = () => {
    setDraft(current.data?.content ?? '');
    setPreview(null);
    setError(null);
    setMode('edit');
  };
  const save = async () => {
    try {
      const saved = await api.put<WikiPage>(projectApi(key, 'wiki', page), {
        content: draft,
        ...(current.data ? { revision: current.data.revision } : {}),
      });
      current.setData(saved);
      pages.reload();
      setMode('view');
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    if (
      !(await confirm.ask({
        title: `Delete wiki page ${page}?`,
        body: 'Its history stays and it can be restored from there.',
        confirm: 'Delete page',
      }))
    )
      return;
    try {
      await api.del(projectApi(key, 'wiki', page));
      pages.reload();
      void navigate(projectPath(key, 'wiki'));
    } catch (e) {
      setError(e);
    }
  };
  // Links inside the rendered page stay in the app (no full reload).
  const follow = (e: React.MouseEvent) => {
    const a = (e.target as HTMLElement).closest('a');
    const href = a?.getAttribute('href');
    if (a && href?.startsWith('/projects/')) {
      e.preventDefault();
      void navigate(href);
    }
  };

  return (
    <div className="stack">
      <PageHeader
        title={page ? `Wiki: ${page}` : 'Wiki'}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'wiki')}>Wiki</Link>
          </>
        }
        actions={
          page && canEdit && mode === 'view' ? (
            <>
              <button type="button" className="btn primary" onClick={edit}>
                {missing ? 'Create page' : 'Edit'}
              </button>
              {current.data ? (
                <button type="button" className="btn danger" onClick={() => void remove()}>
                  Delete
                </button>
              ) : null}
            </>
          ) : null
        }
      />
      {confirm.dialog}
      <div className="wiki-layout">
        <aside className="card">
          {pages.data ? <PageTree projectKey={key} pages={pages.data} current={page} /> : <Loading />}
          {canEdit ? (
            <form
              className="stack gap-0"
              onSubmit={(e) => {
                e.preventDefault();
                if (newName.trim()) void navigate(wikiPath(key, newName.trim()));
                setNewName('');
              }}
            >
              <label className="stack gap-0">
                <span className="small">New page (e.g. ops/shifts)</span>
                <input value={newName} onChange={(e) => setNewName(e.target.value)} />
              </label>
              <button type="submit" className="btn small">
                Open
              </button>
            </form>
          ) : null}
        </aside>
        <section className="stack wiki-main">
          {error ? <ErrorAlert error={error} /> : null}
          {!page ? (
            <EmptyState title="Project wiki">
              Pick a page on the left{canEdit ? ', or name a new one' : ''}. Pages link objects with [[dataset:name]],
              [[recipe:name]], [[dashboard:id]] and [[wiki:page]], other pages with [text](page name) or
              [text](../page), and show tables and images: ![alt](a file attached to the page) or an https: address.
            </EmptyState>
          ) : mode === 'edit' ? (
            <div className="stack">
              <MarkdownEditor value={draft} onChange={setDraft} label={`Markdown of ${page}`} />
              <div className="row gap-1">
                <button type="button" className="btn primary" onClick={() => void save()}>
                  Save page
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    void api
                      .post<{ html: string }>(projectApi(key, 'wiki-preview'), { content: draft, page })
                      .then((p) => setPreview(p.html), setError)
                  }
                >
                  Preview
                </button>
                <button type="button" className="btn ghost" onClick={() => setMode('view')}>
                  Cancel
                </button>
              </div>
              {preview !== null ? (
                <div className="card markdown" aria-label="Preview" dangerouslySetInnerHTML={{ __html: preview }} />
              ) : null}
            </div>
          ) : missing ? (
            <EmptyState title="No such page yet">
              {canEdit ? 'Create it with the button above.' : 'Nobody wrote it yet.'}
            </EmptyState>
          ) : !current.data ? (
            current.error ? (
              <ErrorAlert error={current.error} />
            ) : (
              <Loading />
            )
          ) : (
            <>
              <div className="row gap-1 wrap">
                <span className="small muted">
                  Revision {current.data.revision} · {current.data.updatedBy} · {formatRelative(current.data.updatedAt)}
                </span>
                <button
                  type="button"
                  className="btn small ghost"
                  onClick={() => setMode(mode === 'history' ? 'view' : 'history')}
                >
                  {mode === 'history' ? 'Hide history' : 'History'}
                </button>
              </div>
              <TagsEditor projectKey={key} kind="wiki-page" name={page} />
              {mode === 'history' ? (
                <ObjectHistory projectKey={key} kind="wiki-page" name={page} onReverted={current.reload} />
              ) : null}
              {/* Server-rendered: everything escaped, only its own tags and links (src/collab/wiki-render.ts). */}
              <div
                className="card markdown wiki-content"
                onClick={follow}
                dangerouslySetInnerHTML={{ __html: current.data.html }}
              />
              <Attachments projectKey={key} page={page} canEdit={canEdit} />
              <DiscussionsPanel projectKey={key} object={`wiki-page:${page}`} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}
