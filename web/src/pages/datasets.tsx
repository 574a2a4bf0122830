import { useMemo } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset, FlowGraph } from '../api/types';
import { projectPath } from '../components/layout';
import { UploadDialog } from '../components/upload-dialog';
import { Async, EmptyCard, ListTable, PageHeader, StatusBadge } from '../components/ui';
import { formatCount, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useUrlText } from '../lib/use-url-text';

export default function DatasetsPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const flow = useApi<FlowGraph>(projectApi(key, 'flow'));
  const [q, setQ] = useUrlText('q');
  const uploading = params.get('upload') === '1';
  const setUploading = (v: boolean) => {
    const next = new URLSearchParams(params);
    if (v) next.set('upload', '1');
    else next.delete('upload');
    setParams(next, { replace: true });
  };
  const states = useMemo(() => new Map((flow.data?.nodes ?? []).filter((n) => n.kind === 'dataset').map((n) => [n.name, n.state])), [flow.data]);

  return (
    <>
      <PageHeader
        title="Datasets"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        actions={
          <button type="button" className="btn primary" onClick={() => setUploading(true)}>
            Upload a file
          </button>
        }
      />
      <Async state={datasets} label="Loading datasets…">
        {(all) => {
          const needle = q.toLowerCase();
          const shown = all.filter((d) => !needle || d.name.toLowerCase().includes(needle) || (d.description ?? '').toLowerCase().includes(needle));
          return all.length === 0 ? (
            <EmptyCard
                title="No datasets in this project"
                actions={
                  <button type="button" className="btn primary" onClick={() => setUploading(true)}>
                    Upload a file
                  </button>
                }
              >
                Upload a CSV, TSV, Parquet or JSON-lines file, or create one with a recipe.
              </EmptyCard>
          ) : (
            <>
              <div className="filter-bar">
                <input type="search" aria-label="Search datasets" placeholder="Search datasets" value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 280 }} />
                <span className="muted small">{shown.length === all.length ? `${all.length} datasets` : `${shown.length} of ${all.length}`}</span>
              </div>
              <ListTable headers={['Name', 'State', 'Storage', 'Rows#', 'Columns#', 'Written by', 'Updated']}>
                    {shown.map((d) => (
                      <tr key={d.name}>
                        <td>
                          <Link to={projectPath(key, 'datasets', d.name)}>
                            <strong>{d.name}</strong>
                          </Link>
                          {d.description ? <div className="muted small">{d.description}</div> : null}
                        </td>
                        <td>{states.get(d.name) ? <StatusBadge status={states.get(d.name)} /> : <span className="muted">—</span>}</td>
                        <td className="muted">{d.storage.type}</td>
                        <td className="num">{formatCount(d.rowCount)}</td>
                        <td className="num">{d.columns ? d.columns.length : '—'}</td>
                        <td>{d.producedBy ? <Link to={projectPath(key, 'recipes', d.producedBy)}>{d.producedBy}</Link> : <span className="muted">upload</span>}</td>
                        <td className="muted small">{formatRelative(d.currentVersion?.createdAt ?? d.updatedAt)}</td>
                      </tr>
                    ))}
              </ListTable>
            </>
          );
        }}
      </Async>
      <UploadDialog
        projectKey={key}
        open={uploading}
        onClose={() => setUploading(false)}
        onDone={(d) => {
          setUploading(false);
          navigate(projectPath(key, 'datasets', d.name));
        }}
      />
    </>
  );
}
