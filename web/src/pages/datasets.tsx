import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset, FlowGraph } from '../api/types';
import { ConnectionDatasetDialog } from '../components/connection-dataset-dialog';
import { projectPath } from '../components/layout';
import { UploadDialog } from '../components/upload-dialog';
import { Table } from '../components/table';
import { Async, EmptyCard, PageHeader, StatusBadge } from '../components/ui';
import { formatCount, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { useUrlText } from '../lib/use-url-text';

export default function DatasetsPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const flow = useApi<FlowGraph>(projectApi(key, 'flow'));
  const [q, setQ] = useUrlText('q');
  const canWrite = useProjectRole('writer');
  const [fromConnection, setFromConnection] = useState(false);
  const uploading = params.get('upload') === '1';
  const setUploading = (v: boolean) => {
    const next = new URLSearchParams(params);
    if (v) next.set('upload', '1');
    else next.delete('upload');
    setParams(next, { replace: true });
  };
  const states = useMemo(
    () => new Map((flow.data?.nodes ?? []).filter((n) => n.kind === 'dataset').map((n) => [n.name, n.state])),
    [flow.data],
  );

  return (
    <>
      <PageHeader
        title="Datasets"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        actions={
          canWrite ? (
            <div className="row">
              <button type="button" className="btn" onClick={() => setFromConnection(true)}>
                From a connection
              </button>
              <button type="button" className="btn primary" onClick={() => setUploading(true)}>
                Upload a file
              </button>
            </div>
          ) : null
        }
      />
      {fromConnection ? (
        <ConnectionDatasetDialog
          projectKey={key}
          onClose={() => setFromConnection(false)}
          onDone={(d) => void navigate(projectPath(key, 'datasets', d.name))}
        />
      ) : null}
      <Async state={datasets} label="Loading datasets…">
        {(all) => {
          const needle = q.toLowerCase();
          const shown = all.filter(
            (d) =>
              !needle || d.name.toLowerCase().includes(needle) || (d.description ?? '').toLowerCase().includes(needle),
          );
          return all.length === 0 ? (
            <EmptyCard
              title="No datasets in this project"
              actions={
                canWrite ? (
                  <button type="button" className="btn primary" onClick={() => setUploading(true)}>
                    Upload a file
                  </button>
                ) : null
              }
            >
              Upload a CSV, TSV, Parquet or JSON-lines file, or create one with a recipe.
            </EmptyCard>
          ) : (
            <>
              <div className="filter-bar">
                <input
                  type="search"
                  className="input-m"
                  aria-label="Search datasets"
                  placeholder="Search datasets"
                  value={q}
                  onChange={(e) => setQ(e.target.value)}
                />
                <span className="muted small">
                  {shown.length === all.length ? `${all.length} datasets` : `${shown.length} of ${all.length}`}
                </span>
              </div>
              <Table
                card
                rows={shown}
                rowKey={(d) => d.name}
                columns={[
                  {
                    header: 'Name',
                    sortValue: (d) => d.name,
                    cell: (d) => (
                      <>
                        <Link to={projectPath(key, 'datasets', d.name)}>
                          <strong>{d.name}</strong>
                        </Link>
                        {d.description ? <div className="muted small">{d.description}</div> : null}
                      </>
                    ),
                  },
                  {
                    header: 'State',
                    cell: (d) =>
                      states.get(d.name) ? (
                        <StatusBadge status={states.get(d.name)} />
                      ) : (
                        <span className="muted">—</span>
                      ),
                  },
                  { header: 'Storage', className: 'muted', cell: (d) => d.storage.type },
                  { header: 'Rows', numeric: true, sortValue: (d) => d.rowCount, cell: (d) => formatCount(d.rowCount) },
                  { header: 'Columns', numeric: true, cell: (d) => (d.columns ? d.columns.length : '—') },
                  {
                    header: 'Written by',
                    cell: (d) =>
                      d.producedBy ? (
                        <Link to={projectPath(key, 'recipes', d.producedBy)}>{d.producedBy}</Link>
                      ) : (
                        <span className="muted">upload</span>
                      ),
                  },
                  {
                    header: 'Updated',
                    className: 'muted small',
                    sortValue: (d) => d.currentVersion?.createdAt ?? d.updatedAt,
                    cell: (d) => formatRelative(d.currentVersion?.createdAt ?? d.updatedAt),
                  },
                ]}
              />
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
          void navigate(projectPath(key, 'datasets', d.name));
        }}
      />
    </>
  );
}
