import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Project } from '../../api/types';
import { projectPath } from '../../components/layout';
import { Table } from '../../components/table';
import { EmptyState } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../lib/format';

/** The projects with their tags; a click on a tag filters by it (`tag` is the one filtered by). */
export function ProjectsTable({
  projects,
  tag,
  onTag,
  empty,
}: {
  projects: Project[];
  tag: string | null;
  onTag: (tag: string) => void;
  empty: ReactNode;
}) {
  return (
    <Table
      card
      label="Projects"
      rows={projects}
      rowKey={(p) => p.key}
      empty={empty}
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
              <button
                key={t}
                type="button"
                className="tag"
                aria-pressed={tag === t}
                title={`Only projects tagged ${t}`}
                onClick={() => onTag(t)}
              >
                {t}
              </button>
            )),
        },
        { header: 'Your role', cell: (p) => p.role ?? '—' },
        {
          header: 'Last activity',
          title: (p) => formatDateTime(p.updatedAt),
          cell: (p) => formatRelative(p.updatedAt),
        },
      ]}
    />
  );
}

/** What the filters left out, with a way to clear them. */
export function NoMatch({ q, tag, onClear }: { q: string; tag: string | null; onClear: () => void }) {
  return (
    <EmptyState
      title="No project matches"
      actions={
        <button type="button" className="btn" onClick={onClear}>
          Clear filters
        </button>
      }
    >
      Nothing matches {q ? <>“{q}”</> : null}
      {q && tag ? ' with ' : null}
      {tag ? <>the tag {tag}</> : null}.
    </EmptyState>
  );
}
