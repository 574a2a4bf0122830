import { useState } from 'react';
import { API_KEY_SCOPES, ApiKeys } from '../components/api-key-parts';
import { Link, useParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { ApiKeyInfo, Project, ProjectRole } from '../api/types';
import { projectPath } from '../components/layout';
import { EmptyState, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

const ROLES: ProjectRole[] = ['reader', 'writer', 'admin'];
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
  const [role, setRole] = useState<ProjectRole>('reader');

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

  return (
    <>
      {header}
      <ApiKeys
        url={projectApi(key, 'api-keys')}
        keys={keys}
        noun="project API key"
        placeholder="Name, e.g. nightly-loader"
        defaultScopes={[...API_KEY_SCOPES]}
        defaultDays="90"
        allowed={{ scopes: SCOPES_OF_ROLE[role], why: (scope) => `The ${role} role cannot use ${scope}` }}
        extraFields={
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        }
        extraBody={{ role }}
        middleColumns={[{ header: 'Role', cell: (k) => k.role ?? '' }]}
        tailColumns={[{ header: 'Created by', className: 'small', cell: (k) => k.username }]}
        revokeEffect="Whatever uses it is refused at once."
      />
    </>
  );
}
