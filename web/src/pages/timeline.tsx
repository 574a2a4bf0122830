import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { TimelineItem, TimelinePage } from '../../../src/audit/timeline-types.js';
import { projectPath } from '../components/layout';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

const SOURCES = [
  { value: '', label: 'Everything' },
  { value: 'revision', label: 'Object changes' },
  { value: 'audit', label: 'Other changes and downloads' },
  { value: 'job', label: 'Builds' },
  { value: 'run', label: 'Scenario runs' },
];

/** What happened in a project, newest first, a page at a time (project readers). */
export default function TimelinePage() {
  const { key = '' } = useParams();
  const first = useApi<TimelinePage>(projectApi(key, 'timeline'), { limit: 50 });
  // Older pages, fetched on demand after the first.
  const [older, setOlder] = useState<{ key: string; items: TimelineItem[]; next: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [source, setSource] = useState('');
  const mine = older?.key === key ? older : null;
  const items = [...(first.data?.items ?? []), ...(mine?.items ?? [])];
  const next = mine ? mine.next : (first.data?.nextBefore ?? null);
  const loading = first.loading || loadingOlder;

  const loadOlder = async (before: string) => {
    setLoadingOlder(true);
    setError(null);
    try {
      const page = await api.get<TimelinePage>(
        `${projectApi(key, 'timeline')}?limit=50&before=${encodeURIComponent(before)}`,
      );
      setOlder({ key, items: [...(mine?.items ?? []), ...page.items], next: page.nextBefore });
    } catch (e) {
      setError(e);
    } finally {
      setLoadingOlder(false);
    }
  };
  const shown = source ? items.filter((i) => i.source === source) : items;
  return (
    <>
      <PageHeader
        title="Timeline"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Changes, downloads, builds and scenario runs of this project, newest first"
      />
      <div className="filter-bar">
        <label>
          Show{' '}
          <select value={source} onChange={(e) => setSource(e.target.value)}>
            {SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorAlert error={error ?? first.error} title="Could not load the timeline" />
      {shown.length === 0 && !loading ? (
        <EmptyState title="Nothing yet">Changes to this project appear here.</EmptyState>
      ) : (
        <ol className="card timeline" aria-label="Timeline">
          {shown.map((i, n) => (
            <li key={`${i.at}-${n}`}>
              <time dateTime={i.at} className="small muted">
                {new Date(i.at).toLocaleString()}
              </time>{' '}
              {i.source === 'job' && i.ref ? (
                <Link to={projectPath(key, 'jobs', i.ref)}>{i.text}</Link>
              ) : i.object && i.source === 'revision' ? (
                <Link to={projectPath(key, 'history', i.object.kind, i.object.name)}>{i.text}</Link>
              ) : (
                i.text
              )}
            </li>
          ))}
        </ol>
      )}
      {loading ? <Loading label="Loading the timeline…" /> : null}
      {next && !loading ? (
        <button type="button" className="btn" onClick={() => void loadOlder(next)}>
          Older
        </button>
      ) : null}
    </>
  );
}
