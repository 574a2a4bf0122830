import { useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Project } from '../api/types';
import { Async, EmptyCard, PageHeader } from '../components/ui';
import { ActionButton } from '../components/can';
import { useCanCreateProjects } from '../lib/use-can';
import { useApi } from '../lib/use-api';
import { useSlashToFocus } from '../lib/use-slash-to-focus';
import { useUrlText } from '../lib/use-url-text';
import { NewProjectDialog } from './home/new-project-dialog';
import { ImportProjectButton } from './project-transfer';
import { NoMatch, ProjectsTable } from './home/projects-table';
import { SharedWithMe } from './home/shared-with-me';

const SORTS: { value: string; label: string; compare: (a: Project, b: Project) => number }[] = [
  { value: 'activity', label: 'Last activity', compare: (a, b) => b.updatedAt.localeCompare(a.updatedAt) },
  {
    value: 'name',
    label: 'Name',
    compare: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }),
  },
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
  const canCreate = useCanCreateProjects();
  const search = useRef<HTMLInputElement>(null);
  useSlashToFocus(search);

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
          <>
            <ImportProjectButton />
            <ActionButton can={canCreate} className="btn primary" onClick={() => setCreating(true)}>
              New project
            </ActionButton>
          </>
        }
      />
      <div className="filter-bar">
        <input
          ref={search}
          type="search"
          aria-label="Search projects"
          aria-keyshortcuts="/"
          placeholder="Search by name, key, description or tag  ( / )"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="input-l"
        />
        <Link className="btn small" to={`/search?q=${encodeURIComponent(q)}`}>
          Search datasets, recipes, wiki…
        </Link>
        <select
          aria-label="Sort projects"
          value={sort}
          onChange={(e) => setParam('sort', e.target.value === 'activity' ? null : e.target.value)}
        >
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        {projects.data ? (
          <span className="small muted" role="status">
            {filtered
              ? `${visible.length} of ${projects.data.length} projects`
              : `${projects.data.length} project${projects.data.length === 1 ? '' : 's'}`}
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
              <button
                key={t}
                type="button"
                className="tag"
                aria-pressed={tag === t}
                onClick={() => setParam('tag', tag === t ? null : t)}
              >
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
                <ActionButton can={canCreate} className="btn primary" onClick={() => setCreating(true)}>
                  Create your first project
                </ActionButton>
              }
            >
              A project holds datasets, recipes, scenarios and dashboards, with its own members.
            </EmptyCard>
          ) : (
            <ProjectsTable
              projects={visible}
              tag={tag}
              onTag={(t) => setParam('tag', tag === t ? null : t)}
              empty={<NoMatch q={q.trim()} tag={tag} onClear={clear} />}
            />
          )
        }
      </Async>
      <SharedWithMe />
      <NewProjectDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
