import { Link, useNavigate } from 'react-router-dom';
import { projectApi } from '../../api/client';
import type { ListedVersion } from '../../api/types';
import { projectPath } from '../../components/layout';
import { LoadedTable } from '../../components/loaded-table';
import { EmptyState, StatusBadge } from '../../components/ui';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format';
import { useApi } from '../../lib/use-api';

/** Every version of the dataset, with where its rows came from (a recipe's job, an upload). */
export function VersionsTab({ projectKey, name }: { projectKey: string; name: string }) {
  const versions = useApi<ListedVersion[]>(projectApi(projectKey, 'datasets', name, 'versions'));
  const navigate = useNavigate();
  return (
    <LoadedTable
      state={versions}
      loading="Loading versions…"
      rowKey={(v) => v.id}
      empty={<EmptyState title="No versions">Versions appear when the dataset is uploaded or built.</EmptyState>}
      columns={[
        {
          header: 'Version',
          numeric: true,
          cell: (v) => (
            <>
              {v.seq} {v.current ? <span className="badge ok plain">current</span> : null}
            </>
          ),
        },
        { header: 'Status', cell: (v) => <StatusBadge status={v.status} /> },
        { header: 'Rows', numeric: true, cell: (v) => formatCount(v.rowCount) },
        { header: 'Columns', className: 'small', cell: (v) => (v.columns ? v.columns.length : '—') },
        {
          header: 'Source',
          className: 'small',
          cell: (v) => (
            <>
              {v.lineage?.recipe ? (
                <>
                  recipe <Link to={projectPath(projectKey, 'recipes', v.lineage.recipe)}>{v.lineage.recipe}</Link>
                </>
              ) : v.lineage?.fileName ? (
                <>upload of {v.lineage.fileName}</>
              ) : (
                (v.lineage?.source ?? '—')
              )}
              {v.jobId ? (
                <>
                  {' '}
                  ·{' '}
                  <button
                    type="button"
                    className="btn ghost small"
                    onClick={() => void navigate(projectPath(projectKey, 'jobs', v.jobId!))}
                  >
                    job
                  </button>
                </>
              ) : null}
            </>
          ),
        },
        {
          header: 'Created',
          className: 'small',
          title: (v) => formatDateTime(v.createdAt),
          cell: (v) => formatRelative(v.createdAt),
        },
      ]}
    />
  );
}
