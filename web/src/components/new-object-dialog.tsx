import { useState, type FormEvent } from 'react';
import { DialogButtons, ErrorAlert, Modal } from './ui';

/**
 * The "New …" dialog of a project object listed by id (dashboard, notebook, API service): an id,
 * a name, Create. `create` saves the object and moves on; what it throws shows in the dialog.
 */
export function NewObjectDialog({
  open,
  title,
  idLabel = 'ID',
  placeholders,
  nameRequired = true,
  onClose,
  create,
}: {
  open: boolean;
  title: string;
  idLabel?: string;
  placeholders: { id: string; name: string };
  nameRequired?: boolean;
  onClose: () => void;
  create: (id: string, name: string) => Promise<void>;
}) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await create(id, name);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Modal open={open} title={title} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        {error ? <ErrorAlert error={error} /> : null}
        <label className="field">
          <span>{idLabel}</span>
          <input value={id} onChange={(e) => setId(e.target.value)} placeholder={placeholders.id} required />
        </label>
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={placeholders.name}
            required={nameRequired}
          />
        </label>
        <DialogButtons onCancel={onClose} submit="Create" disabled={!id || (nameRequired && !name)} />
      </form>
    </Modal>
  );
}
