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

/** The dashboards and webapps of `/api/shared`, each linked to where it opens: a card of its own unless `inCard`. */
export function SharedItemsTable({ items, inCard = false }: { items: SharedItem[]; inCard?: boolean }) {
  return (
    <Table
      small={inCard}
      card={!inCard}
      label="Shared with me"
      rows={items}
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
  );
}

/**
 * Dashboards and webapps others shared with the user in projects they are not a member of (they
 * could not reach them from the project list), under the projects of the home page. Nothing at
 * all when there is none, or on an error: the projects above are the page (the /shared page says why).
 */
export function SharedWithMe() {
  const shared = useApi<SharedItem[]>('/api/shared');
  if (!shared.data?.length) return null;
  return (
    <CardSection title="Shared with me" extra={<Link to="/shared">Open the list</Link>}>
      <SharedItemsTable items={shared.data} inCard />
    </CardSection>
  );
}
