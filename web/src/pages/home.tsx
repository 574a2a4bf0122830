import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Project } from '../api/types';
import { projectPath } from '../components/layout';
import { Table } from '../components/table';
import { Async, DialogButtons, EmptyCard, EmptyState, ErrorAlert, Modal, PageHeader } from '../components/ui';
import { formatDateTime, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useUrlText } from '../lib/use-url-text';

const SORTS: { value: string; label: string; compare: (a: Project, b: Project) => number }[] = [
  { value: 'activity', label: 'Last activity', compare: (a, b) => b.updatedAt.localeCompare(a.updatedAt) },
  { value: 'name', label: 'Name', compare: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) },
  { value: 'key', label: 'Key', compare: (a, b) => a.key.localeCompare(b.key) },
  { value: 'created', label: 'Newest', compare: (a, b) => b.createdAt.localeCompare(a.createdAt) },
];

export function HomePage() {
  const projects = useApi<Project[]>('/api/projects');
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useUrlText('q');
  const tag = params.get('tag');
  const sort = SORTS.some((s) => s.value === params.get('sort')) ? params.get('sort')! : 'activity';
  const [creating, setCreating] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  // "/" jumps to the search box, as in most list pages on the web.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const allTags = useMemo(() => [...new Set((projects.data ?? []).flatMap((p) => p.tags))].sort(), [projects.data]);
  const visible = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (projects.data ?? [])
      .filter((p) => !tag || p.tags.includes(tag))
      .filter((p) => !needle || [p.key, p.name, p.description, ...p.tags].some((s) => s.toLowerCase().includes(needle)))
      .sort(SORTS.find((s) => s.value === sort)!.compare);
  }, [projects.data, q, tag, sort]);
  const filtered = Boolean(q.trim() || tag);
  const clear = () => {
    const next = new URLSearchParams(params);
    next.delete('q');
    next.delete('tag');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Projects"
        subtitle="The projects you may see, most recently active first"
        actions={
          <button type="button" className="btn primary" onClick={() => setCreating(true)}>
            New project
          </button>
        }
      />
      <div className="filter-bar">
        <input ref={search} type="search" aria-label="Search projects" aria-keyshortcuts="/" placeholder="Search by name, key, description or tag  ( / )" value={q} onChange={(e) => setQ(e.target.value)} className="input-l" />
        <select aria-label="Sort projects" value={sort} onChange={(e) => setParam('sort', e.target.value === 'activity' ? null : e.target.value)}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        {projects.data ? (
          <span className="small muted" role="status">
            {filtered ? `${visible.length} of ${projects.data.length} projects` : `${projects.data.length} project${projects.data.length === 1 ? '' : 's'}`}
          </span>
        ) : null}
        {filtered ? (
          <button type="button" className="btn small ghost" onClick={clear}>
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="filter-bar">
        {allTags.length ? (
          <div className="row gap-1" role="group" aria-label="Filter by tag">
            <span className="small muted">Tags</span>
            {allTags.map((t) => (
              <button key={t} type="button" className="tag" aria-pressed={tag === t} onClick={() => setParam('tag', tag === t ? null : t)}>
                {t}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <Async state={projects} label="Loading projects…">
        {(all) =>
          all.length === 0 ? (
            <EmptyCard
              title="No projects yet"
              actions={
                <button type="button" className="btn primary" onClick={() => setCreating(true)}>
                  Create your first project
                </button>
              }
            >
              A project holds datasets, recipes, scenarios and dashboards, with its own members.
            </EmptyCard>
          ) : (
            <Table
              card
              label="Projects"
              rows={visible}
              rowKey={(p) => p.key}
              empty={
                <EmptyState
                  title="No project matches"
                  actions={
                    <button type="button" className="btn" onClick={clear}>
                      Clear filters
                    </button>
                  }
                >
                  Nothing matches {q.trim() ? <>“{q.trim()}”</> : null}
                  {q.trim() && tag ? ' with ' : null}
                  {tag ? <>the tag {tag}</> : null}.
                </EmptyState>
              }
              columns={[
                {
                  header: 'Project',
                  cell: (p) => (
                    <>
                      <Link to={projectPath(p.key)}>
                        <strong>{p.name}</strong>
                      </Link>
                      <div className="muted small mono">{p.key}</div>
                    </>
                  ),
                },
                { header: 'Description', className: 'muted cell-text', cell: (p) => p.description || '—' },
                {
                  header: 'Tags',
                  cell: (p) =>
                    [...new Set(p.tags)].map((t) => (
                      <button key={t} type="button" className="tag" aria-pressed={tag === t} title={`Only projects tagged ${t}`} onClick={() => setParam('tag', tag === t ? null : t)}>
                        {t}
                      </button>
                    )),
                },
                { header: 'Your role', cell: (p) => p.role ?? '—' },
                { header: 'Last activity', title: (p) => formatDateTime(p.updatedAt), cell: (p) => formatRelative(p.updatedAt) },
              ]}
            />
          )
        }
      </Async>
      <NewProjectDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function NewProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await api.post<Project>('/api/projects', {
        key: key.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      });
      onClose();
      navigate(projectPath(p.key));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title="New project" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <ErrorAlert error={error} />
        <label className="field">
          Key <span className="hint">Upper-case letters, digits and underscores, e.g. RECEIVER_QA</span>
          <input name="key" required autoFocus value={key} onChange={(e) => setKey(e.target.value.toUpperCase())} />
        </label>
        <label className="field">
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          Description
          <textarea name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          Tags <span className="hint">Comma-separated</span>
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <DialogButtons onCancel={onClose} submit={busy ? 'Creating…' : 'Create project'} disabled={busy} />
      </form>
    </Modal>
  );
}
