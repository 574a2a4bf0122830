import { useState } from 'react';
import { api, projectApi } from '../api/client';
import type { ObjectTags } from '../api/collab-types';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { ErrorAlert } from './ui';

/** Tags and description of an object: shown to every reader, edited by writers. */
export function TagsEditor({ projectKey, kind, name }: { projectKey: string; kind: string; name: string }) {
  const url = projectApi(projectKey, 'tags', kind, name);
  const tags = useApi<ObjectTags>(url);
  const can = useCan('write');
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);
  const t = tags.data;
  if (!t) return tags.error ? <ErrorAlert error={tags.error} onRetry={tags.reload} /> : null;
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const list = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      tags.setData(await api.put<ObjectTags>(url, { tags: list, description }));
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  if (editing)
    return (
      <form className="stack tags-editor" onSubmit={(e) => void save(e)} aria-label="Tags and description">
        {error ? <ErrorAlert error={error} /> : null}
        <label className="stack gap-0">
          <span>Tags (comma-separated)</span>
          <input value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="stack gap-0">
          <span>Description</span>
          <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </label>
        <div className="row gap-1">
          <button type="submit" className="btn primary">
            Save tags
          </button>
          <button type="button" className="btn" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </form>
    );
  return (
    <div className="row gap-1 wrap tags-editor" role="group" aria-label="Tags">
      {t.tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
      {t.description ? <span className="small muted">{t.description}</span> : null}
      {can.ok ? (
        <button
          type="button"
          className="btn small ghost"
          onClick={() => {
            setText(t.tags.join(', '));
            setDescription(t.description);
            setEditing(true);
          }}
        >
          {t.tags.length || t.description ? 'Edit tags' : 'Add tags'}
        </button>
      ) : null}
    </div>
  );
}
