import { useState, type FormEvent } from 'react';
import { useConfirm } from '../components/confirm-dialog';

/** A file name the server accepts (webapp-limits.ts): said here before a save refuses it. */
export const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

interface Folder {
  folders: Map<string, Folder>;
  files: string[];
}

/** Paths → nested folders, so `js/chart.js` shows under `js/`. */
function treeOf(names: string[]): Folder {
  const root: Folder = { folders: new Map(), files: [] };
  for (const name of [...names].sort()) {
    const parts = name.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      if (!folder.folders.has(part)) folder.folders.set(part, { folders: new Map(), files: [] });
      folder = folder.folders.get(part)!;
    }
    folder.files.push(name);
  }
  return root;
}

/**
 * A webapp's files as a tree of folders: select one to edit; writers add, rename and delete
 * files (deleting asks first). Changes stay in the editor until it is saved.
 */
export function WebappFileTree({
  names,
  current,
  canEdit,
  onSelect,
  onAdd,
  onRename,
  onDelete,
}: {
  names: string[];
  current: string;
  canEdit: boolean;
  onSelect: (name: string) => void;
  onAdd: (name: string) => void;
  onRename: (from: string, to: string) => void;
  onDelete: (name: string) => void;
}) {
  const [newFile, setNewFile] = useState('');
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const { ask, dialog } = useConfirm();
  const free = (name: string) => FILE_NAME.test(name) && !names.includes(name);

  function add(e: FormEvent) {
    e.preventDefault();
    if (!free(newFile)) return;
    onAdd(newFile);
    setNewFile('');
  }

  function rename(e: FormEvent) {
    e.preventDefault();
    if (!renaming || !free(renaming.to)) return;
    onRename(renaming.from, renaming.to);
    setRenaming(null);
  }

  async function remove(name: string) {
    const ok = await ask({
      title: `Delete file ${name}?`,
      body: 'It is removed from the webapp when you save; earlier versions keep it in the history.',
      confirm: 'Delete file',
      danger: true,
    });
    if (ok) onDelete(name);
  }

  const file = (name: string) => (
    <li key={name}>
      {renaming?.from === name ? (
        <form onSubmit={rename} className="rename-file">
          <input
            aria-label={`New name for ${name}`}
            value={renaming.to}
            autoFocus
            onChange={(e) => setRenaming({ from: name, to: e.target.value })}
          />
          <button type="submit" className="btn small" disabled={!free(renaming.to)}>
            Rename
          </button>
          <button type="button" className="btn small" onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <button
            type="button"
            className={name === current ? 'file active' : 'file'}
            aria-current={name === current ? 'true' : undefined}
            onClick={() => onSelect(name)}
          >
            {name.split('/').pop()}
          </button>
          {canEdit && name === current ? (
            <>
              <button
                type="button"
                className="btn small"
                aria-label={`Rename ${name}`}
                title="Rename"
                onClick={() => setRenaming({ from: name, to: name })}
              >
                ✎
              </button>
              <button
                type="button"
                className="btn small"
                aria-label={`Delete ${name}`}
                title="Delete"
                onClick={() => void remove(name)}
              >
                ✕
              </button>
            </>
          ) : null}
        </>
      )}
    </li>
  );

  const folder = (f: Folder, path: string) => (
    <ul>
      {[...f.folders.entries()].map(([name, sub]) => (
        <li key={`${path}${name}/`} className="folder">
          <span className="folder-name">{name}/</span>
          {folder(sub, `${path}${name}/`)}
        </li>
      ))}
      {f.files.map(file)}
    </ul>
  );

  return (
    <nav className="webapp-files" aria-label="Files">
      {dialog}
      {folder(treeOf(names), '')}
      {canEdit ? (
        <form onSubmit={add} className="stack">
          <label className="field">
            <span>New file</span>
            <input value={newFile} onChange={(e) => setNewFile(e.target.value)} placeholder="js/chart.js" />
          </label>
          <button type="submit" className="btn small" disabled={!free(newFile)}>
            Add file
          </button>
        </form>
      ) : null}
    </nav>
  );
}
