import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Group } from '../api/types';
import { useAuth } from '../auth';
import { useConfirm } from '../components/confirm-dialog';
import { LoadedTable } from '../components/loaded-table';
import { DialogButtons, EmptyState, ErrorAlert, Modal, Notice, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';

/** Usernames typed with commas, spaces or one per line. */
const usernames = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** Global administration of groups (global admins only): projects give groups roles as `group:NAME`. */
export default function GroupsPage() {
  const { me } = useAuth();
  const groups = useApi<Group[]>(me?.isAdmin ? '/api/groups' : null);
  const [form, setForm] = useState({ name: '', description: '', members: '' });
  const [editing, setEditing] = useState<Group | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const confirm = useConfirm();
  if (!me?.isAdmin)
    return <EmptyState title="Administrators only">Ask a Llano administrator to create or change groups.</EmptyState>;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const g = await api.post<Group>('/api/groups', {
        name: form.name.trim(),
        members: usernames(form.members),
        ...(form.description.trim() ? { description: form.description.trim() } : {}),
      });
      setNotice(`Created group ${g.name}. Give it a role on a project's Members page as group:${g.name}.`);
      setForm({ name: '', description: '', members: '' });
      groups.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (g: Group) => {
    const ok = await confirm.ask({
      title: `Delete the group ${g.name}?`,
      body: `Its ${g.members.length} members lose the project roles they had through it; their accounts stay.`,
      confirm: 'Delete group',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(`/api/groups/${encodeURIComponent(g.name)}`);
      setNotice(`Deleted group ${g.name}.`);
      groups.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      {confirm.dialog}
      <PageHeader
        title="Groups"
        subtitle="Groups of users. A project gives a group a role (and fine rights) on its Members page as group:NAME; dashboards and webapps can be shared with a group."
      />
      <form className="filter-bar card padded" onSubmit={(e) => void create(e)} aria-label="New group">
        <input
          aria-label="Group name"
          placeholder="Name, e.g. ops"
          required
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          className="input-m"
        />
        <input
          aria-label="Description"
          placeholder="Description (optional)"
          value={form.description}
          onChange={(e) => setForm({ ...form, description: e.target.value })}
        />
        <input
          aria-label="Members (usernames, comma-separated)"
          placeholder="Members: ann, ben"
          value={form.members}
          onChange={(e) => setForm({ ...form, members: e.target.value })}
        />
        <button type="submit" className="btn primary">
          Create group
        </button>
      </form>
      <ErrorAlert error={error} />
      <Notice text={notice} />
      <LoadedTable
        state={groups}
        loading="Loading groups…"
        label="Groups"
        rowKey={(g) => g.name}
        empty={<EmptyState title="No groups yet" />}
        columns={[
          { header: 'Group', cell: (g) => <strong>{g.name}</strong> },
          { header: 'Description', className: 'small', cell: (g) => g.description || '' },
          {
            header: 'Members',
            className: 'small',
            cell: (g) => (g.members.length ? g.members.join(', ') : <span className="muted">none</span>),
          },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (g) => (
              <span className="row end">
                <button type="button" className="btn small" onClick={() => setEditing(g)}>
                  Edit members<span className="visually-hidden"> of {g.name}</span>
                </button>
                <button type="button" className="btn danger small" onClick={() => void remove(g)}>
                  Delete<span className="visually-hidden"> {g.name}</span>
                </button>
              </span>
            ),
          },
        ]}
      />
      <EditMembers
        group={editing}
        close={() => setEditing(null)}
        saved={(g) => {
          setEditing(null);
          setNotice(`Group ${g.name} now has ${g.members.length} members.`);
          groups.reload();
        }}
      />
    </>
  );
}

function EditMembers({ group, close, saved }: { group: Group | null; close: () => void; saved: (g: Group) => void }) {
  const [members, setMembers] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<string | null>(null);
  // The form starts from the group each time the dialog opens for one.
  if (group && shown !== group.name) {
    setShown(group.name);
    setMembers(group.members.join('\n'));
    setDescription(group.description);
    setError(null);
  }
  if (!group && shown !== null) setShown(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!group) return;
    setError(null);
    try {
      saved(
        await api.put<Group>(`/api/groups/${encodeURIComponent(group.name)}`, {
          description,
          members: usernames(members),
        }),
      );
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal open={group !== null} title={`Members of ${group?.name ?? ''}`} onClose={close}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={error} title="Not changed" />
        <label className="field">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          Members <span className="hint">Usernames, one per line (or comma-separated); unknown names are refused</span>
          <textarea rows={8} value={members} onChange={(e) => setMembers(e.target.value)} />
        </label>
        <DialogButtons onCancel={close} submit="Save members" />
      </form>
    </Modal>
  );
}
