import { useState, type FormEvent } from 'react';
import { CreatedKeySecret, ExpiresSelect } from '../components/api-key-parts';
import { Link, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { ApiKeyInfo, Project, ProjectRole } from '../api/types';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { LoadedTable } from '../components/loaded-table';
import { EmptyState, ErrorAlert, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

const ROLES: ProjectRole[] = ['reader', 'writer', 'admin'];
const SCOPES = ['read', 'write', 'run', 'admin'] as const;
/** The scopes a role can use (the server refuses admin below the admin role). */
const SCOPES_OF_ROLE: Record<ProjectRole, string[]> = {
  reader: ['read'],
  writer: ['read', 'write', 'run'],
  admin: ['read', 'write', 'run', 'admin'],
};

/** Keys that act on this project only, with their own role: for a service or a pipeline rather than a person. */
export default function ProjectApiKeysPage() {
  const { key = '' } = useParams();
  const project = useApi<Project>(projectApi(key));
  const isAdmin = project.data?.role === 'admin';
  const keys = useApi<ApiKeyInfo[]>(isAdmin ? projectApi(key, 'api-keys') : null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<ProjectRole>('reader');
  const [scopes, setScopes] = useState<string[]>(SCOPES_OF_ROLE.reader);
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<ApiKeyInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();

  const header = (
    <PageHeader
      title="Project API keys"
      breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
      subtitle={
        <>
          A project key reaches this project only, with its own role and scopes; send it as Authorization: Bearer
          &lt;key&gt;. Your personal keys are on <Link to="/account">your API keys page</Link>.
        </>
      }
    />
  );
  if (project.data && !isAdmin)
    return (
      <>
        {header}
        <EmptyState title="Project admins only">
          Your role on {key} is {project.data.role ?? 'none'}: ask a project admin to create or revoke project keys.
        </EmptyState>
      </>
    );

  const chooseRole = (r: ProjectRole) => {
    setRole(r);
    setScopes(SCOPES_OF_ROLE[r]);
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setCreated(
        await api.post<ApiKeyInfo>(projectApi(key, 'api-keys'), {
          name: name.trim(),
          role,
          scopes,
          ...(days ? { expiresInDays: Number(days) } : {}),
        }),
      );
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (k: ApiKeyInfo) => {
    const ok = await confirm.ask({
      title: `Revoke the key ${k.name}?`,
      body: 'Whatever uses it is refused at once.',
      confirm: 'Revoke key',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(projectApi(key, 'api-keys', k.id));
      if (created?.id === k.id) setCreated(null);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      {confirm.dialog}
      {header}
      <form className="filter-bar card padded" onSubmit={(e) => void create(e)} aria-label="New project API key">
        <input
          aria-label="Key name"
          placeholder="Name, e.g. nightly-loader"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="input-m"
        />
        <select aria-label="Role" value={role} onChange={(e) => chooseRole(e.target.value as ProjectRole)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        {SCOPES.map((scope) => {
          const allowed = SCOPES_OF_ROLE[role].includes(scope);
          return (
            <label key={scope} title={allowed ? undefined : `The ${role} role cannot use ${scope}`}>
              <input
                type="checkbox"
                disabled={!allowed}
                checked={allowed && scopes.includes(scope)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
              />{' '}
              {scope}
            </label>
          );
        })}
        <ExpiresSelect value={days} onChange={setDays} />
        <button type="submit" className="btn primary">
          Create key
        </button>
      </form>
      <ErrorAlert error={error} />
      <CreatedKeySecret created={created} />
      <LoadedTable
        state={keys}
        loading="Loading keys…"
        label="Project API keys"
        rowKey={(k) => k.id}
        empty={<EmptyState title="No project API keys" />}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Prefix', className: 'mono', cell: (k) => `${k.prefix}…` },
          { header: 'Role', cell: (k) => k.role ?? '' },
          { header: 'Scopes', className: 'small', cell: (k) => k.scopes.join(', ') },
          { header: 'Expires', className: 'small', cell: (k) => (k.expiresAt ? formatRelative(k.expiresAt) : 'never') },
          { header: 'Created by', className: 'small', cell: (k) => k.username },
          {
            header: 'Last used',
            className: 'small',
            cell: (k) => (k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'never'),
          },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (k) => (
              <button type="button" className="btn danger small" onClick={() => void revoke(k)}>
                Revoke<span className="visually-hidden"> {k.name}</span>
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
