import { Link } from 'react-router-dom';
import type { SharedItem } from '../../api/types';
import { Table } from '../../components/table';
import { CardSection } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useApi } from '../../lib/use-api';

/** Where a shared object opens: the dashboard's page for viewers, the webapp as the server serves it. */
export const sharedDashboardPath = (project: string, id: string) =>
  `/shared/${encodeURIComponent(project)}/dashboards/${encodeURIComponent(id)}`;
const webappPath = (project: string, id: string) =>
  `/webapps/${encodeURIComponent(project)}/${encodeURIComponent(id)}/`;

/**
 * Dashboards and webapps others shared with the user in projects they are not a member of (they
 * could not reach them from the project list). Nothing at all when there is none, or on an error:
 * the projects above are the page.
 */
export function SharedWithMe() {
  const shared = useApi<SharedItem[]>('/api/shared');
  if (!shared.data?.length) return null;
  return (
    <CardSection title="Shared with me">
      <Table
        small
        label="Shared with me"
        rows={shared.data}
        rowKey={(s) => `${s.project}/${s.kind}/${s.id}`}
        columns={[
          {
            header: 'Name',
            cell: (s) =>
              s.kind === 'dashboard' ? (
                <Link to={sharedDashboardPath(s.project, s.id)}>
                  <strong>{s.name}</strong>
                </Link>
              ) : (
                <a href={webappPath(s.project, s.id)}>
                  <strong>{s.name}</strong>
                </a>
              ),
          },
          { header: 'Kind', cell: (s) => s.kind },
          {
            header: 'Project',
            cell: (s) => (
              <>
                {s.projectName}
                <div className="muted small mono">{s.project}</div>
              </>
            ),
          },
          { header: 'Shared by', cell: (s) => s.sharedBy ?? '—' },
          { header: 'Updated', title: (s) => formatDateTime(s.updatedAt), cell: (s) => formatRelative(s.updatedAt) },
        ]}
      />
    </CardSection>
  );
}
