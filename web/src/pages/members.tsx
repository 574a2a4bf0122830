import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Group, Member, Project, ProjectRole, User } from '../api/types';
import { useAuth } from '../auth';
import { projectPath } from '../components/layout';
import { LoadedTable } from '../components/loaded-table';
import { ErrorAlert, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useConfirm } from '../components/confirm-dialog';

const ROLES: ProjectRole[] = ['reader', 'writer', 'admin'];
const RIGHTS = ['run-scenarios', 'export-data', 'manage-dashboards'] as const;

export default function MembersPage() {
  const { key = '' } = useParams();
  const { me } = useAuth();
  const project = useApi<Project>(projectApi(key));
  const members = useApi<Member[]>(projectApi(key, 'members'));
  // Only global admins may list users; others type the username.
  const users = useApi<User[]>(me?.isAdmin ? '/api/users' : null);
  // Any signed-in user may list groups: a project admin grants roles to them.
  const groups = useApi<Group[]>('/api/groups');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<ProjectRole>('reader');
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const isAdmin = project.data?.role === 'admin';

  const setMember = async (user: string, r: ProjectRole, rights: readonly string[] = []) => {
    setError(null);
    try {
      await api.put(projectApi(key, 'members', user), { role: r, rights });
      members.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (user: string) => {
    const ok = await confirm.ask({
      title: `Remove ${user} from ${key}?`,
      body: `${user} can no longer see or change this project; scenarios that run as ${user} fail until given another user.`,
      confirm: 'Remove member',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(projectApi(key, 'members', user));
      members.reload();
    } catch (e) {
      setError(e);
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    await setMember(username.trim(), role);
    setUsername('');
  };

  return (
    <>
      {confirm.dialog}
      <PageHeader
        title="Members"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Readers see, writers change, admins manage members and settings; a reader may be granted fine rights (writers and admins have them all). Give a group a role as group:NAME."
      />
      <ErrorAlert error={error} />
      {isAdmin ? (
        <form className="filter-bar card padded" onSubmit={(e) => void add(e)} aria-label="Add a member">
          <input
            list="known-users"
            aria-label="Username or group:NAME"
            placeholder="Username or group:NAME"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <datalist id="known-users">
            {(users.data ?? []).map((u) => (
              <option key={u.username} value={u.username}>
                {u.displayName ?? ''}
              </option>
            ))}
            {(groups.data ?? []).map((g) => (
              <option key={`group:${g.name}`} value={`group:${g.name}`}>
                {`group of ${g.members.length}`}
              </option>
            ))}
          </datalist>
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit" className="btn primary">
            Add member
          </button>
        </form>
      ) : project.data ? (
        <p className="muted" role="note">
          Your role on {key} is {project.data.role ?? 'none'}: only project admins add members or change roles and
          rights.
        </p>
      ) : null}
      {isAdmin ? (
        <p className="small">
          Keys for services rather than people: <Link to={projectPath(key, 'api-keys')}>project API keys</Link>.
        </p>
      ) : null}
      <LoadedTable
        state={members}
        loading="Loading members…"
        label="Members"
        rowKey={(m) => m.username}
        columns={[
          { header: 'User or group', cell: (m) => (m.kind === 'group' ? <strong>{m.username}</strong> : m.username) },
          {
            header: 'Role',
            cell: (m) =>
              isAdmin ? (
                <select
                  aria-label={`Role of ${m.username}`}
                  value={m.role}
                  onChange={(e) => void setMember(m.username, e.target.value as ProjectRole, m.rights)}
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              ) : (
                m.role
              ),
          },
          {
            header: 'Fine rights',
            id: 'rights',
            cell: (m) =>
              m.role !== 'reader' ? (
                <span className="muted">all (by role)</span>
              ) : isAdmin ? (
                <span className="row">
                  {RIGHTS.map((right) => (
                    <label key={right}>
                      <input
                        type="checkbox"
                        checked={m.rights.includes(right)}
                        onChange={(e) =>
                          void setMember(
                            m.username,
                            m.role,
                            e.target.checked ? [...m.rights, right] : m.rights.filter((x) => x !== right),
                          )
                        }
                      />{' '}
                      {right}
                    </label>
                  ))}
                </span>
              ) : (
                m.rights.join(', ') || 'none'
              ),
          },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (m) =>
              isAdmin ? (
                <button type="button" className="btn danger small" onClick={() => void remove(m.username)}>
                  Remove
                </button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
