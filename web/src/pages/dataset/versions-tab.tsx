import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, projectApi } from '../../api/client';
import type { ListedVersion, Recipe } from '../../api/types';
import { ActionButton } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { projectPath } from '../../components/layout';
import { LoadedTable } from '../../components/loaded-table';
import { EmptyState, ErrorAlert, Notice, StatusBadge } from '../../components/ui';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';
import { VersionPreview } from './version-preview';
import { restoreQuestion } from './restore-question';

/** Every version of the dataset, with where its rows came from (a recipe's job, an upload). */
export function VersionsTab({ projectKey, name }: { projectKey: string; name: string }) {
  const versions = useApi<ListedVersion[]>(projectApi(projectKey, 'datasets', name, 'versions'));
  const navigate = useNavigate();
  const canWrite = useCan('write');
  const confirm = useConfirm();
  const [previewed, setPreviewed] = useState<ListedVersion | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Only a ready version keeps its data (older ones expire): the others can be neither shown nor restored.
  const kept = (v: ListedVersion) => v.status === 'ready';
  const current = versions.data?.find((v) => v.current) ?? null;

  const restore = async (v: ListedVersion) => {
    setError(null);
    setNotice(null);
    try {
      const recipes = await api.get<Recipe[]>(projectApi(projectKey, 'recipes'));
      if (!(await confirm.ask(restoreQuestion(name, v, current, recipes)))) return;
      const d = await api.post<{ currentVersion: { seq: number } | null }>(
        projectApi(projectKey, 'datasets', name, 'versions', v.id, 'restore'),
      );
      setNotice(`Restored version ${v.seq} as version ${d.currentVersion?.seq ?? ''}.`);
      setPreviewed(null);
      versions.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="stack">
      {confirm.dialog}
      <Notice text={notice} />
      <ErrorAlert error={error} title="Could not restore the version" />
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
                {v.lineage?.source === 'restore' ? (
                  <>restore of version {v.lineage.restoredFrom}</>
                ) : v.lineage?.recipe ? (
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
          {
            header: 'Actions',
            cell: (v) =>
              kept(v) ? (
                <span className="row">
                  <button
                    type="button"
                    className="btn small"
                    aria-label={`Preview version ${v.seq}`}
                    aria-pressed={previewed?.id === v.id}
                    onClick={() => setPreviewed(previewed?.id === v.id ? null : v)}
                  >
                    Preview
                  </button>
                  {v.current ? null : (
                    <ActionButton
                      can={canWrite}
                      className="btn small"
                      aria-label={`Restore version ${v.seq}`}
                      onClick={() => void restore(v)}
                    >
                      Restore
                    </ActionButton>
                  )}
                </span>
              ) : (
                <span className="small muted">data not kept</span>
              ),
          },
        ]}
      />
      {previewed ? (
        <VersionPreview projectKey={projectKey} name={name} version={previewed} onClose={() => setPreviewed(null)} />
      ) : null}
    </div>
  );
}
