import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Dataset, Insight, InsightData, InsightInfo, MetricsRecord, Scenario, WebappInfo } from '../api/types';
import { ActionButton } from '../components/can';
import { InsightView } from '../components/insight-view';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { CardSection, ErrorAlert, Loading, Notice, PageHeader } from '../components/ui';
import { useApi, type ApiState } from '../lib/use-api';
import { useRight } from '../lib/use-can';
import { useInsightActions } from './use-insight-actions';
import { insightTypeLabel } from './insight-types-ui';
import { TableForm } from './insight-table-form';

/** The insight types this form edits; charts have the chart builder. */
export type FormInsightType = Exclude<Insight['type'], 'chart'>;

const READ_ONLY_FIELDS = ['projectKey', 'revision', 'updatedAt', 'updatedBy'] as const;

/** What a saved insight needs before it can be saved (the server checks the same). */
function missing(draft: Insight): string | null {
  switch (draft.type) {
    case 'table':
    case 'check':
      return draft.dataset ? null : 'a dataset';
    case 'metric':
      return !draft.dataset ? 'a dataset' : !draft.metric ? 'a metric' : null;
    case 'scenario':
      return draft.scenario ? null : 'a scenario';
    case 'text':
      return draft.text?.trim() ? null : 'some text';
    case 'webapp':
      return draft.webapp ? null : 'a webapp';
    default:
      return null;
  }
}

/**
 * Creates or edits a table, metric, check, scenario, text or webapp insight: its fields, a
 * preview (tables are computed by the server as they change; metric, check and scenario
 * insights show their data once saved), history and revert, delete. Readers see it read-only.
 */
export function InsightForm({
  projectKey,
  type,
  stored,
  dataset = '',
}: {
  projectKey: string;
  type: FormInsightType;
  /** The saved insight; absent for a new one. */
  stored?: ApiState<InsightInfo>;
  /** The dataset a new insight starts with. */
  dataset?: string;
}) {
  const can = useRight('manage-dashboards');
  const readOnly = can.ok !== true;
  const isNew = !stored;
  const [draft, setDraft] = useState<Insight>({
    id: '',
    name: '',
    type,
    ...(type === 'text' ? { text: '' } : {}),
    ...(dataset && ['table', 'metric', 'check'].includes(type) ? { dataset } : {}),
  });
  const actions = useInsightActions(projectKey, stored ?? null);
  const { error, notice } = actions;

  // The saved insight (at load, after a save or a revert) replaces the draft.
  const [loaded, setLoaded] = useState<InsightInfo | undefined>(undefined);
  if (stored?.data && stored.data !== loaded) {
    setLoaded(stored.data);
    const body: Record<string, unknown> = { ...stored.data };
    for (const field of READ_ONLY_FIELDS) delete body[field];
    setDraft(body as unknown as Insight);
  }

  const set = (patch: Partial<Insight>) => setDraft((d) => ({ ...d, ...patch }));
  const needs = missing(draft);

  const save = () => actions.save(draft, isNew);
  const remove = () => actions.remove(draft.id, draft.name || draft.id);

  if (stored?.error) return <ErrorAlert error={stored.error} onRetry={stored.reload} />;
  if (stored && !stored.data) return <Loading />;
  const label = insightTypeLabel(type).toLowerCase();
  return (
    <div className="stack">
      {actions.dialog}
      <PageHeader
        title={isNew ? `New ${label} insight` : draft.name}
        breadcrumbs={<Link to={projectPath(projectKey, 'dashboards')}>Dashboards</Link>}
        actions={
          <>
            {readOnly ? <span className="badge">read only</span> : null}
            {!isNew ? (
              <ActionButton can={can} className="btn danger" onClick={() => void remove()}>
                Delete
              </ActionButton>
            ) : null}
            <ActionButton
              can={can}
              className="btn primary"
              disabled={!draft.id || !draft.name || needs !== null}
              title={needs ? `Needs ${needs}` : undefined}
              onClick={() => void save()}
            >
              Save
            </ActionButton>
          </>
        }
      />
      <Notice text={notice} />
      {error ? <ErrorAlert error={error} /> : null}
      <div className="chart-builder">
        <form
          className="card stack chart-builder-form"
          aria-label={`${insightTypeLabel(type)} settings`}
          onSubmit={(e) => e.preventDefault()}
        >
          <label className="field">
            <span>ID</span>
            <input
              value={draft.id}
              disabled={readOnly || !isNew}
              onChange={(e) => set({ id: e.target.value })}
              placeholder={type === 'text' ? 'shift_notes' : `${type}_1`}
            />
          </label>
          <label className="field">
            <span>Name</span>
            <input value={draft.name} disabled={readOnly} onChange={(e) => set({ name: e.target.value })} />
          </label>
          <TypeFields projectKey={projectKey} draft={draft} readOnly={readOnly} set={set} />
        </form>
        <section className="card stack chart-preview" aria-label="Preview">
          <Preview projectKey={projectKey} draft={draft} stored={stored?.data} ready={needs === null} />
        </section>
      </div>
      {!isNew ? (
        <CardSection title="History">
          <ObjectHistory
            key={stored.data?.revision}
            projectKey={projectKey}
            kind="insight"
            name={draft.id}
            onReverted={stored.reload}
          />
        </CardSection>
      ) : null}
    </div>
  );
}

/** The fields of the insight's type. */
function TypeFields({
  projectKey,
  draft,
  readOnly,
  set,
}: {
  projectKey: string;
  draft: Insight;
  readOnly: boolean;
  set: (patch: Partial<Insight>) => void;
}) {
  const usesDataset = ['table', 'metric', 'check'].includes(draft.type);
  const datasets = useApi<Dataset[]>(usesDataset ? projectApi(projectKey, 'datasets') : null);
  const scenarios = useApi<Scenario[]>(draft.type === 'scenario' ? projectApi(projectKey, 'scenarios') : null);
  const webapps = useApi<WebappInfo[]>(draft.type === 'webapp' ? projectApi(projectKey, 'webapps') : null);
  const metrics = useApi<MetricsRecord[]>(
    draft.type === 'metric' && draft.dataset ? projectApi(projectKey, 'datasets', draft.dataset, 'metrics') : null,
    { limit: 1 },
  );
  const columns = useMemo(
    () => datasets.data?.find((d) => d.name === draft.dataset)?.columns?.map((c) => c.name) ?? [],
    [datasets.data, draft.dataset],
  );
  const choose = (
    label: string,
    value: string,
    options: { value: string; label: string }[],
    onChange: (v: string) => void,
  ) => (
    <label className="field">
      <span>{label}</span>
      <select value={value} disabled={readOnly} onChange={(e) => onChange(e.target.value)}>
        <option value="">
          Pick {label.toLowerCase().startsWith('a') ? 'an' : 'a'} {label.toLowerCase()}
        </option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <>
      {usesDataset
        ? choose(
            'Dataset',
            draft.dataset ?? '',
            (datasets.data ?? []).map((d) => ({ value: d.name, label: d.name })),
            (d) => set({ dataset: d || undefined, ...(draft.type === 'table' ? { table: {} } : {}) }),
          )
        : null}
      {draft.type === 'table' ? (
        <TableForm
          spec={draft.table ?? {}}
          columns={columns}
          readOnly={readOnly}
          onChange={(table) => set({ table })}
        />
      ) : null}
      {draft.type === 'metric'
        ? choose(
            'Metric',
            draft.metric ?? '',
            Object.keys(metrics.data?.[0]?.metrics ?? {})
              .concat(draft.metric && !metrics.data?.[0]?.metrics[draft.metric] ? [draft.metric] : [])
              .map((m) => ({ value: m, label: m })),
            (m) => set({ metric: m || undefined }),
          )
        : null}
      {draft.type === 'metric' && draft.dataset && metrics.data?.length === 0 ? (
        <p className="small muted">This dataset has no metrics yet: they are computed after each build.</p>
      ) : null}
      {draft.type === 'scenario'
        ? choose(
            'Scenario',
            draft.scenario ?? '',
            (scenarios.data ?? []).map((s) => ({ value: s.id, label: s.name || s.id })),
            (s) => set({ scenario: s || undefined }),
          )
        : null}
      {draft.type === 'webapp' ? (
        <>
          {choose(
            'Webapp',
            draft.webapp ?? '',
            (webapps.data ?? []).map((w) => ({ value: w.id, label: w.name })),
            (w) => set({ webapp: w || undefined }),
          )}
          <label className="field">
            <span>Height (px)</span>
            <input
              type="number"
              min={80}
              max={4000}
              placeholder="400"
              disabled={readOnly}
              value={draft.height ?? ''}
              onChange={(e) => set({ height: e.target.value ? Number(e.target.value) : undefined })}
            />
          </label>
        </>
      ) : null}
      {draft.type === 'text' ? (
        <label className="field">
          <span>Markdown</span>
          <textarea
            rows={12}
            className="mono"
            disabled={readOnly}
            value={draft.text ?? ''}
            onChange={(e) => set({ text: e.target.value })}
            placeholder={'## Shift notes\n\n- Receiver DA41 was warm overnight'}
          />
        </label>
      ) : null}
      <label className="field">
        <span>Description</span>
        <input
          value={draft.description ?? ''}
          disabled={readOnly}
          onChange={(e) => set({ description: e.target.value || undefined })}
        />
      </label>
    </>
  );
}

/**
 * What the insight draws: a table is previewed by the server as it changes, text and webapps
 * draw from the draft, the others show the saved insight's data.
 */
function Preview({
  projectKey,
  draft,
  stored,
  ready,
}: {
  projectKey: string;
  draft: Insight;
  stored: InsightInfo | undefined;
  ready: boolean;
}) {
  const [preview, setPreview] = useState<{ data?: InsightData; error?: unknown }>({});
  const live = draft.type === 'table';
  const savedData = useApi<InsightData>(
    !live && stored && draft.type !== 'text' && draft.type !== 'webapp'
      ? projectApi(projectKey, 'insights', stored.id, 'data')
      : null,
  );
  // A save or revert makes a new revision: read its data again.
  const { reload } = savedData;
  const revision = stored?.revision;
  const shownRevision = useRef(revision);
  useEffect(() => {
    if (revision === shownRevision.current) return;
    shownRevision.current = revision;
    reload();
  }, [revision, reload]);
  const body = useMemo(() => ({ ...draft, id: draft.id || 'preview', name: draft.name || 'preview' }), [draft]);
  useEffect(() => {
    if (!live || !ready) return;
    let current = true;
    const timer = setTimeout(() => {
      api
        .post<InsightData>(projectApi(projectKey, 'insights', 'preview'), body)
        .then((data) => current && setPreview({ data }))
        .catch((error) => current && setPreview({ error }));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [projectKey, body, live, ready]);

  if (!ready) return <p className="muted">The preview shows once the settings are complete.</p>;
  const shown = { ...draft, name: draft.name || 'Preview' };
  if (draft.type === 'text' || draft.type === 'webapp') return <InsightView insight={shown} data={undefined} />;
  if (live) {
    if (preview.error) return <ErrorAlert error={preview.error} />;
    if (!preview.data) return <Loading />;
    return (
      <>
        <InsightView insight={shown} data={preview.data} />
        <div className="small muted">
          {preview.data.rows.length} rows{preview.data.truncated ? ' · truncated to the row limit' : ''}
        </div>
        <details>
          <summary>SQL</summary>
          <pre className="mono small wrap">{preview.data.sql}</pre>
        </details>
      </>
    );
  }
  if (!stored) return <p className="muted">Save the insight to see its data.</p>;
  if (savedData.error) return <ErrorAlert error={savedData.error} onRetry={savedData.reload} />;
  if (!savedData.data) return <Loading />;
  return <InsightView insight={{ ...stored, ...shown }} data={savedData.data} />;
}
