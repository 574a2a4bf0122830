import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { User } from '../api/types';
import { useAuth } from '../auth';
import { LoadedTable } from '../components/loaded-table';
import { DialogButtons, EmptyState, ErrorAlert, Modal, Notice, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useConfirm } from '../components/confirm-dialog';

/** Global administration of users (global admins only). */
export default function UsersPage() {
  const { me } = useAuth();
  const users = useApi<User[]>(me?.isAdmin ? '/api/users' : null);
  const [form, setForm] = useState({ username: '', displayName: '', email: '', password: '', isAdmin: false });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [actionNotice, setActionNotice] = useState<string | null>(null);
  const confirm = useConfirm();
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

  /** Runs one action on a user, then shows what it did (or why not) and reloads the list. */
  const act = async (action: () => Promise<string>) => {
    setActionError(null);
    setActionNotice(null);
    try {
      setActionNotice(await action());
      users.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const setDisabled = (u: User, disabled: boolean) =>
    act(async () => {
      const r = await api.patch<User & { sessionsEnded: number; apiKeysRevoked: number }>(
        `/api/users/${encodeURIComponent(u.username)}`,
        { disabled },
      );
      return disabled
        ? `Disabled ${u.username}: ${r.sessionsEnded} session(s) ended, ${r.apiKeysRevoked} API key(s) revoked.`
        : `Enabled ${u.username}. They log in again and create new API keys.`;
    });
  const remove = async (u: User) => {
    const ok = await confirm.ask({
      title: `Delete the user ${u.username}?`,
      body: 'Their sessions, API keys and project roles go too; this cannot be undone.',
      confirm: 'Delete user',
      danger: true,
    });
    if (!ok) return;
    void act(async () => {
      await api.del(`/api/users/${encodeURIComponent(u.username)}`);
      return `Deleted ${u.username}.`;
    });
  };

  return (
    <>
      {confirm.dialog}
      <PageHeader title="Users" subtitle="Accounts of this Llano server" />
      <ResetPasswordDialog
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={(u) => {
          setResetting(null);
          setActionNotice(`Set the password of ${u.username}; their sessions ended. Tell them the new password.`);
        }}
      />
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
      <ErrorAlert error={actionError} title="Not done" />
      <Notice text={actionNotice} />
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
          {
            header: 'Status',
            cell: (u) =>
              u.disabled ? <span className="badge bad">disabled</span> : <span className="badge ok">enabled</span>,
          },
          { header: 'Created', className: 'small muted', cell: (u) => formatRelative(u.createdAt) },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (u) => (
              <div className="row end gap-2" aria-label={`Actions on ${u.username}`}>
                <button type="button" className="btn small" onClick={() => setResetting(u)}>
                  Reset password
                </button>
                <button type="button" className="btn small" onClick={() => void setDisabled(u, !u.disabled)}>
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
                <button type="button" className="btn danger small" onClick={() => void remove(u)}>
                  Delete
                </button>
              </div>
            ),
          },
        ]}
      />
    </>
  );
}

/** Sets a user's password (their sessions end); the admin tells them the new one. */
function ResetPasswordDialog({
  user,
  onClose,
  onDone,
}: {
  user: User | null;
  onClose: () => void;
  onDone: (user: User) => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setPassword('');
    setError(null);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    setError(null);
    try {
      await api.put(`/api/users/${encodeURIComponent(user.username)}/password`, { password });
      setPassword('');
      onDone(user);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal open={user !== null} title={`Reset the password of ${user?.username ?? ''}`} onClose={close}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={error} title="Not changed" />
        <label className="field">
          New password <span className="hint">At least 8 characters; their sessions end</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <DialogButtons onCancel={close} submit="Set password" disabled={password.length < 8} />
      </form>
    </Modal>
  );
}
