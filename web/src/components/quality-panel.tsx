import { useEffect, useMemo, useRef, useState } from 'react';
import { api, projectApi } from '../api/client';
import { useSearchParams } from 'react-router-dom';
import type { ColumnSchema, MetricsRecord, QualitySettings } from '../api/types';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useWarnBeforeUnload } from '../lib/use-warn-before-unload';
import { COLORS, EChart } from './echart';
import { SchemaForm, type JsonSchema } from './schema-form';
import { TypeExamples } from './type-examples';
import { Async, EmptyState, ErrorAlert, StatusBadge } from './ui';

/**
 * Metrics and checks of a dataset: the latest metric values with a chart of one metric's
 * history, the checks with their latest outcome, the history of results, and actions to
 * compute metrics, run checks and edit the settings.
 */
export default function QualityPanel({ projectKey, dataset, columns }: { projectKey: string; dataset: string; columns: ColumnSchema[] }) {
  const metrics = useApi<MetricsRecord[]>(projectApi(projectKey, 'datasets', dataset, 'metrics'), { limit: 200 });
  const checks = useApi<QualitySettings>(projectApi(projectKey, 'datasets', dataset, 'checks'), { limit: 200 });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
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
  const numeric = useMemo(() => Object.entries(latest?.metrics ?? {}).filter(([, v]) => typeof v === 'number').map(([k]) => k), [latest]);
  const metric = chosen ?? (numeric.includes('records') ? 'records' : numeric[0]);
  const option = useMemo(() => {
    const points = [...(metrics.data ?? [])].reverse().filter((m) => typeof m.metrics[metric ?? ''] === 'number');
    return {
      grid: { left: 60, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true },
      series: [{ type: 'line', name: metric, showSymbol: points.length < 60, data: points.map((m) => [m.computedAt, m.metrics[metric!]]), itemStyle: { color: COLORS.accent } }],
    };
  }, [metrics.data, metric]);

  return (
    <div className="stack">
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
      <ErrorAlert error={error} />
      {editing && checks.data ? (
        <SettingsEditor
          projectKey={projectKey}
          dataset={dataset}
          settings={checks.data}
          columns={columns}
          metricNames={Object.keys(latest?.metrics ?? {})}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            checks.reload();
          }}
        />
      ) : null}
      <div className="grid-2">
        <section className="card" aria-label="Metrics">
          <div className="card-header">
            <h3>Metrics</h3>
            {latest ? <span className="small muted">computed {formatRelative(latest.computedAt)} ({latest.origin})</span> : null}
          </div>
          <div className="card-body">
            <Async state={metrics}>
              {(all) =>
                all.length === 0 ? (
                  <EmptyState title="No metrics yet">Metrics are computed after each build, or with “Compute metrics”.</EmptyState>
                ) : (
                  <>
                    {numeric.length ? (
                      <label className="row small" style={{ gap: 6, marginBottom: 6 }}>
                        History of
                        <select value={metric} onChange={(e) => setChosen(e.target.value)} aria-label="Metric to chart">
                          {numeric.map((n) => (
                            <option key={n}>{n}</option>
                          ))}
                        </select>
                      </label>
                    ) : null}
                    <EChart option={option} className="chart" ariaLabel={`History of metric ${metric}`} style={{ height: 200 }} />
                    <table className="table small">
                      <tbody>
                        {Object.entries(all[0].metrics).map(([k, v]) => (
                          <tr key={k}>
                            <td>{k}</td>
                            <td className="num">{typeof v === 'number' ? formatNumber(v) : String(v ?? '—')}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </>
                )
              }
            </Async>
          </div>
        </section>
        <section className="card" aria-label="Checks">
          <div className="card-header">
            <h3>Checks</h3>
          </div>
          <div className="card-body">
            <Async state={checks}>
              {(q) => {
                const lastOf = (name: string) => q.results.find((r) => r.check === name);
                return q.checks.length === 0 ? (
                  <EmptyState title="No checks">Add checks (row count bounds, no nulls, freshness…) with “Edit checks”.</EmptyState>
                ) : (
                  <>
                    <table className="table small" aria-label="Latest check outcomes">
                      <thead>
                        <tr>
                          <th>Check</th>
                          <th>Last outcome</th>
                          <th>Message</th>
                        </tr>
                      </thead>
                      <tbody>
                        {q.checks.map((c, i) => {
                          const name = checkName(c);
                          const last = lastOf(name);
                          return (
                            <tr key={i}>
                              <td>
                                {name}
                              </td>
                              <td>{last ? <StatusBadge status={last.outcome} /> : <span className="muted">not run</span>}</td>
                              <td className="small">{last?.message ?? ''}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                    <h4 style={{ margin: '14px 0 6px' }}>History</h4>
                    <table className="table small" aria-label="Check history">
                      <tbody>
                        {q.results.slice(0, 30).map((r, i) => (
                          <tr key={r.id ?? i}>
                            <td className="nowrap" title={formatDateTime(r.runAt)}>
                              {formatRelative(r.runAt)}
                            </td>
                            <td>{r.check}</td>
                            <td>
                              <StatusBadge status={r.outcome} />
                            </td>
                            <td className="num">{r.value === null ? '' : formatNumber(r.value)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </>
                );
              }}
            </Async>
          </div>
        </section>
      </div>
    </div>
  );
}

/** A check's name as the server gives it: its own, or "<type>:<column or metric>" (the types' default). */
function checkName(c: { type: string; name?: string; column?: unknown; metric?: unknown }): string {
  if (c.name) return c.name;
  const on = c.column ?? c.metric;
  return typeof on === 'string' && on ? `${c.type}:${on}` : c.type;
}

interface CheckTypeInfo {
  type: string;
  label: string;
  columnRule: boolean;
  schema: JsonSchema;
}

type Check = QualitySettings['checks'][number];
type Editable = Pick<QualitySettings, 'metrics' | 'checks' | 'failBuildOnError'>;
const TIME_TYPE = /date|time/i;

/**
 * The dataset's quality settings as forms: metric options, SQL metrics, and each check with a
 * form generated from its type's JSON schema; columns are picked from the dataset's schema,
 * metric names suggested from the latest metrics. "Edit as JSON" shows the same settings as text.
 */
function SettingsEditor({ projectKey, dataset, settings, columns, metricNames, onSaved, onCancel }: { projectKey: string; dataset: string; settings: QualitySettings; columns: ColumnSchema[]; metricNames: string[]; onSaved: () => void; onCancel: () => void }) {
  const types = useApi<{ checks: CheckTypeInfo[] }>('/api/check-types');
  const initial = useMemo<Editable>(() => ({ metrics: { afterBuild: true, sql: [], ...settings.metrics }, checks: settings.checks, failBuildOnError: settings.failBuildOnError ?? false }), [settings]);
  const [value, setValue] = useState<Editable>(initial);
  const [json, setJson] = useState<string | null>(null);
  const [newType, setNewType] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const dirty = json !== null ? json !== JSON.stringify(initial, null, 2) : JSON.stringify(value) !== JSON.stringify(initial);
  useWarnBeforeUnload(dirty && !saving);
  const columnNames = columns.map((c) => c.name);
  // Keyboard focus follows the editing: into an added check's first field, to the type picker after a removal.
  const checksBox = useRef<HTMLDivElement>(null);
  const focusNext = useRef<'last' | 'picker' | null>(null);
  useEffect(() => {
    const box = checksBox.current;
    if (!box || !focusNext.current) return;
    const target = focusNext.current === 'last' ? [...box.querySelectorAll<HTMLElement>(':scope > .list-item')].at(-1)?.querySelector<HTMLElement>('input, select, textarea') : box.querySelector<HTMLElement>('select[aria-label="New check type"]');
    focusNext.current = null;
    target?.focus();
  }, [value.checks.length]);
  const timeColumns = columns.filter((c) => TIME_TYPE.test(c.type)).map((c) => c.name);

  const setChecks = (checks: Check[]) => setValue((v) => ({ ...v, checks }));
  const setMetrics = (m: Partial<Editable['metrics']>) => setValue((v) => ({ ...v, metrics: { ...v.metrics, ...m } }));
  const sqlMetrics = value.metrics.sql ?? [];

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
        <h3>Metrics and checks settings</h3>
        <button type="button" className="btn small ghost" onClick={toggleJson} aria-pressed={json !== null}>
          {json === null ? 'Edit as JSON' : 'Back to the form'}
        </button>
      </div>
      <div className="card-body stack">
        {json !== null ? (
          <textarea className="mono" rows={16} value={json} onChange={(e) => setJson(e.target.value)} aria-label="Settings as JSON" />
        ) : (
          <>
            <div className="list-item" role="group" aria-label="Metrics">
              <div className="list-item-head">
                <span className="grow">Metrics</span>
              </div>
              <div className="form-grid">
                <label className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 8 }}>
                  <input type="checkbox" checked={value.metrics.afterBuild !== false} onChange={(e) => setMetrics({ afterBuild: e.target.checked })} />
                  <span>Compute metrics and run checks after every build</span>
                </label>
                <label className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 8 }}>
                  <input type="checkbox" checked={Boolean(value.failBuildOnError)} onChange={(e) => setValue((v) => ({ ...v, failBuildOnError: e.target.checked }))} />
                  <span>Reject a build whose output fails an ERROR check</span>
                </label>
              </div>
              <div className="field" role="group" aria-labelledby="quality-time-columns" style={{ marginTop: 8 }}>
                <span id="quality-time-columns">Freshness columns <span className="hint">default: every date/timestamp column</span></span>
                <div className="row" style={{ gap: 6 }}>
                  {timeColumns.length === 0 ? <span className="small muted">The dataset has no date or timestamp column.</span> : null}
                  {timeColumns.map((c) => {
                    const on = value.metrics.timeColumns?.includes(c) ?? false;
                    const list = value.metrics.timeColumns ?? [];
                    return (
                      <button key={c} type="button" className="tag" aria-pressed={on} onClick={() => setMetrics({ timeColumns: on ? list.filter((x) => x !== c) : [...list, c] })}>
                        {c}
                      </button>
                    );
                  })}
                </div>
              </div>
              <div className="stack" style={{ marginTop: 8, gap: 6 }}>
                <span>SQL metrics</span>
                {sqlMetrics.map((m, i) => (
                  <div key={i} className="row" style={{ alignItems: 'flex-start', gap: 8 }}>
                    <input aria-label={`SQL metric ${i + 1} name`} required placeholder="name" value={m.name} style={{ width: 160 }} onChange={(e) => setMetrics({ sql: sqlMetrics.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })} />
                    <textarea
                      aria-label={`SQL metric ${i + 1} query`}
                      required
                      className="mono"
                      rows={2}
                      style={{ flex: 1 }}
                      placeholder={`SELECT count(*) FROM ${dataset} WHERE …`}
                      value={m.sql}
                      onChange={(e) => setMetrics({ sql: sqlMetrics.map((x, j) => (j === i ? { ...x, sql: e.target.value } : x)) })}
                    />
                    <button type="button" className="btn small ghost" aria-label={`Remove SQL metric ${i + 1}`} onClick={() => setMetrics({ sql: sqlMetrics.filter((_, j) => j !== i) })}>
                      Remove
                    </button>
                  </div>
                ))}
                <div>
                  <button type="button" className="btn small" onClick={() => setMetrics({ sql: [...sqlMetrics, { name: '', sql: '' }] })}>
                    Add SQL metric
                  </button>
                </div>
              </div>
            </div>
            <Async state={types} label="Loading check types…">
              {({ checks: known }) => (
                <div className="stack" ref={checksBox}>
                  {value.checks.length === 0 ? <div className="small muted">No checks yet: add one below.</div> : null}
                  {value.checks.map((c, i) => {
                    const t = known.find((k) => k.type === c.type);
                    const title = `Check ${i + 1}: ${t?.label ?? c.type}`;
                    return (
                      <div key={i} className="list-item" role="group" aria-label={title}>
                        <div className="list-item-head">
                          <span className="badge plain">{i + 1}</span>
                          <span className="grow">
                            {t?.label ?? c.type} <span className="muted small mono">{checkName(c)}</span>
                          </span>
                          <button
                            type="button"
                            className="btn danger small"
                            aria-label={`Remove check ${i + 1}`}
                            onClick={() => {
                              focusNext.current = 'picker';
                              setChecks(value.checks.filter((_, j) => j !== i));
                            }}
                          >
                            Remove
                          </button>
                        </div>
                        {t ? (
                          <SchemaForm schema={t.schema} value={c} first={['column', 'metric']} choices={{ column: columnNames }} suggestions={{ metric: metricNames }} onChange={(v) => setChecks(value.checks.map((x, j) => (j === i ? ({ ...v, type: c.type } as Check) : x)))} />
                        ) : (
                          <div className="alert error">Unknown check type {c.type}: edit it as JSON or remove it.</div>
                        )}
                      </div>
                    );
                  })}
                  <div className="row">
                    <select aria-label="New check type" value={newType} onChange={(e) => setNewType(e.target.value)}>
                      <option value="">Choose a check type…</option>
                      {known.map((k) => (
                        <option key={k.type} value={k.type}>
                          {k.label}
                        </option>
                      ))}
                    </select>
                    <button
                      type="button"
                      className="btn"
                      disabled={!newType}
                      onClick={() => {
                        focusNext.current = 'last';
                        setChecks([...value.checks, { type: newType }]);
                        setNewType('');
                      }}
                    >
                      Add check
                    </button>
                  </div>
                  <TypeExamples
                    what="check"
                    types={known}
                    onAdd={(params) => {
                      focusNext.current = 'last';
                      setChecks([...value.checks, params as Check]);
                    }}
                  />
                </div>
              )}
            </Async>
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
