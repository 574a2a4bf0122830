import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { Job } from '../api/types';
import { projectPath } from '../components/layout';
import { Async, EmptyCard, ListTable, PageHeader, StatusBadge } from '../components/ui';
import { formatDateTime, formatDuration, formatRelative } from '../lib/format';
import { useApi, useInterval } from '../lib/use-api';

export default function JobsPage() {
  const { key = '' } = useParams();
  const jobs = useApi<Job[]>(projectApi(key, 'jobs'));
  const active = jobs.data?.some((j) => j.status === 'running' || j.status === 'queued') ?? false;
  useInterval(jobs.reload, 2000, active);
  return (
    <>
      <PageHeader title="Jobs" breadcrumbs={<Link to={projectPath(key)}>{key}</Link>} subtitle="Builds of this project, newest first" />
      <Async state={jobs} label="Loading jobs…">
        {(all) =>
          all.length === 0 ? (
            <EmptyCard
                title="No jobs yet"
                actions={
                  <Link className="btn primary" to={projectPath(key, 'flow')}>
                    Open the flow
                  </Link>
                }
              >
                Jobs appear when datasets are built from the flow, a recipe or a scenario.
              </EmptyCard>
          ) : (
            <ListTable headers={['Job', 'Targets', 'Mode', 'Status', 'Duration#', 'By', 'Started']}>
                  {all.map((j) => (
                    <tr key={j.id}>
                      <td>
                        <Link to={projectPath(key, 'jobs', j.id)} className="mono small">
                          {j.id}
                        </Link>
                      </td>
                      <td>{j.targets.join(', ')}</td>
                      <td className="small">{j.mode}</td>
                      <td>
                        <StatusBadge status={j.status} />
                      </td>
                      <td className="num">{formatDuration(j.durationMs)}</td>
                      <td className="small">{j.createdBy}</td>
                      <td className="small" title={formatDateTime(j.createdAt)}>
                        {formatRelative(j.createdAt)}
                      </td>
                    </tr>
                  ))}
                </ListTable>
          )
        }
      </Async>
    </>
  );
}
