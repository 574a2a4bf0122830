import { useState, type FormEvent } from 'react';
import { CreatedKeySecret, ExpiresSelect } from '../components/api-key-parts';
import { api } from '../api/client';
import type { ApiKeyInfo } from '../api/types';
import { LoadedTable } from '../components/loaded-table';
import { EmptyState, ErrorAlert, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useConfirm } from '../components/confirm-dialog';

/** Your API keys, for scripts and the CLI (`Authorization: Bearer <key>`). */
export default function AccountPage() {
  const keys = useApi<ApiKeyInfo[]>('/api/api-keys');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read', 'write', 'run', 'admin']);
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<ApiKeyInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setCreated(
        await api.post<ApiKeyInfo>('/api/api-keys', {
          name: name.trim(),
          scopes,
          ...(days ? { expiresInDays: Number(days) } : {}),
        }),
      );
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (k: ApiKeyInfo) => {
    const ok = await confirm.ask({
      title: `Revoke the key ${k.name}?`,
      body: 'Scripts using it stop working at once.',
      confirm: 'Revoke key',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`/api/api-keys/${encodeURIComponent(k.id)}`);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      {confirm.dialog}
      <PageHeader
        title="API keys"
        subtitle={
          <>
            Keys act as you, for scripts and the llano command: send them as Authorization: Bearer &lt;key&gt;. Every
            route is described in the <a href="/api/docs">API reference</a>.
          </>
        }
      />
      <form className="filter-bar card padded" onSubmit={(e) => void create(e)} aria-label="New API key">
        <input
          aria-label="Key name"
          placeholder="Name, e.g. nightly-export"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="input-m"
        />
        {['read', 'write', 'run', 'admin'].map((scope) => (
          <label key={scope}>
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
            />{' '}
            {scope}
          </label>
        ))}
        <ExpiresSelect value={days} onChange={setDays} />
        <button type="submit" className="btn primary">
          Create key
        </button>
      </form>
      <ErrorAlert error={error} />
      <CreatedKeySecret created={created} />
      <LoadedTable
        state={keys}
        loading="Loading keys…"
        label="API keys"
        rowKey={(k) => k.id}
        empty={<EmptyState title="No API keys" />}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Prefix', className: 'mono', cell: (k) => `${k.prefix}…` },
          { header: 'Scopes', className: 'small', cell: (k) => k.scopes.join(', ') },
          { header: 'Expires', className: 'small', cell: (k) => (k.expiresAt ? formatRelative(k.expiresAt) : 'never') },
          { header: 'Created', className: 'small', cell: (k) => formatRelative(k.createdAt) },
          {
            header: 'Last used',
            className: 'small',
            cell: (k) => (k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'never'),
          },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (k) => (
              <button type="button" className="btn danger small" onClick={() => void revoke(k)}>
                Revoke
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
