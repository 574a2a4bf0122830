import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { ApiServiceInfo } from '../api/types';
import { ActionButton } from '../components/can';
import { projectPath } from '../components/layout';
import { CardSection, DialogButtons, EmptyState, ErrorAlert, Loading, Modal, PageHeader } from '../components/ui';
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
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api.post(projectApi(key, 'api-services'), { id, name, endpoints: [] });
      void navigate(projectPath(key, 'api-services', id));
    } catch (err) {
      setError(err);
    }
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
      <Modal open={creating} title="New API service" onClose={() => setCreating(false)}>
        <form className="stack" onSubmit={(e) => void create(e)}>
          {error ? <ErrorAlert error={error} /> : null}
          <label className="field">
            <span>ID (in the URL)</span>
            <input value={id} onChange={(e) => setId(e.target.value)} placeholder="receivers" required />
          </label>
          <label className="field">
            <span>Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Receiver temperatures" />
          </label>
          <DialogButtons onCancel={() => setCreating(false)} submit="Create" disabled={!id} />
        </form>
      </Modal>
    </div>
  );
}
