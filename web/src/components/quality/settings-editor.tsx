import { useMemo, useState } from 'react';
import { api, projectApi } from '../../api/client';
import type { ColumnSchema, QualitySettings } from '../../api/types';
import { useApi } from '../../lib/use-api';
import { useWarnBeforeUnload } from '../../lib/use-warn-before-unload';
import { ErrorAlert } from '../ui';
import { ChecksEditor, type CheckTypeInfo } from './checks-editor';
import { MetricSettings, type Editable } from './metric-settings';

/**
 * The dataset's quality settings as forms: metric options, SQL metrics, and each check with a
 * form generated from its type's JSON schema; columns are picked from the dataset's schema,
 * metric names suggested from the latest metrics. "Edit as JSON" shows the same settings as text.
 */
export function SettingsEditor({
  projectKey,
  dataset,
  settings,
  columns,
  metricNames,
  onSaved,
  onCancel,
}: {
  projectKey: string;
  dataset: string;
  settings: QualitySettings;
  columns: ColumnSchema[];
  metricNames: string[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  // Loaded here, not in the checks editor, so switching to JSON and back does not load them again.
  const types = useApi<{ checks: CheckTypeInfo[] }>('/api/check-types');
  const initial = useMemo<Editable>(
    () => ({
      metrics: { afterBuild: true, sql: [], ...settings.metrics },
      checks: settings.checks,
      failBuildOnError: settings.failBuildOnError ?? false,
    }),
    [settings],
  );
  const [value, setValue] = useState<Editable>(initial);
  const [json, setJson] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const dirty =
    json !== null ? json !== JSON.stringify(initial, null, 2) : JSON.stringify(value) !== JSON.stringify(initial);
  useWarnBeforeUnload(dirty && !saving);

  const toggleJson = () => {
    setError(null);
    if (json === null) {
      setJson(JSON.stringify(value, null, 2));
      return;
    }
    try {
      setValue(JSON.parse(json) as Editable);
      setJson(null);
    } catch (e) {
      setError(new Error(`The JSON is not valid: ${(e as Error).message}`));
    }
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaving(true);
    try {
      await api.put(projectApi(projectKey, 'datasets', dataset, 'checks'), json === null ? value : JSON.parse(json));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card" aria-label="Quality settings" onSubmit={(e) => void save(e)}>
      <div className="card-header">
        <h2>Metrics and checks settings</h2>
        <button type="button" className="btn small ghost" onClick={toggleJson} aria-pressed={json !== null}>
          {json === null ? 'Edit as JSON' : 'Back to the form'}
        </button>
      </div>
      <div className="card-body stack">
        {json !== null ? (
          <textarea
            className="mono"
            rows={16}
            value={json}
            onChange={(e) => setJson(e.target.value)}
            aria-label="Settings as JSON"
          />
        ) : (
          <>
            <MetricSettings dataset={dataset} columns={columns} value={value} setValue={setValue} />
            <ChecksEditor
              types={types}
              checks={value.checks}
              onChange={(checks) => setValue((v) => ({ ...v, checks }))}
              columnNames={columns.map((c) => c.name)}
              metricNames={metricNames}
            />
          </>
        )}
        <ErrorAlert error={error} title="Not saved" />
        <div className="row">
          <button type="submit" className="btn primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          {dirty ? <span className="small muted">Unsaved changes</span> : null}
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
