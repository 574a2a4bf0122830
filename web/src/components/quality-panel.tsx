import { useMemo, useState } from 'react';
import { api, projectApi } from '../api/client';
import type { MetricsRecord, QualitySettings } from '../api/types';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { COLORS, EChart } from './echart';
import { Async, EmptyState, ErrorAlert, StatusBadge } from './ui';

/**
 * Metrics and checks of a dataset: the latest metric values with a chart of one metric's
 * history, the checks with their latest outcome, the history of results, and actions to
 * compute metrics, run checks and edit the settings.
 */
export default function QualityPanel({ projectKey, dataset }: { projectKey: string; dataset: string }) {
  const metrics = useApi<MetricsRecord[]>(projectApi(projectKey, 'datasets', dataset, 'metrics'), { limit: 200 });
  const checks = useApi<QualitySettings>(projectApi(projectKey, 'datasets', dataset, 'checks'), { limit: 200 });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  const act = async (path: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(projectApi(projectKey, 'datasets', dataset, ...path.split('/')));
      metrics.reload();
      checks.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
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
        <button type="button" className="btn" disabled={busy} onClick={() => void act('metrics/compute')}>
          Compute metrics
        </button>
        <button type="button" className="btn primary" disabled={busy} onClick={() => void act('checks/run')}>
          Run checks
        </button>
        <button type="button" className="btn" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
          {editing ? 'Close settings' : 'Edit checks'}
        </button>
      </div>
      <ErrorAlert error={error} />
      {editing && checks.data ? (
        <SettingsEditor
          projectKey={projectKey}
          dataset={dataset}
          settings={checks.data}
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
                    <table className="table small">
                      <thead>
                        <tr>
                          <th>Check</th>
                          <th>Last outcome</th>
                          <th>Message</th>
                        </tr>
                      </thead>
                      <tbody>
                        {q.checks.map((c, i) => {
                          const name = c.name ?? c.type;
                          const last = lastOf(name);
                          return (
                            <tr key={i}>
                              <td>
                                {name} <span className="muted">({c.type})</span>
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

/** The dataset's quality settings as JSON (metrics options and checks). */
function SettingsEditor({ projectKey, dataset, settings, onSaved }: { projectKey: string; dataset: string; settings: QualitySettings; onSaved: () => void }) {
  const { results: _r, revision: _v, ...body } = settings;
  const [text, setText] = useState(JSON.stringify(body, null, 2));
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setError(null);
    try {
      await api.put(projectApi(projectKey, 'datasets', dataset, 'checks'), JSON.parse(text));
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-label="Quality settings">
      <div className="card-header">
        <h3>Metrics and checks settings</h3>
      </div>
      <div className="card-body stack">
        <div className="small muted">
          Example check: <code>{'{"type": "metric-bounds", "metric": "records", "error": {"min": 1}}'}</code>. Settings are validated by the server.
        </div>
        <textarea className="mono" rows={14} value={text} onChange={(e) => setText(e.target.value)} aria-label="Settings as JSON" />
        <ErrorAlert error={error} title="Not saved" />
        <div>
          <button type="button" className="btn primary" onClick={() => void save()}>
            Save settings
          </button>
        </div>
      </div>
    </section>
  );
}
