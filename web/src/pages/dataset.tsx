import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset, ListedVersion } from '../api/types';
import { DataGrid } from '../components/data-grid';
import { DownloadMenu } from '../components/download-menu';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { UploadDialog } from '../components/upload-dialog';
import { Async, EmptyState, ErrorAlert, isPermanent, LinkTabs, Loading, PageHeader, StatusBadge } from '../components/ui';
import { formatCount, formatDateTime, formatRelative } from '../lib/format';
import { FILTER_OP_LABELS, FILTER_OPS, filterParam, opNeedsValue, parseFilterParam, parseSortParam, sortParam, type Filter, type FilterOp } from '../lib/table-query';
import { useApi } from '../lib/use-api';

// Charts (ECharts) load only with the tabs that draw them, so the rows come first.
const StatsTab = lazy(() => import('../components/dataset-stats'));
const QualityPanel = lazy(() => import('../components/quality-panel'));

const TABS = ['data', 'schema', 'stats', 'versions', 'quality', 'history'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = { data: 'Data', schema: 'Schema', stats: 'Statistics', versions: 'Versions', quality: 'Metrics & checks', history: 'History' };

export default function DatasetPage() {
  const { key = '', name = '', tab: rawTab } = useParams();
  const tab = (TABS as readonly string[]).includes(rawTab ?? 'data') ? ((rawTab ?? 'data') as Tab) : 'data';
  const dataset = useApi<Dataset>(projectApi(key, 'datasets', name));
  const [uploading, setUploading] = useState(false);
  const base = projectPath(key, 'datasets', name);
  const d = dataset.data;

  if (dataset.error && !d && isPermanent(dataset.error)) {
    return (
      <>
        <PageHeader title={name} breadcrumbs={<><Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'datasets')}>Datasets</Link></>} />
        <ErrorAlert error={dataset.error} back={{ to: projectPath(key, 'datasets'), label: 'All datasets' }} />
      </>
    );
  }

  return (
    <div className="stack" style={{ height: tab === 'data' ? '100%' : undefined, gap: 0 }}>
      <PageHeader
        title={name}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'datasets')}>Datasets</Link>
          </>
        }
        subtitle={
          d ? (
            <>
              {formatCount(d.rowCount)} rows · {d.columns?.length ?? 0} columns · {d.storage.type}
              {d.producedBy ? (
                <>
                  {' '}
                  · written by <Link to={projectPath(key, 'recipes', d.producedBy)}>{d.producedBy}</Link>
                </>
              ) : null}
              {d.currentVersion ? <> · version {d.currentVersion.seq} from {formatRelative(d.currentVersion.createdAt)}</> : <> · no data yet</>}
            </>
          ) : null
        }
        actions={
          <>
            <DownloadMenu href={projectApi(key, 'datasets', name, 'data')} />
            {d && d.storage.type === 'managed' && !d.producedBy ? (
              <button type="button" className="btn" onClick={() => setUploading(true)}>
                Upload new version
              </button>
            ) : null}
            <Link className="btn primary" to={projectPath(key, 'recipes', 'new') + `?input=${encodeURIComponent(name)}`}>
              New SQL recipe
            </Link>
          </>
        }
      />
      <LinkTabs label="Dataset sections" tabs={TABS.map((t) => ({ to: t === 'data' ? base : `${base}/${t}`, label: TAB_LABELS[t] }))} />
      {dataset.error ? <ErrorAlert error={dataset.error} onRetry={dataset.reload} /> : null}
      {tab === 'data' ? <DataTab projectKey={key} name={name} dataset={d} /> : null}
      {tab === 'schema' ? d ? <SchemaTab dataset={d} /> : <Loading /> : null}
      {tab === 'stats' ? (
        <Suspense fallback={<Loading />}>
          <StatsTab projectKey={key} name={name} />
        </Suspense>
      ) : null}
      {tab === 'versions' ? <VersionsTab projectKey={key} name={name} /> : null}
      {tab === 'quality' ? (
        <Suspense fallback={<Loading />}>
          <QualityPanel projectKey={key} dataset={name} columns={d?.columns ?? []} />
        </Suspense>
      ) : null}
      {tab === 'history' ? <ObjectHistory projectKey={key} kind="dataset" name={name} onReverted={dataset.reload} /> : null}
      <UploadDialog
        projectKey={key}
        fixedName={name}
        open={uploading}
        onClose={() => setUploading(false)}
        onDone={() => {
          setUploading(false);
          dataset.reload();
          window.location.reload();
        }}
      />
    </div>
  );
}

/** Rows with sort and filters kept in the URL (`?sort=-a,b&filter=a:gt:3`). */
function DataTab({ projectKey, name, dataset }: { projectKey: string; name: string; dataset: Dataset | undefined }) {
  const [params, setParams] = useSearchParams();
  const sort = useMemo(() => parseSortParam(params.get('sort')), [params]);
  const filterTexts = params.getAll('filter');
  const filters = useMemo(() => filterTexts.map(parseFilterParam).filter((f): f is Filter => f !== null), [filterTexts.join('\n')]); // eslint-disable-line react-hooks/exhaustive-deps
  const [loadInfo, setLoadInfo] = useState<{ total: number; ms: number } | null>(null);

  const update = (nextSort = sort, nextFilters = filters) => {
    const p = new URLSearchParams();
    if (nextSort.length) p.set('sort', sortParam(nextSort));
    nextFilters.forEach((f) => p.append('filter', filterParam(f)));
    setParams(p, { replace: true });
  };

  if (dataset && !dataset.currentVersion && dataset.storage.type === 'managed') {
    return (
      <div className="card">
        <EmptyState title="No data yet">{dataset.producedBy ? 'Build this dataset from the flow to compute its rows.' : 'Upload a file to give this dataset its first version.'}</EmptyState>
      </div>
    );
  }
  return (
    <div className="stack" style={{ flex: 1, minHeight: 420, gap: 8 }}>
      <FilterBar columns={dataset?.columns?.map((c) => c.name) ?? []} filters={filters} onChange={(f) => update(sort, f)} />
      {loadInfo ? (
        <div className="small muted" aria-live="polite">
          {filters.length ? `${formatCount(loadInfo.total)} rows match` : `${formatCount(loadInfo.total)} rows`} · first page in {loadInfo.ms} ms
        </div>
      ) : null}
      <div style={{ flex: 1, minHeight: 360, display: 'flex', height: 'calc(100vh - 300px)' }}>
        <DataGrid dataUrl={projectApi(projectKey, 'datasets', name, 'data')} sort={sort} filters={filters} onSortChange={(s) => update(s, filters)} onLoaded={setLoadInfo} />
      </div>
    </div>
  );
}

function FilterBar({ columns, filters, onChange }: { columns: string[]; filters: Filter[]; onChange: (f: Filter[]) => void }) {
  const [column, setColumn] = useState('');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    const col = column || columns[0];
    if (!col) return;
    onChange([...filters, opNeedsValue(op) ? { column: col, op, value } : { column: col, op }]);
    setValue('');
  };
  return (
    <form className="filter-bar" onSubmit={add} aria-label="Filter rows">
      <select aria-label="Filter column" value={column || columns[0] || ''} onChange={(e) => setColumn(e.target.value)}>
        {columns.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <select aria-label="Filter operator" value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
        {FILTER_OPS.map((o) => (
          <option key={o} value={o}>
            {FILTER_OP_LABELS[o]}
          </option>
        ))}
      </select>
      {opNeedsValue(op) ? <input aria-label="Filter value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} style={{ width: 180 }} /> : null}
      <button type="submit" className="btn">
        Add filter
      </button>
      {filters.map((f, i) => (
        <span key={i} className="chip">
          {f.column} {FILTER_OP_LABELS[f.op]} {f.value ?? ''}
          <button type="button" aria-label={`Remove filter on ${f.column}`} onClick={() => onChange(filters.filter((_, j) => j !== i))}>
            ×
          </button>
        </span>
      ))}
      {filters.length > 1 ? (
        <button type="button" className="btn ghost small" onClick={() => onChange([])}>
          Clear all
        </button>
      ) : null}
    </form>
  );
}

function SchemaTab({ dataset }: { dataset: Dataset }) {
  if (!dataset.columns?.length) return <EmptyState title="No schema yet">The schema is known once the dataset has data.</EmptyState>;
  return (
    <div className="card">
      <table className="table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Column</th>
            <th>Type</th>
            <th>Nullable</th>
          </tr>
        </thead>
        <tbody>
          {dataset.columns.map((c, i) => (
            <tr key={c.name}>
              <td className="num muted">{i + 1}</td>
              <td>
                <strong>{c.name}</strong>
              </td>
              <td className="mono">{c.type}</td>
              <td>{c.nullable === false ? 'no' : 'yes'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VersionsTab({ projectKey, name }: { projectKey: string; name: string }) {
  const versions = useApi<ListedVersion[]>(projectApi(projectKey, 'datasets', name, 'versions'));
  const navigate = useNavigate();
  return (
    <Async state={versions} label="Loading versions…">
      {(vs) =>
        vs.length === 0 ? (
          <EmptyState title="No versions">Versions appear when the dataset is uploaded or built.</EmptyState>
        ) : (
          <div className="card">
            <table className="table">
              <thead>
                <tr>
                  <th className="num">Version</th>
                  <th>Status</th>
                  <th className="num">Rows</th>
                  <th>Columns</th>
                  <th>Source</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {vs.map((v) => (
                  <tr key={v.id}>
                    <td className="num">
                      {v.seq} {v.current ? <span className="badge ok plain">current</span> : null}
                    </td>
                    <td>
                      <StatusBadge status={v.status} />
                    </td>
                    <td className="num">{formatCount(v.rowCount)}</td>
                    <td className="small">{v.columns ? v.columns.length : '—'}</td>
                    <td className="small">
                      {v.lineage?.recipe ? (
                        <>
                          recipe <Link to={projectPath(projectKey, 'recipes', v.lineage.recipe)}>{v.lineage.recipe}</Link>
                        </>
                      ) : v.lineage?.fileName ? (
                        <>upload of {v.lineage.fileName}</>
                      ) : (
                        v.lineage?.source ?? '—'
                      )}
                      {v.jobId ? (
                        <>
                          {' '}
                          ·{' '}
                          <button type="button" className="btn ghost small" onClick={() => navigate(projectPath(projectKey, 'jobs', v.jobId!))}>
                            job
                          </button>
                        </>
                      ) : null}
                    </td>
                    <td className="small" title={formatDateTime(v.createdAt)}>
                      {formatRelative(v.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Async>
  );
}
