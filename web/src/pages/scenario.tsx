import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Dataset, Scenario, ScenarioRun, ScenarioTypeInfo, ScenarioTypes } from '../api/types';
import { outcomeColor } from '../components/echart';
import { Gantt } from '../components/gantt';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { SchemaForm, type FormValue, type Suggestions } from '../components/schema-form';
import { Async, EmptyState, ErrorAlert, LinkTabs, Loading, Notice, PageHeader, StatusBadge } from '../components/ui';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format';
import { useApi, useInterval } from '../lib/use-api';
import { useWarnBeforeUnload } from '../lib/use-warn-before-unload';
import { LogView } from '../components/log-view';

const TABS = ['settings', 'runs', 'history'] as const;
type Tab = (typeof TABS)[number];
const ACTIVE_OUTCOMES = ['QUEUED', 'RUNNING'];

export default function ScenarioPage() {
  const { key = '', name: id = '', tab: rawTab } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(rawTab ?? 'settings') ? ((rawTab ?? 'settings') as Tab) : 'settings';
  const navigate = useNavigate();
  const scenario = useApi<Scenario>(projectApi(key, 'scenarios', id));
  const [runError, setRunError] = useState<unknown>(null);
  const base = projectPath(key, 'scenarios', id);

  const runNow = async () => {
    setRunError(null);
    try {
      const r = await api.post<{ runId: string }>(projectApi(key, 'scenarios', id, 'run'));
      navigate(`${base}/runs?run=${encodeURIComponent(r.runId)}`);
    } catch (e) {
      setRunError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={scenario.data?.name || id}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'scenarios')}>Scenarios</Link>
          </>
        }
        subtitle={scenario.data ? `${scenario.data.active === false ? 'Inactive' : 'Active'} · runs as ${scenario.data.runAs ?? '—'} · revision ${scenario.data.revision} by ${scenario.data.updatedBy}` : null}
        actions={
          scenario.data ? (
            <button type="button" className="btn primary" onClick={() => void runNow()}>
              Run now
            </button>
          ) : null
        }
      />
      <ErrorAlert error={runError} title="Could not start a run" />
      <LinkTabs label="Scenario sections" tabs={TABS.map((t) => ({ to: t === 'settings' ? base : `${base}/${t}`, label: t === 'settings' ? 'Settings' : t === 'runs' ? 'Runs' : 'History' }))} />
      {tab === 'settings' ? <Async state={scenario} back={{ to: projectPath(key, 'scenarios'), label: 'All scenarios' }}>{(s) => <ScenarioEditor projectKey={key} scenario={s} onSaved={(saved) => scenario.setData(saved)} />}</Async> : null}
      {tab === 'runs' ? <RunsTab projectKey={key} id={id} /> : null}
      {tab === 'history' ? <ObjectHistory projectKey={key} kind="scenario" name={id} onReverted={scenario.reload} /> : null}
    </>
  );
}

type Item = Record<string, unknown>;

function ScenarioEditor({ projectKey, scenario, onSaved }: { projectKey: string; scenario: Scenario; onSaved: (s: Scenario) => void }) {
  const types = useApi<ScenarioTypes>('/api/scenario-types');
  const datasets = useApi<Dataset[]>(projectApi(projectKey, 'datasets'));
  const scenarios = useApi<Scenario[]>(projectApi(projectKey, 'scenarios'));
  const [draft, setDraft] = useState<Scenario>(scenario);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setDraft(scenario), [scenario]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(scenario);
  useWarnBeforeUnload(dirty);

  const suggestions: Suggestions = useMemo(() => {
    const names = (datasets.data ?? []).map((d) => d.name);
    return { targets: names, datasets: names, scenario: (scenarios.data ?? []).map((s) => s.id).filter((s) => s !== scenario.id) };
  }, [datasets.data, scenarios.data, scenario.id]);

  if (types.error) return <ErrorAlert error={types.error} onRetry={types.reload} />;
  if (!types.data) return <Loading label="Loading trigger, step and reporter types…" />;
  const t = types.data;

  const save = async () => {
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await api.put<Scenario>(projectApi(projectKey, 'scenarios', scenario.id), draft);
      setNotice(`Saved revision ${saved.revision}.`);
      onSaved(saved);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="stack">
      {dirty ? (
        <div className="alert info row">
          <span className="grow">Unsaved changes</span>
          <button type="button" className="btn primary small" onClick={() => void save()} disabled={saving}>
            Save now
          </button>
        </div>
      ) : null}
      <section className="card" aria-label="General">
        <div className="card-header">
          <h2>General</h2>
        </div>
        <div className="card-body">
          <SchemaForm schema={t.scenario} value={draft as unknown as FormValue} hidden={['id', 'triggers', 'steps', 'reporters']} onChange={(v) => setDraft({ ...(v as unknown as Scenario), id: scenario.id, triggers: draft.triggers, steps: draft.steps, reporters: draft.reporters })} />
        </div>
      </section>
      <ItemsEditor title="Triggers" what="trigger" keyField="type" types={t.triggers} items={draft.triggers} suggestions={suggestions} onChange={(triggers) => setDraft({ ...draft, triggers: triggers as Scenario['triggers'] })} empty="No trigger: the scenario runs only when started by hand." />
      <ItemsEditor title="Steps" what="step" keyField="type" types={t.steps} items={draft.steps} suggestions={suggestions} onChange={(steps) => setDraft({ ...draft, steps: steps as Scenario['steps'] })} empty="No step yet: add a build, checks, SQL or a report." />
      <ItemsEditor title="Reporters" what="reporter" keyField="channel" types={t.reporters} items={draft.reporters} suggestions={suggestions} onChange={(reporters) => setDraft({ ...draft, reporters: reporters as Scenario['reporters'] })} empty="No reporter: nobody is told about runs." />
      <ErrorAlert error={error} title="Not saved" />
      <Notice text={notice} />
      <div className="row">
        <button type="button" className="btn primary" onClick={() => void save()} disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save scenario'}
        </button>
        <button type="button" className="btn" onClick={() => setDraft(scenario)} disabled={!dirty}>
          Discard changes
        </button>
      </div>
    </div>
  );
}

/** A list of triggers, steps or reporters: each with its type and a form from that type's schema. */
function ItemsEditor({ title, what, keyField, types, items, onChange, suggestions, empty }: { title: string; what: string; keyField: 'type' | 'channel'; types: ScenarioTypeInfo[]; items: Item[]; onChange: (items: Item[]) => void; suggestions: Suggestions; empty: string }) {
  const [adding, setAdding] = useState(types[0]?.[keyField] ?? '');
  const typeOf = (item: Item) => types.find((t) => t[keyField] === item[keyField]);
  const move = (i: number, d: number) => {
    const next = [...items];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    onChange(next);
  };
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>{title}</h2>
        <select aria-label={`New ${what} type`} value={adding} onChange={(e) => setAdding(e.target.value)}>
          {types.map((t) => (
            <option key={t[keyField]} value={t[keyField]}>
              {t.label}
            </option>
          ))}
        </select>
        <button type="button" className="btn small" onClick={() => onChange([...items, { [keyField]: adding }])}>
          Add {what}
        </button>
      </div>
      <div className="card-body">
        {items.length === 0 ? <div className="muted small">{empty}</div> : null}
        {items.map((item, i) => {
          const type = typeOf(item);
          return (
            <div className="list-item" key={i} aria-label={`${what} ${i + 1}`} role="group">
              <div className="list-item-head">
                <span className="badge plain">{i + 1}</span>
                <span className="grow">{type?.label ?? String(item[keyField])}</span>
                {what === 'step' ? (
                  <>
                    <button type="button" className="btn ghost small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${what} ${i + 1} up`}>
                      ↑
                    </button>
                    <button type="button" className="btn ghost small" disabled={i === items.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${what} ${i + 1} down`}>
                      ↓
                    </button>
                  </>
                ) : null}
                <button type="button" className="btn danger small" onClick={() => onChange(items.filter((_, j) => j !== i))} aria-label={`Remove ${what} ${i + 1}`}>
                  Remove
                </button>
              </div>
              {type ? (
                <SchemaForm schema={type.schema} value={item} suggestions={suggestions} onChange={(v) => onChange(items.map((x, j) => (j === i ? { ...v, [keyField]: item[keyField] } : x)))} />
              ) : (
                <div className="alert error">Unknown {what} type {String(item[keyField])}</div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}

function RunsTab({ projectKey, id }: { projectKey: string; id: string }) {
  const [params, setParams] = useSearchParams();
  const runs = useApi<ScenarioRun[]>(projectApi(projectKey, 'scenarios', id, 'runs'), { limit: 100 });
  const selected = params.get('run');
  const active = runs.data?.some((r) => ACTIVE_OUTCOMES.includes(r.outcome)) ?? false;
  useInterval(runs.reload, 1500, active || (selected !== null && !runs.data?.some((r) => r.id === selected)));
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(300px, 420px) 1fr', gap: 16, alignItems: 'start' }}>
      <Async state={runs} label="Loading runs…">
        {(all) =>
          all.length === 0 ? (
            <div className="card">
              <EmptyState title="No runs yet">Use “Run now”, or wait for a trigger.</EmptyState>
            </div>
          ) : (
            <div className="card">
              <table className="table small" aria-label="Runs">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Outcome</th>
                    <th className="num">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {all.map((r) => (
                    <tr key={r.id} style={r.id === selected ? { background: 'var(--accent-soft)' } : undefined}>
                      <td>
                        <button type="button" className="btn ghost small" onClick={() => setParams({ run: r.id }, { replace: true })} aria-label={`Show run ${r.id}`}>
                          {formatDateTime(r.startedAt ?? r.createdAt)}
                        </button>
                        <div className="muted">{r.cause}</div>
                      </td>
                      <td>
                        <StatusBadge status={r.outcome} />
                      </td>
                      <td className="num">{formatDuration(r.durationMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
      {selected ? <RunDetail projectKey={projectKey} runId={selected} /> : <EmptyState title="Select a run">Its steps, timings and log appear here.</EmptyState>}
    </div>
  );
}

function RunDetail({ projectKey, runId }: { projectKey: string; runId: string }) {
  const run = useApi<ScenarioRun>(projectApi(projectKey, 'scenario-runs', runId));
  const active = run.data ? ACTIVE_OUTCOMES.includes(run.data.outcome) : false;
  useInterval(run.reload, 1000, active);
  const now = Date.now();
  const chart = useMemo(() => {
    const steps = run.data?.steps ?? [];
    return {
      rows: steps.map((s) => s.name),
      bars: steps.filter((s) => s.startedAt).map((s) => ({ row: s.index, start: Date.parse(s.startedAt!), end: s.endedAt ? Date.parse(s.endedAt) : now, color: outcomeColor(s.outcome), tooltip: `${s.name}\n${s.outcome} · ${formatDuration(s.durationMs)}` })),
    };
  }, [run.data, now]);
  return (
    <Async state={run} label="Loading the run…">
      {(r) => (
        <section className="card" aria-label="Run">
          <div className="card-header">
            <h2>Run {formatRelative(r.startedAt ?? r.createdAt)}</h2>
            <StatusBadge status={r.outcome} />
          </div>
          <div className="card-body stack">
            <div className="small muted">
              <span className="mono">{r.id}</span> · {r.cause} · as {r.runAs} · {formatDuration(r.durationMs)}
            </div>
            {r.error ? <div className="alert error">{r.error}</div> : null}
            {chart.bars.length ? <Gantt rows={chart.rows} bars={chart.bars} ariaLabel="Step timings" /> : null}
            <table className="table small" aria-label="Steps">
              <thead>
                <tr>
                  <th>Step</th>
                  <th>Outcome</th>
                  <th className="num">Duration</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {(r.steps ?? []).map((s) => (
                  <tr key={s.index}>
                    <td>
                      {s.name} <span className="muted">({s.type})</span>
                    </td>
                    <td>
                      <StatusBadge status={s.outcome} />
                    </td>
                    <td className="num">{formatDuration(s.durationMs)}</td>
                    <td style={{ color: 'var(--bad)' }}>{s.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Log</h3>
            <LogView text={(r.logs ?? []).map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n')} />
          </div>
        </section>
      )}
    </Async>
  );
}
