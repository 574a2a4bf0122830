import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AuditEntry, AuditPage } from '../../../src/catalog/audit-types.js';
import { Table } from '../components/table';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

const FIELDS = [
  { name: 'user', label: 'User' },
  { name: 'project', label: 'Project' },
  { name: 'action', label: 'Action (e.g. recipe.update, or dataset.)' },
  { name: 'from', label: 'From (date)', type: 'date' },
  { name: 'to', label: 'To (date, exclusive)', type: 'date' },
] as const;

type Filters = Record<(typeof FIELDS)[number]['name'], string>;

/** The audit log: global admins see all of it, project admins their projects (the API decides). */
export default function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ user: '', project: '', action: '', from: '', to: '' });
  const [applied, setApplied] = useState<Filters>(filters);
  const query = new URLSearchParams({ limit: '100' });
  for (const [k, v] of Object.entries(applied)) if (v) query.set(k, v);
  const first = useApi<AuditPage>(`/api/audit?${query.toString()}`);
  // Older pages, fetched on demand, for the filters they were asked with.
  const [older, setOlder] = useState<{ filters: Filters; entries: AuditEntry[]; next: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mine = older?.filters === applied ? older : null;
  const entries = first.data ? [...first.data.entries, ...(mine?.entries ?? [])] : null;
  const cursor = mine ? mine.next : (first.data?.nextCursor ?? null);
  const loading = first.loading || loadingOlder;

  const loadOlder = async (from: string) => {
    setLoadingOlder(true);
    setError(null);
    try {
      const q = new URLSearchParams(query);
      q.set('cursor', from);
      const page = await api.get<AuditPage>(`/api/audit?${q.toString()}`);
      setOlder({ filters: applied, entries: [...(mine?.entries ?? []), ...page.entries], next: page.nextCursor });
    } catch (e) {
      setError(e);
    } finally {
      setLoadingOlder(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...filters });
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change and data access: who, what, when, from where. Global admins see all; project admins their projects"
      />
      <form className="filter-bar" onSubmit={submit} aria-label="Audit filters">
        {FIELDS.map((f) => (
          <label key={f.name}>
            {f.label}{' '}
            <input
              type={'type' in f ? f.type : 'text'}
              value={filters[f.name]}
              onChange={(e) => setFilters({ ...filters, [f.name]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit" className="btn primary">
          Show
        </button>
      </form>
      <ErrorAlert error={error ?? first.error} title="Could not read the audit log" />
      {entries === null ? (
        loading ? (
          <Loading label="Loading the audit log…" />
        ) : (
          <EmptyState title="No audit log to show">Global admins and project admins read the audit log.</EmptyState>
        )
      ) : (
        <Table
          card
          rows={entries}
          rowKey={(e) => String(e.id)}
          empty="No entries match"
          columns={[
            { header: 'When', cell: (e) => new Date(e.at).toLocaleString() },
            { header: 'Who', cell: (e) => e.actor ?? '—' },
            { header: 'Via', cell: (e) => e.via },
            { header: 'Action', cell: (e) => e.action },
            { header: 'Project', cell: (e) => e.project ?? '' },
            { header: 'Object', cell: (e) => (e.objectName ? `${e.objectKind ?? ''} ${e.objectName}` : '') },
            { header: 'From', cell: (e) => e.ip ?? '' },
          ]}
        />
      )}
      {cursor && !loading ? (
        <button type="button" className="btn" onClick={() => void loadOlder(cursor)}>
          Older
        </button>
      ) : null}
    </>
  );
}
