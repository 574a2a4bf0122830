import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Connection, ConnectionTestResult, ConnectionType } from '../api/types';
import { useAuth } from '../auth';
import { projectPath } from '../components/layout';
import { LoadedTable } from '../components/loaded-table';
import { ErrorAlert, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { ConnectionDialog } from './connections/connection-dialog';
import { useConfirm } from '../components/confirm-dialog';

/** A project's connections: what datasets read through (folders, PostgreSQL, SQLite). */
export default function ConnectionsPage() {
  const { key = '' } = useParams();
  const { me } = useAuth();
  const connections = useApi<Connection[]>(projectApi(key, 'connections'));
  const types = useApi<ConnectionType[]>('/api/connection-types');
  const canTest = useProjectRole('writer');
  const isProjectAdmin = useProjectRole('admin');
  const [editing, setEditing] = useState<Connection | 'new' | null>(null);
  const [tested, setTested] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();

  const typeOf = (t: string) => types.data?.find((x) => x.type === t);
  // Admin-only types (server folders) are a global admin's to create, change and delete.
  const mayManage = (c: { type: string }) => isProjectAdmin === true && (me?.isAdmin || !typeOf(c.type)?.adminOnly);
  const creatable = (types.data ?? []).filter((t) => me?.isAdmin || !t.adminOnly);

  const test = async (name: string) => {
    setError(null);
    setTested(null);
    try {
      setTested(await api.post<ConnectionTestResult>(projectApi(key, 'connections', name, 'test')));
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (name: string) => {
    const ok = await confirm.ask({
      title: `Delete connection ${name}?`,
      body: 'Datasets cannot read through it afterwards; the server refuses while a dataset still reads it.',
      confirm: 'Delete connection',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(projectApi(key, 'connections', name));
      connections.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      {confirm.dialog}
      <PageHeader
        title="Connections"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Folders and databases that datasets read in place"
        actions={
          isProjectAdmin ? (
            <button type="button" className="btn primary" onClick={() => setEditing('new')}>
              New connection
            </button>
          ) : null
        }
      />
      <ErrorAlert error={error} />
      {tested ? (
        <div className={`alert ${tested.ok ? 'success' : 'error'}`} role="status">
          {tested.ok ? 'Reached' : 'Could not reach'} {tested.name}: {tested.message} ({tested.durationMs} ms)
        </div>
      ) : null}
      <LoadedTable
        state={connections}
        loading="Loading connections…"
        label="Connections"
        empty="No connections yet. A project admin adds one to read a folder or a database in place."
        rowKey={(c) => c.name}
        columns={[
          {
            header: 'Name',
            cell: (c) => (
              <>
                <strong>{c.name}</strong>
                {c.description ? <div className="muted small">{c.description}</div> : null}
              </>
            ),
          },
          { header: 'Type', cell: (c) => typeOf(c.type)?.label ?? c.type },
          {
            header: '',
            id: 'actions',
            className: 'right nowrap',
            cell: (c) => (
              <div className="row end">
                {canTest ? (
                  <button type="button" className="btn small" onClick={() => void test(c.name)}>
                    Test
                  </button>
                ) : null}
                {mayManage(c) ? (
                  <>
                    <button type="button" className="btn small" onClick={() => setEditing(c)}>
                      Edit
                    </button>
                    <button type="button" className="btn danger small" onClick={() => void remove(c.name)}>
                      Delete
                    </button>
                  </>
                ) : null}
              </div>
            ),
          },
        ]}
      />
      {editing !== null && types.data ? (
        <ConnectionDialog
          projectKey={key}
          types={editing === 'new' ? creatable : types.data}
          editing={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            connections.reload();
          }}
        />
      ) : null}
    </>
  );
}
