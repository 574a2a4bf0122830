import { useState, type FormEvent } from 'react';
import { api, projectApi } from '../api/client';
import type { Connection, ConnectionType, Dataset } from '../api/types';
import { useApi } from '../lib/use-api';
import { OBJECT_NAME } from '../lib/names';
import { DialogButtons, ErrorAlert, Modal } from './ui';

type Where = 'path' | 'table' | 'query';

/** The dataset storage for what the form says: a file of a folder, or a table or query of a database. */
function storageOf(connection: string, where: Where, text: string, format: string) {
  if (where === 'path') return { type: 'file', connection, path: text, format };
  if (where === 'query') return { type: 'database', connection, query: text };
  const dot = text.indexOf('.');
  const table = dot > 0 ? { schema: text.slice(0, dot), name: text.slice(dot + 1) } : { name: text };
  return { type: 'database', connection, table };
}

/** Creates a dataset read in place through one of the project's connections. */
export function ConnectionDatasetDialog({
  projectKey,
  onClose,
  onDone,
}: {
  projectKey: string;
  onClose: () => void;
  onDone: (d: Dataset) => void;
}) {
  const connections = useApi<Connection[]>(projectApi(projectKey, 'connections'));
  const types = useApi<ConnectionType[]>('/api/connection-types');
  const [name, setName] = useState('');
  const [connection, setConnection] = useState('');
  const [where, setWhere] = useState<Where>('table');
  const [text, setText] = useState('');
  const [format, setFormat] = useState('csv');
  const [error, setError] = useState<unknown>(null);
  const chosen = connections.data?.find((c) => c.name === connection);
  const capabilities = types.data?.find((t) => t.type === chosen?.type)?.capabilities ?? [];
  const reads: Where[] = capabilities.includes('files')
    ? ['path']
    : capabilities.includes('tables')
      ? ['table', 'query']
      : [];

  const pick = (c: string) => {
    setConnection(c);
    const type = connections.data?.find((x) => x.name === c)?.type;
    const caps = types.data?.find((t) => t.type === type)?.capabilities ?? [];
    setWhere(caps.includes('files') ? 'path' : 'table');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onDone(
        await api.post<Dataset>(projectApi(projectKey, 'datasets'), {
          name,
          storage: storageOf(connection, where, text.trim(), format),
        }),
      );
    } catch (err) {
      setError(err);
    }
  };

  const nameValid = OBJECT_NAME.test(name);
  return (
    <Modal open title="New dataset from a connection" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Dataset from a connection">
        <ErrorAlert error={error} title="Could not create the dataset" />
        {connections.data?.length === 0 ? (
          <p className="muted">This project has no connection yet: a project admin adds one on the Connections page.</p>
        ) : null}
        <label className="field">
          Dataset name
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={name !== '' && !nameValid}
          />
        </label>
        <label className="field">
          Connection
          <select required value={connection} onChange={(e) => pick(e.target.value)}>
            <option value="">Choose…</option>
            {(connections.data ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.type})
              </option>
            ))}
          </select>
        </label>
        {reads.length > 1 ? (
          <fieldset className="choice-row">
            <legend>Read</legend>
            {reads.map((w) => (
              <label key={w}>
                <input type="radio" name="where" checked={where === w} onChange={() => setWhere(w)} /> a {w}
              </label>
            ))}
          </fieldset>
        ) : null}
        {chosen ? (
          <label className="field">
            {where === 'path' ? 'File inside the folder' : where === 'table' ? 'Table ([schema.]name)' : 'SQL query'}
            {where === 'query' ? (
              <textarea required rows={4} value={text} onChange={(e) => setText(e.target.value)} />
            ) : (
              <input required value={text} onChange={(e) => setText(e.target.value)} />
            )}
          </label>
        ) : null}
        {where === 'path' && chosen ? (
          <label className="field">
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value)}>
              <option value="csv">CSV</option>
              <option value="parquet">Parquet</option>
              <option value="jsonl">JSON lines</option>
            </select>
          </label>
        ) : null}
        <DialogButtons onCancel={onClose} disabled={!nameValid || !chosen || !text.trim()} submit="Create dataset" />
      </form>
    </Modal>
  );
}
