import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { DashboardInfo, Dataset, Job, Member, Project, Recipe } from '../api/types';
import { ActionLink } from '../components/can';
import { projectPath } from '../components/layout';
import { ActiveBadge, EmptyState, ErrorAlert, Loading, PageHeader, StatusBadge } from '../components/ui';
import { formatCount, formatDuration, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { ListSection, StatTile } from './project-overview/sections';
import type { ScenarioSummary } from './scenarios';
import { recipeOutputs } from '../lib/recipe-outputs';

export default function ProjectOverviewPage() {
  const { key = '' } = useParams();
  const project = useApi<Project>(projectApi(key));
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const recipes = useApi<Recipe[]>(projectApi(key, 'recipes'));
  const jobs = useApi<Job[]>(projectApi(key, 'jobs'));
  const members = useApi<Member[]>(projectApi(key, 'members'));
  const scenarios = useApi<ScenarioSummary[]>(projectApi(key, 'scenarios'));
  const dashboards = useApi<DashboardInfo[]>(projectApi(key, 'dashboards'));
  const canWrite = useCan('write');

  if (project.error)
    return <ErrorAlert error={project.error} onRetry={project.reload} back={{ to: '/', label: 'All projects' }} />;
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
            <div className="mt-2">
              {p.tags.map((t) => (
                <span className="tag" key={t}>
                  {t}
                </span>
              ))}
              <span className="muted small">
                {' '}
                Key <span className="mono">{p.key}</span> · your role {p.role ?? '—'} · active{' '}
                {formatRelative(p.updatedAt)}
              </span>
            </div>
          </>
        }
        actions={
          <>
            <Link className="btn" to={projectPath(key, 'flow')}>
              Open flow
            </Link>
            <ActionLink can={canWrite} className="btn primary" to={projectPath(key, 'datasets') + '?upload=1'}>
              Upload data
            </ActionLink>
          </>
        }
      />
      <div className="stat-tiles">
        <StatTile label="Datasets" state={datasets} />
        <StatTile label="Recipes" state={recipes} />
        <StatTile label="Scenarios" state={scenarios} />
        <StatTile label="Jobs (recent)" state={jobs} />
        <StatTile label="Members" state={members} />
      </div>
      <div className="grid-2">
        <ListSection
          title="Dashboards"
          to={projectPath(key, 'dashboards')}
          state={dashboards}
          empty={
            <EmptyState title="No dashboards">Put charts, KPIs and checks of this project on one page.</EmptyState>
          }
          rowKey={(d) => d.id}
          columns={[
            { header: 'Dashboard', cell: (d) => <Link to={projectPath(key, 'dashboards', d.id)}>{d.name}</Link> },
            { header: 'Tiles', numeric: true, cell: (d) => d.pages.reduce((n, p) => n + p.tiles.length, 0) },
            { header: 'Changed', className: 'muted small', cell: (d) => formatRelative(d.updatedAt) },
          ]}
        />
        <ListSection
          title="Datasets"
          to={projectPath(key, 'datasets')}
          state={datasets}
          empty={<EmptyState title="No datasets">Upload a CSV or Parquet file to start.</EmptyState>}
          rowKey={(d) => d.name}
          columns={[
            { header: 'Name', cell: (d) => <Link to={projectPath(key, 'datasets', d.name)}>{d.name}</Link> },
            { header: 'Rows', numeric: true, cell: (d) => `${formatCount(d.rowCount)} rows` },
            { header: 'Storage', className: 'muted small', cell: (d) => d.storage.type },
          ]}
        />
        <ListSection
          title="Recent jobs"
          to={projectPath(key, 'jobs')}
          state={jobs}
          empty={<EmptyState title="No jobs yet">Build a dataset from the flow to run its recipes.</EmptyState>}
          rowKey={(j) => j.id}
          columns={[
            { header: 'Targets', cell: (j) => <Link to={projectPath(key, 'jobs', j.id)}>{j.targets.join(', ')}</Link> },
            { header: 'Status', cell: (j) => <StatusBadge status={j.status} /> },
            { header: 'Duration', numeric: true, cell: (j) => formatDuration(j.durationMs) },
            { header: 'Created', className: 'muted small', cell: (j) => formatRelative(j.createdAt) },
          ]}
        />
        <ListSection
          title="Recipes"
          to={projectPath(key, 'recipes')}
          state={recipes}
          empty={<EmptyState title="No recipes">Write a SQL recipe to derive a dataset from others.</EmptyState>}
          rowKey={(r) => r.name}
          columns={[
            { header: 'Name', cell: (r) => <Link to={projectPath(key, 'recipes', r.name)}>{r.name}</Link> },
            { header: 'Type', className: 'muted small', cell: (r) => r.type },
            {
              header: 'Lineage',
              className: 'small',
              cell: (r) => `${r.inputs.join(', ')} → ${recipeOutputs(r).join(', ')}`,
            },
          ]}
        />
        <ListSection
          title="Scenarios"
          to={projectPath(key, 'scenarios')}
          state={scenarios}
          empty={
            <EmptyState title="No scenarios">Automate builds and checks with triggers, steps and reporters.</EmptyState>
          }
          rowKey={(s) => s.id}
          columns={[
            { header: 'Scenario', cell: (s) => <Link to={projectPath(key, 'scenarios', s.id)}>{s.name || s.id}</Link> },
            { header: 'Status', cell: (s) => <ActiveBadge active={s.active} /> },
          ]}
        />
        <ListSection
          title="Members"
          to={projectPath(key, 'members')}
          state={members}
          empty={<EmptyState title="No members" />}
          rowKey={(m) => m.username}
          columns={[
            { header: 'User', cell: (m) => m.username },
            { header: 'Role', className: 'muted', cell: (m) => m.role },
          ]}
        />
      </div>
    </>
  );
}
