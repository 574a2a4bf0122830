/**
 * Parts of the personal (/account) and project API-key pages: the create form (name, scopes,
 * expiry), the secret shown once, and the list of keys with its revoke action. The pages differ
 * only in what else a key carries (a project key has a role, which bounds its scopes).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api/client';
import type { ApiKeyInfo } from '../api/types';
import { formatRelative } from '../lib/format';
import type { ApiState } from '../lib/use-api';
import { useConfirm } from './confirm-dialog';
import { LoadedTable } from './loaded-table';
import type { Column } from './table';
import { EmptyState, ErrorAlert } from './ui';

export const API_KEY_SCOPES = ['read', 'write', 'run', 'admin'] as const;

export function ExpiresSelect({ value, onChange }: { value: string; onChange: (days: string) => void }) {
  return (
    <select aria-label="Expires" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="7">Expires in 7 days</option>
      <option value="30">Expires in 30 days</option>
      <option value="90">Expires in 90 days</option>
      <option value="365">Expires in a year</option>
      <option value="">Never expires</option>
    </select>
  );
}

export function CreatedKeySecret({ created }: { created: { name: string; key?: string } | null }) {
  if (!created?.key) return null;
  return (
    <div className="alert success" role="status">
      Key <strong>{created.name}</strong> created. Copy it now, it is shown only once:
      <pre className="log mt-3" aria-label="Secret of the new API key">
        {created.key}
      </pre>
    </div>
  );
}

interface ApiKeysProps {
  /** Where keys are listed and created (POST); a key is revoked with DELETE `{url}/{id}`. */
  url: string;
  keys: ApiState<ApiKeyInfo[]>;
  /** "API key" or "project API key": the form's and the table's names. */
  noun: string;
  placeholder: string;
  defaultScopes: string[];
  defaultDays: string;
  /** The scopes a new key may have now (a project key's role bounds them), with why the others may not. */
  allowed?: { scopes: readonly string[]; why: (scope: string) => string };
  /** More of the create form (a role), and what the POST body gets from it. */
  extraFields?: ReactNode;
  extraBody?: Record<string, unknown>;
  /** Columns after Prefix, and after Expires. */
  middleColumns?: Column<ApiKeyInfo>[];
  tailColumns?: Column<ApiKeyInfo>[];
  /** What stops working when a key is revoked. */
  revokeEffect: string;
}

/** The create form, the new key's secret, and the list of keys with a confirmed Revoke. */
export function ApiKeys(props: ApiKeysProps) {
  const { url, keys, noun, allowed } = props;
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(props.defaultScopes);
  const [days, setDays] = useState(props.defaultDays);
  const [created, setCreated] = useState<ApiKeyInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const usable = (scope: string) => !allowed || allowed.scopes.includes(scope);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setCreated(
        await api.post<ApiKeyInfo>(url, {
          name: name.trim(),
          ...props.extraBody,
          scopes: scopes.filter(usable),
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
      body: props.revokeEffect,
      confirm: 'Revoke key',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(`${url}/${encodeURIComponent(k.id)}`);
      if (created?.id === k.id) setCreated(null);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  };
  const title = noun.charAt(0).toUpperCase() + noun.slice(1);

  return (
    <>
      {confirm.dialog}
      <form className="filter-bar card padded" onSubmit={(e) => void create(e)} aria-label={`New ${noun}`}>
        <input
          aria-label="Key name"
          placeholder={props.placeholder}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="input-m"
        />
        {props.extraFields}
        {API_KEY_SCOPES.map((scope) => (
          <label key={scope} title={usable(scope) ? undefined : allowed?.why(scope)}>
            <input
              type="checkbox"
              disabled={!usable(scope)}
              checked={usable(scope) && scopes.includes(scope)}
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
        label={`${title}s`}
        rowKey={(k) => k.id}
        empty={<EmptyState title={`No ${noun}s`} />}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Prefix', className: 'mono', cell: (k) => `${k.prefix}…` },
          ...(props.middleColumns ?? []),
          { header: 'Scopes', className: 'small', cell: (k) => k.scopes.join(', ') },
          { header: 'Expires', className: 'small', cell: (k) => (k.expiresAt ? formatRelative(k.expiresAt) : 'never') },
          ...(props.tailColumns ?? []),
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
                Revoke<span className="visually-hidden"> {k.name}</span>
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
