import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { User } from '../api/types';
import { useAuth } from '../auth';
import { LoadedTable } from '../components/loaded-table';
import { EmptyState, ErrorAlert, Notice, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

/** Global administration of users (global admins only). */
export default function UsersPage() {
  const { me } = useAuth();
  const users = useApi<User[]>(me?.isAdmin ? '/api/users' : null);
  const [form, setForm] = useState({ username: '', displayName: '', email: '', password: '', isAdmin: false });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!me?.isAdmin)
    return <EmptyState title="Administrators only">Ask a Llano administrator to manage users.</EmptyState>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const u = await api.post<User>('/api/users', {
        username: form.username.trim(),
        password: form.password,
        isAdmin: form.isAdmin,
        ...(form.displayName ? { displayName: form.displayName } : {}),
        ...(form.email ? { email: form.email } : {}),
      });
      setNotice(`Created user ${u.username}. Give them project roles from each project's Members page.`);
      setForm({ username: '', displayName: '', email: '', password: '', isAdmin: false });
      users.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title="Users" subtitle="Accounts of this Llano server" />
      <section className="card mb-5" aria-label="New user">
        <div className="card-header">
          <h2>New user</h2>
        </div>
        <form className="card-body stack" onSubmit={(e) => void submit(e)}>
          <ErrorAlert error={error} title="Not created" />
          <Notice text={notice} />
          <div className="form-grid">
            <label className="field">
              Username
              <input required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
            </label>
            <label className="field">
              Display name
              <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
            </label>
            <label className="field">
              Email
              <input type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
            </label>
            <label className="field">
              Password <span className="hint">At least 8 characters</span>
              <input
                type="password"
                autoComplete="new-password"
                required
                minLength={8}
                value={form.password}
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
            </label>
          </div>
          <label className="row small gap-2">
            <input
              type="checkbox"
              checked={form.isAdmin}
              onChange={(e) => setForm({ ...form, isAdmin: e.target.checked })}
            />{' '}
            Global administrator (sees and manages every project)
          </label>
          <div>
            <button type="submit" className="btn primary">
              Create user
            </button>
          </div>
        </form>
      </section>
      <LoadedTable
        state={users}
        loading="Loading users…"
        label="Users"
        rowKey={(u) => u.id}
        columns={[
          { header: 'Username', cell: (u) => <strong>{u.username}</strong> },
          { header: 'Name', cell: (u) => u.displayName ?? '—' },
          { header: 'Email', cell: (u) => u.email ?? '—' },
          { header: 'Role', cell: (u) => (u.isAdmin ? <span className="badge ext plain">admin</span> : 'user') },
          { header: 'Created', className: 'small muted', cell: (u) => formatRelative(u.createdAt) },
        ]}
      />
    </>
  );
}
