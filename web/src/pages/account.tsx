import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ApiKeyInfo } from '../api/types';
import { Async, EmptyCard, ErrorAlert, ListTable, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';

/** Your API keys, for scripts and the CLI (`Authorization: Bearer <key>`). */
export default function AccountPage() {
  const keys = useApi<ApiKeyInfo[]>('/api/api-keys');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKeyInfo | null>(null);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await api.post<ApiKeyInfo>('/api/api-keys', { name: name.trim() }));
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (k: ApiKeyInfo) => {
    if (!window.confirm(`Revoke the key ${k.name}? Scripts using it stop working.`)) return;
    try {
      await api.del(`/api/api-keys/${encodeURIComponent(k.id)}`);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title="API keys" subtitle="Keys act as you, for scripts and the llano command: send them as Authorization: Bearer <key>" />
      <form className="filter-bar card" style={{ padding: 12 }} onSubmit={create} aria-label="New API key">
        <input aria-label="Key name" placeholder="Name, e.g. nightly-export" required value={name} onChange={(e) => setName(e.target.value)} style={{ width: 280 }} />
        <button type="submit" className="btn primary">
          Create key
        </button>
      </form>
      <ErrorAlert error={error} />
      {created?.key ? (
        <div className="alert success" role="status">
          Key <strong>{created.name}</strong> created. Copy it now, it is shown only once:
          <pre className="log" style={{ marginTop: 8 }} aria-label="New API key">
            {created.key}
          </pre>
        </div>
      ) : null}
      <Async state={keys} label="Loading keys…">
        {(all) =>
          all.length === 0 ? (
            <EmptyCard title="No API keys" />
          ) : (
            <ListTable headers={['Name', 'Prefix', 'Created', 'Last used', '']} label="API keys">
              {all.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td className="small">{formatRelative(k.createdAt)}</td>
                  <td className="small">{k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'never'}</td>
                  <td className="right">
                    <button type="button" className="btn danger small" onClick={() => void revoke(k)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </ListTable>
          )
        }
      </Async>
    </>
  );
}
