import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Dataset, Job, Member, Project, Recipe } from '../api/types';
import { projectPath } from '../components/layout';
import { EmptyState, ErrorAlert, Loading, PageHeader, StatusBadge } from '../components/ui';
import { formatCount, formatDuration, formatRelative } from '../lib/format';
import { useApi, type ApiState } from '../lib/use-api';
import type { ScenarioSummary } from './scenarios';

/** A card listing some of the project's objects, with loading, error and empty states. */
function ListSection<T>({ title, to, state, empty, children }: { title: string; to: string; state: ApiState<T[]>; empty: React.ReactNode; children: (items: T[]) => React.ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>
          {title}
          {state.data ? <span className="muted"> · {state.data.length}</span> : null}
        </h2>
        <Link to={to} className="small">
          View all
        </Link>
      </div>
      <div className="card-body flush">
        {state.error ? (
          <ErrorAlert error={state.error} />
        ) : !state.data ? (
          <Loading />
        ) : state.data.length === 0 ? (
          empty
        ) : (
          <table className="table">
            <tbody>{children(state.data.slice(0, 8))}</tbody>
          </table>
        )}
      </div>
    </section>
  );
}

export default function ProjectOverviewPage() {
  const { key = '' } = useParams();
  const project = useApi<Project>(projectApi(key));
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const recipes = useApi<Recipe[]>(projectApi(key, 'recipes'));
  const jobs = useApi<Job[]>(projectApi(key, 'jobs'));
  const members = useApi<Member[]>(projectApi(key, 'members'));
  const scenarios = useApi<ScenarioSummary[]>(projectApi(key, 'scenarios'));

  if (project.error) return <ErrorAlert error={project.error} onRetry={project.reload} back={{ to: '/', label: 'All projects' }} />;
  if (!project.data) return <Loading />;
  const p = project.data;

  return (
    <>
      <PageHeader
        title={p.name}
        breadcrumbs={<Link to="/">Projects</Link>}
        subtitle={
          <>
            {p.description || <span className="muted">No description</span>}
            <div style={{ marginTop: 6 }}>
              {p.tags.map((t) => (
                <span className="tag" key={t}>
                  {t}
                </span>
              ))}
              <span className="muted small">
                {' '}
                Key <span className="mono">{p.key}</span> · your role {p.role ?? '—'} · active {formatRelative(p.updatedAt)}
              </span>
            </div>
          </>
        }
        actions={
          <>
            <Link className="btn" to={projectPath(key, 'flow')}>
              Open flow
            </Link>
            <Link className="btn primary" to={projectPath(key, 'datasets') + '?upload=1'}>
              Upload data
            </Link>
          </>
        }
      />
      <div className="stat-tiles">
        <div className="stat-tile">
          <div className="label">Datasets</div>
          <div className="value">{datasets.data ? datasets.data.length : '…'}</div>
        </div>
        <div className="stat-tile">
          <div className="label">Recipes</div>
          <div className="value">{recipes.data ? recipes.data.length : '…'}</div>
        </div>
        <div className="stat-tile">
          <div className="label">Scenarios</div>
          <div className="value">{scenarios.data ? scenarios.data.length : scenarios.error ? '—' : '…'}</div>
        </div>
        <div className="stat-tile">
          <div className="label">Jobs (recent)</div>
          <div className="value">{jobs.data ? jobs.data.length : '…'}</div>
        </div>
        <div className="stat-tile">
          <div className="label">Members</div>
          <div className="value">{members.data ? members.data.length : '…'}</div>
        </div>
      </div>
      <div className="grid-2">
        <ListSection title="Datasets" to={projectPath(key, 'datasets')} state={datasets} empty={<EmptyState title="No datasets">Upload a CSV or Parquet file to start.</EmptyState>}>
          {(items) =>
            items.map((d) => (
              <tr key={d.name}>
                <td>
                  <Link to={projectPath(key, 'datasets', d.name)}>{d.name}</Link>
                </td>
                <td className="num">{formatCount(d.rowCount)} rows</td>
                <td className="muted small">{d.storage.type}</td>
              </tr>
            ))
          }
        </ListSection>
        <ListSection title="Recent jobs" to={projectPath(key, 'jobs')} state={jobs} empty={<EmptyState title="No jobs yet">Build a dataset from the flow to run its recipes.</EmptyState>}>
          {(items) =>
            items.map((j) => (
              <tr key={j.id}>
                <td>
                  <Link to={projectPath(key, 'jobs', j.id)}>{j.targets.join(', ')}</Link>
                </td>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td className="num">{formatDuration(j.durationMs)}</td>
                <td className="muted small">{formatRelative(j.createdAt)}</td>
              </tr>
            ))
          }
        </ListSection>
        <ListSection title="Recipes" to={projectPath(key, 'recipes')} state={recipes} empty={<EmptyState title="No recipes">Write a SQL recipe to derive a dataset from others.</EmptyState>}>
          {(items) =>
            items.map((r) => (
              <tr key={r.name}>
                <td>
                  <Link to={projectPath(key, 'recipes', r.name)}>{r.name}</Link>
                </td>
                <td className="muted small">{r.type}</td>
                <td className="small">
                  {r.inputs.join(', ')} → {r.output}
                </td>
              </tr>
            ))
          }
        </ListSection>
        <ListSection title="Scenarios" to={projectPath(key, 'scenarios')} state={scenarios} empty={<EmptyState title="No scenarios">Automate builds and checks with triggers, steps and reporters.</EmptyState>}>
          {(items) =>
            items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={projectPath(key, 'scenarios', s.id)}>{s.name || s.id}</Link>
                </td>
                <td>{s.active === false ? <span className="badge">inactive</span> : <span className="badge ok">active</span>}</td>
              </tr>
            ))
          }
        </ListSection>
        <ListSection title="Members" to={projectPath(key, 'members')} state={members} empty={<EmptyState title="No members" />}>
          {(items) =>
            items.map((m) => (
              <tr key={m.username}>
                <td>{m.username}</td>
                <td className="muted">{m.role}</td>
              </tr>
            ))
          }
        </ListSection>
      </div>
    </>
  );
}
