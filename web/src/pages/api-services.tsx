import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { ApiServiceInfo } from '../api/types';
import { ActionButton } from '../components/can';
import { projectPath } from '../components/layout';
import { NewObjectDialog } from '../components/new-object-dialog';
import { CardSection, EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';

/** API services of a project: endpoints other systems call with a key. Writers create them here. */
export default function ApiServicesPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const canWrite = useCan('write');
  const services = useApi<ApiServiceInfo[]>(projectApi(key, 'api-services'));
  const [creating, setCreating] = useState(false);

  async function create(id: string, name: string) {
    await api.post(projectApi(key, 'api-services'), { id, name, endpoints: [] });
    void navigate(projectPath(key, 'api-services', id));
  }

  return (
    <div className="stack">
      <PageHeader
        title="API services"
        subtitle="Parameterised SQL, lookups by key, analytics and TypeScript functions that other systems call with a key"
        actions={
          <ActionButton can={canWrite} className="btn primary" onClick={() => setCreating(true)}>
            New API service
          </ActionButton>
        }
      />
      <CardSection title="Services">
        {services.error ? <ErrorAlert error={services.error} onRetry={services.reload} /> : null}
        {!services.data ? (
          <Loading />
        ) : services.data.length === 0 ? (
          <EmptyState title="No API services">
            Publish a query or a lookup of this project’s data as an endpoint at /services/{key}/….
          </EmptyState>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th>Service</th>
                  <th>Endpoints</th>
                  <th>Active version</th>
                  <th>Changed</th>
                </tr>
              </thead>
              <tbody>
                {services.data.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={projectPath(key, 'api-services', s.id)}>{s.name || s.id}</Link>
                    </td>
                    <td className="num">{s.endpoints.length}</td>
                    <td className="num">{s.activeVersion ?? 'not deployed'}</td>
                    <td className="muted small">{formatRelative(s.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardSection>
      <NewObjectDialog
        open={creating}
        title="New API service"
        idLabel="ID (in the URL)"
        placeholders={{ id: 'receivers', name: 'Receiver temperatures' }}
        nameRequired={false}
        onClose={() => setCreating(false)}
        create={create}
      />
    </div>
  );
}
