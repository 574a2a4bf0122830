import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Project } from '../../api/types';
import { projectPath } from '../../components/layout';
import { DialogButtons, ErrorAlert, Modal } from '../../components/ui';

/** Creates a project (key, name, description, tags) and opens it. */
export function NewProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await api.post<Project>('/api/projects', {
        key: key.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      });
      onClose();
      void navigate(projectPath(p.key));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title="New project" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={error} />
        <label className="field">
          Key <span className="hint">Upper-case letters, digits and underscores, e.g. RECEIVER_QA</span>
          <input name="key" required autoFocus value={key} onChange={(e) => setKey(e.target.value.toUpperCase())} />
        </label>
        <label className="field">
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          Description
          <textarea name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          Tags <span className="hint">Comma-separated</span>
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <DialogButtons onCancel={onClose} submit={busy ? 'Creating…' : 'Create project'} disabled={busy} />
      </form>
    </Modal>
  );
}
