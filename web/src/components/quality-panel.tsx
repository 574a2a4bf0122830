import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { ColumnSchema, MetricsRecord, QualitySettings } from '../api/types';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { ChecksCard } from './quality/checks-card';
import { MetricsCard } from './quality/metrics-card';
import { SettingsEditor } from './quality/settings-editor';
import { ErrorAlert } from './ui';

/**
 * Metrics and checks of a dataset: the latest metric values with a chart of one metric's
 * history, the checks with their latest outcome, the history of results, and actions to
 * compute metrics, run checks and edit the settings.
 */
export default function QualityPanel({
  projectKey,
  dataset,
  columns,
}: {
  projectKey: string;
  dataset: string;
  columns: ColumnSchema[];
}) {
  const metrics = useApi<MetricsRecord[]>(projectApi(projectKey, 'datasets', dataset, 'metrics'), { limit: 200 });
  const checks = useApi<QualitySettings>(projectApi(projectKey, 'datasets', dataset, 'checks'), { limit: 200 });
  // Computing, running checks and editing them need the writer role: readers only see results.
  const canWrite = useProjectRole('writer');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The editor's state is in the URL (?edit), so a reload keeps it open.
  const [params, setParams] = useSearchParams();
  const editing = params.has('edit');
  const setEditing = (on: boolean) => {
    const next = new URLSearchParams(params);
    if (on) next.set('edit', '');
    else next.delete('edit');
    setParams(next, { replace: true });
  };

  const act = async (path: string) => {
    setBusy(path);
    setError(null);
    try {
      await api.post(projectApi(projectKey, 'datasets', dataset, ...path.split('/')));
      metrics.reload();
      checks.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const latest = metrics.data?.[0];

  return (
    <div className="stack">
      {canWrite ? (
        <div className="row">
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void act('metrics/compute')}>
            {busy === 'metrics/compute' ? 'Computing…' : 'Compute metrics'}
          </button>
          <button type="button" className="btn primary" disabled={busy !== null} onClick={() => void act('checks/run')}>
            {busy === 'checks/run' ? 'Running checks…' : 'Run checks'}
          </button>
          <button type="button" className="btn" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            {editing ? 'Close settings' : 'Edit checks'}
          </button>
        </div>
      ) : null}
      <ErrorAlert error={error} />
      {canWrite && editing && checks.data ? (
        <SettingsEditor
          projectKey={projectKey}
          dataset={dataset}
          settings={checks.data}
          columns={columns}
          metricNames={checks.data.availableMetrics ?? Object.keys(latest?.metrics ?? {})}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            checks.reload();
          }}
        />
      ) : null}
      <div className="grid-2">
        <MetricsCard metrics={metrics} />
        <ChecksCard checks={checks} />
      </div>
    </div>
  );
}
