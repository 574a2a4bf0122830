import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Job } from '../api/types';
import { projectPath } from '../components/layout';
import { LoadedTable } from '../components/loaded-table';
import { EmptyState, PageHeader, StatusBadge } from '../components/ui';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format';
import { useApi, useInterval } from '../lib/use-api';

export default function JobsPage() {
  const { key = '' } = useParams();
  const jobs = useApi<Job[]>(projectApi(key, 'jobs'));
  const active = jobs.data?.some((j) => j.status === 'running' || j.status === 'queued') ?? false;
  useInterval(jobs.reload, 2000, active);
  return (
    <>
      <PageHeader
        title="Jobs"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Builds of this project, newest first"
      />
      <LoadedTable
        state={jobs}
        loading="Loading jobs…"
        rowKey={(j) => j.id}
        empty={
          <EmptyState
            title="No jobs yet"
            actions={
              <Link className="btn primary" to={projectPath(key, 'flow')}>
                Open the flow
              </Link>
            }
          >
            Jobs appear when datasets are built from the flow, a recipe or a scenario.
          </EmptyState>
        }
        columns={[
          {
            header: 'Job',
            cell: (j) => (
              <Link to={projectPath(key, 'jobs', j.id)} className="mono small">
                {j.id}
              </Link>
            ),
          },
          { header: 'Targets', cell: (j) => j.targets.join(', ') },
          { header: 'Mode', className: 'small', cell: (j) => j.mode },
          { header: 'Status', cell: (j) => <StatusBadge status={j.status} /> },
          { header: 'Duration', numeric: true, cell: (j) => formatDuration(j.durationMs) },
          { header: 'By', className: 'small', cell: (j) => j.createdBy },
          {
            header: 'Started',
            className: 'small',
            title: (j) => formatDateTime(j.createdAt),
            cell: (j) => formatRelative(j.createdAt),
          },
        ]}
      />
    </>
  );
}
