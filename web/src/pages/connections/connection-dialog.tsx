import { useState, type FormEvent } from 'react';
import { api, projectApi } from '../../api/client';
import type { Connection, ConnectionType } from '../../api/types';
import { SchemaForm, type FormValue } from '../../components/schema-form';
import { DialogButtons, ErrorAlert, Modal } from '../../components/ui';
import { OBJECT_NAME } from '../../lib/names';

const REDACTED = '********';

/** The settings of a connection: everything but its name, type and description. */
function settingsOf(c: Connection): FormValue {
  return Object.fromEntries(Object.entries(c).filter(([k]) => !['name', 'type', 'description'].includes(k)));
}

/**
 * Creates a connection, or edits `editing`: the settings form is generated from the type's
 * schema; secrets are password fields, left as they are (********) unless retyped.
 */
export function ConnectionDialog({
  projectKey,
  types,
  editing,
  onClose,
  onSaved,
}: {
  projectKey: string;
  types: ConnectionType[];
  editing: Connection | null;
  onClose: () => void;
  onSaved: (c: Connection) => void;
}) {
  const [name, setName] = useState(editing?.name ?? '');
  const [type, setType] = useState(editing?.type ?? types[0]?.type ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [settings, setSettings] = useState<FormValue>(editing ? settingsOf(editing) : {});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosen = types.find((t) => t.type === type);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body = { name, type, ...(description ? { description } : {}), ...settings };
    try {
      const saved = editing
        ? await api.put<Connection>(projectApi(projectKey, 'connections', name), body)
        : await api.post<Connection>(projectApi(projectKey, 'connections'), body);
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const nameValid = OBJECT_NAME.test(name);
  return (
    <Modal open title={editing ? `Edit connection ${editing.name}` : 'New connection'} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Connection">
        <ErrorAlert error={error} title="Could not save the connection" />
        <div className="row">
          <label className="field grow">
            Name
            <input
              required
              value={name}
              disabled={editing !== null}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={name !== '' && !nameValid}
            />
          </label>
          <label className="field grow">
            Type
            <select
              value={type}
              disabled={editing !== null}
              onChange={(e) => {
                setType(e.target.value);
                setSettings({});
              }}
            >
              {types.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {chosen ? (
          <>
            <SchemaForm schema={chosen.settings} value={settings} onChange={setSettings} hidden={chosen.secrets} />
            {chosen.secrets.map((key) => (
              <label className="field" key={key}>
                {key.replace(/^./, (c) => c.toUpperCase())}
                {editing ? <span className="hint">Leave as it is to keep the stored one</span> : null}
                <input
                  type="password"
                  autoComplete="new-password"
                  value={typeof settings[key] === 'string' ? settings[key] : ''}
                  placeholder={editing ? REDACTED : ''}
                  onChange={(e) => setSettings({ ...settings, [key]: e.target.value })}
                />
              </label>
            ))}
          </>
        ) : null}
        <DialogButtons
          onCancel={onClose}
          disabled={busy || !nameValid || !chosen}
          submit={editing ? 'Save connection' : 'Create connection'}
        />
      </form>
    </Modal>
  );
}
