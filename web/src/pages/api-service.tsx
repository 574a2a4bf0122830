import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage, projectApi } from '../api/client';
import type {
  ApiDeployment,
  ApiEndpoint,
  ApiParameter,
  ApiRequestLogEntry,
  ApiServiceInfo,
  EndpointMetrics,
  EndpointTestResult,
  ParameterType,
  SavedTest,
  ServiceKeyInfo,
} from '../api/types';
import { ActionButton, ReadOnlyNotice } from '../components/can';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { SqlEditor } from '../components/sql-editor';
import { LoadedTable } from '../components/loaded-table';
import { Table } from '../components/table';
import {
  Async,
  CardSection,
  EmptyState,
  ErrorAlert,
  Loading,
  Modal,
  Notice,
  PageError,
  PageHeader,
} from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';

const PARAMETER_TYPES: ParameterType[] = ['string', 'integer', 'number', 'boolean', 'date'];

/** A new endpoint of each type, as the "Add endpoint" menu makes it. */
function newEndpoint(type: ApiEndpoint['type'], id: string): ApiEndpoint {
  switch (type) {
    case 'sql-query':
      return { id, type, sql: 'SELECT 1 AS one', parameters: [] };
    case 'lookup':
      return { id, type, dataset: '', key: [] };
    case 'analytics':
      return { id, type, function: 'change-points' };
    default:
      return {
        id,
        type: 'typescript-function',
        code: 'export async function handler(body: unknown, llano: { sql(q: string, p?: object): Promise<unknown> }) {\n  return { echo: body };\n}\n',
      };
  }
}

function ParameterTable({
  parameters,
  onChange,
  readOnly,
}: {
  parameters: ApiParameter[];
  onChange: (p: ApiParameter[]) => void;
  readOnly: boolean;
}) {
  const set = (i: number, change: Partial<ApiParameter>) =>
    onChange(parameters.map((p, j) => (i === j ? { ...p, ...change } : p)));
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="table">
        <caption className="muted small">
          Parameters: write :name in the SQL; values are bound, never pasted into it
        </caption>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Required</th>
            <th>
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {parameters.map((p, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label={`Name of parameter ${i + 1}`}
                  value={p.name}
                  readOnly={readOnly}
                  onChange={(e) => set(i, { name: e.target.value })}
                />
              </td>
              <td>
                <select
                  aria-label={`Type of parameter ${p.name || i + 1}`}
                  value={p.type}
                  disabled={readOnly}
                  onChange={(e) => set(i, { type: e.target.value as ParameterType })}
                >
                  {PARAMETER_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Parameter ${p.name || i + 1} is required`}
                  checked={p.required !== false}
                  disabled={readOnly}
                  onChange={(e) => set(i, { required: e.target.checked })}
                />
              </td>
              <td>
                {readOnly ? null : (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => onChange(parameters.filter((_, j) => j !== i))}
                  >
                    Remove {p.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
        {readOnly ? null : (
          <tfoot>
            <tr>
              <td colSpan={4}>
                <button
                  type="button"
                  className="btn small"
                  onClick={() => onChange([...parameters, { name: `p${parameters.length + 1}`, type: 'string' }])}
                >
                  Add parameter
                </button>
              </td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

function EndpointEditor({
  endpoint,
  onChange,
  readOnly,
}: {
  endpoint: ApiEndpoint;
  onChange: (e: ApiEndpoint) => void;
  readOnly: boolean;
}) {
  const [testsText, setTestsText] = useState(JSON.stringify(endpoint.tests ?? [], null, 2));
  const [testsError, setTestsError] = useState<string | null>(null);
  return (
    <div className="stack">
      {endpoint.type === 'sql-query' ? (
        <>
          <SqlEditor
            label="Endpoint SQL"
            value={endpoint.sql}
            onChange={(sql) => !readOnly && onChange({ ...endpoint, sql })}
            schema={{}}
            error={null}
          />
          <ParameterTable
            parameters={endpoint.parameters}
            readOnly={readOnly}
            onChange={(parameters) => onChange({ ...endpoint, parameters })}
          />
        </>
      ) : null}
      {endpoint.type === 'lookup' ? (
        <div className="row">
          <label className="field">
            <span>Dataset</span>
            <input
              value={endpoint.dataset}
              readOnly={readOnly}
              onChange={(e) => onChange({ ...endpoint, dataset: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Key columns (comma-separated)</span>
            <input
              value={endpoint.key.join(', ')}
              readOnly={readOnly}
              onChange={(e) =>
                onChange({
                  ...endpoint,
                  key: e.target.value
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean),
                })
              }
            />
          </label>
        </div>
      ) : null}
      {endpoint.type === 'analytics' ? (
        <label className="field">
          <span>Function</span>
          <select
            value={endpoint.function}
            disabled={readOnly}
            onChange={(e) => onChange({ ...endpoint, function: e.target.value as typeof endpoint.function })}
          >
            <option value="change-points">change points of a posted series</option>
            <option value="score-against-history">score values against a history (robust z)</option>
          </select>
        </label>
      ) : null}
      {endpoint.type === 'typescript-function' ? (
        <label className="field">
          <span>Code: export handler(body, llano)</span>
          <textarea
            className="code"
            rows={10}
            value={endpoint.code}
            readOnly={readOnly}
            onChange={(e) => onChange({ ...endpoint, code: e.target.value })}
          />
        </label>
      ) : null}
      <label className="field">
        <span>
          Saved tests (JSON: [{'{'}"name", "body"{'}'}])
        </span>
        <textarea
          className="code"
          rows={4}
          value={testsText}
          readOnly={readOnly}
          onChange={(e) => {
            setTestsText(e.target.value);
            try {
              onChange({ ...endpoint, tests: JSON.parse(e.target.value) as SavedTest[] });
              setTestsError(null);
            } catch (err) {
              setTestsError(errorMessage(err));
            }
          }}
        />
      </label>
      {testsError ? <p className="error small">Saved tests: {testsError}</p> : null}
    </div>
  );
}

/** One API service: its endpoints (edit, test), deployments (deploy, switch), keys, metrics and request log. */
export default function ApiServicePage() {
  const { key = '', id = '' } = useParams();
  const base = projectApi(key, 'api-services', id);
  const canWrite = useCan('write');
  const canAdmin = useCan('admin');
  const service = useApi<ApiServiceInfo>(base);
  const deployments = useApi<ApiDeployment[]>(`${base}/deployments`);
  const metrics = useApi<{ endpoints: EndpointMetrics[] }>(`${base}/metrics`);
  const log = useApi<ApiRequestLogEntry[]>(`${base}/requests`, { limit: 50 });
  const keys = useApi<ServiceKeyInfo[]>(canAdmin.ok ? `${base}/keys` : null);
  // The edits not saved yet; null shows the service as loaded.
  const [edited, setDraft] = useState<ApiServiceInfo | null>(null);
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tests, setTests] = useState<EndpointTestResult[] | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [keyName, setKeyName] = useState('');
  const [addType, setAddType] = useState<ApiEndpoint['type']>('sql-query');
  const { ask, dialog } = useConfirm();
  const navigate = useNavigate();

  const act = async (what: () => Promise<string>) => {
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
    } catch (err) {
      setError(err);
    }
  };
  const reloadAll = () => {
    service.reload();
    deployments.reload();
    metrics.reload();
    log.reload();
  };

  if (service.error) return <PageError error={service.error} onRetry={service.reload} />;
  const draft = edited ?? service.data;
  if (!draft) return <Loading />;
  const readOnly = canWrite.ok !== true;
  const endpoint = draft.endpoints[selected] as ApiEndpoint | undefined;
  const setEndpoint = (e: ApiEndpoint) =>
    setDraft({ ...draft, endpoints: draft.endpoints.map((x, i) => (i === selected ? e : x)) });

  return (
    <div className="stack">
      <PageHeader
        title={draft.name || draft.id}
        breadcrumbs={<Link to={projectPath(key, 'api-services')}>API services</Link>}
        subtitle={
          <>
            Callers: POST /services/{key}/{id}/&lt;endpoint&gt; with a key ·{' '}
            {draft.activeVersion ? `version ${draft.activeVersion} answers` : 'not deployed yet'} ·{' '}
            <Link to={projectPath(key, 'history', 'api-service', id)}>History</Link>
          </>
        }
        actions={
          <>
            <ActionButton
              can={canWrite}
              className="btn"
              onClick={() =>
                void act(async () => {
                  // The revision read guards against overwriting someone else's save (409).
                  await api.put(base, draft);
                  setDraft(null);
                  service.reload();
                  return 'Saved.';
                })
              }
            >
              Save
            </ActionButton>
            <ActionButton
              can={canWrite}
              className="btn primary"
              onClick={() =>
                void act(async () => {
                  const d = await api.post<{ version: number }>(`${base}/deploy`, {});
                  reloadAll();
                  return `Deployed version ${d.version}; it now answers callers.`;
                })
              }
            >
              Deploy saved version
            </ActionButton>
            <ActionButton
              can={canWrite}
              className="btn danger"
              onClick={() =>
                void ask({
                  title: `Delete the API service ${draft.name || id}?`,
                  body: `Callers of /services/${key}/${id}/… get 404 at once: its ${deployments.data?.length ?? 0} deployed version(s) and ${keys.data?.length ?? 'its'} key(s) are deleted with it. Its history stays.`,
                  confirm: 'Delete service',
                  danger: true,
                }).then((ok) =>
                  ok
                    ? act(async () => {
                        await api.del(base);
                        void navigate(projectPath(key, 'api-services'));
                        return 'Deleted.';
                      })
                    : undefined,
                )
              }
            >
              Delete
            </ActionButton>
          </>
        }
      />
      <ReadOnlyNotice can={canWrite} what="this API service" />
      {error ? <ErrorAlert error={error} /> : null}
      <Notice text={notice} />
      <CardSection
        title="Endpoints"
        extra={
          readOnly ? null : (
            <div className="row">
              <label className="visually-hidden" htmlFor="endpoint-type">
                Type of the new endpoint
              </label>
              <select
                id="endpoint-type"
                value={addType}
                onChange={(e) => setAddType(e.target.value as ApiEndpoint['type'])}
              >
                <option value="sql-query">SQL query</option>
                <option value="lookup">Lookup by key</option>
                <option value="analytics">Analytics function</option>
                <option value="typescript-function">TypeScript function</option>
              </select>
              <button
                type="button"
                className="btn small"
                onClick={() => {
                  setDraft({
                    ...draft,
                    endpoints: [...draft.endpoints, newEndpoint(addType, `e${draft.endpoints.length + 1}`)],
                  });
                  setSelected(draft.endpoints.length);
                }}
              >
                Add endpoint
              </button>
            </div>
          )
        }
      >
        {draft.endpoints.length === 0 ? (
          <EmptyState title="No endpoints">
            Add a SQL query, a lookup, an analytics function or a TypeScript function.
          </EmptyState>
        ) : (
          <div className="stack">
            <div className="row" role="tablist" aria-label="Endpoints">
              {draft.endpoints.map((e, i) => (
                <button
                  key={i}
                  type="button"
                  role="tab"
                  aria-selected={i === selected}
                  className={`btn small${i === selected ? ' primary' : ''}`}
                  onClick={() => {
                    setSelected(i);
                    setTests(null);
                  }}
                >
                  {e.id} <span className={i === selected ? undefined : 'muted'}>({e.type})</span>
                </button>
              ))}
            </div>
            {endpoint ? (
              <div className="stack" role="tabpanel" aria-label={`Endpoint ${endpoint.id}`}>
                <label className="field">
                  <span>Endpoint ID (in the URL)</span>
                  <input
                    value={endpoint.id}
                    readOnly={readOnly}
                    onChange={(e) => setEndpoint({ ...endpoint, id: e.target.value })}
                  />
                </label>
                <EndpointEditor key={selected} endpoint={endpoint} onChange={setEndpoint} readOnly={readOnly} />
                <div className="row">
                  <ActionButton
                    can={canWrite}
                    className="btn"
                    onClick={() =>
                      void act(async () => {
                        const r = await api.post<EndpointTestResult[]>(
                          `${base}/endpoints/${encodeURIComponent(endpoint.id)}/test`,
                          {},
                        );
                        setTests(r);
                        return `Ran ${r.length} saved test${r.length === 1 ? '' : 's'} against the saved definition.`;
                      })
                    }
                  >
                    Run saved tests
                  </ActionButton>
                  {readOnly ? null : (
                    <button
                      type="button"
                      className="btn danger small"
                      onClick={() => {
                        setDraft({ ...draft, endpoints: draft.endpoints.filter((_, i) => i !== selected) });
                        setSelected(0);
                      }}
                    >
                      Remove endpoint {endpoint.id}
                    </button>
                  )}
                </div>
                {tests ? (
                  <Table
                    small
                    label="Test results"
                    rows={tests}
                    rowKey={(t) => t.name}
                    columns={[
                      { header: 'Test', cell: (t) => t.name },
                      { header: 'Status', numeric: true, cell: (t) => t.status },
                      { header: 'ms', numeric: true, cell: (t) => t.durationMs },
                      {
                        header: 'Answer',
                        cell: (t) => <code className="small">{JSON.stringify(t.body).slice(0, 200)}</code>,
                      },
                    ]}
                  />
                ) : null}
              </div>
            ) : null}
          </div>
        )}
      </CardSection>
      <CardSection title="Deployed versions">
        <LoadedTable
          state={deployments}
          loading="Loading deployed versions…"
          label="Deployed versions"
          rowKey={(d) => d.version}
          empty={<EmptyState title="Not deployed">Deploy the saved service to serve it to callers.</EmptyState>}
          columns={[
            { header: 'Version', numeric: true, cell: (d) => d.version },
            { header: 'Endpoints', cell: (d) => d.endpoints.map((e) => e.id).join(', ') },
            {
              header: 'Deployed',
              className: 'muted small',
              cell: (d) => `${formatRelative(d.createdAt)} by ${d.createdBy}`,
            },
            {
              header: 'Traffic',
              cell: (d) =>
                d.active ? (
                  <span className="badge ok">answers callers</span>
                ) : (
                  <ActionButton
                    can={canWrite}
                    className="btn small"
                    onClick={() =>
                      void act(async () => {
                        await api.post(`${base}/active`, { version: d.version });
                        reloadAll();
                        return `Version ${d.version} now answers callers.`;
                      })
                    }
                  >
                    Switch to version {d.version}
                  </ActionButton>
                ),
            },
          ]}
        />
      </CardSection>
      <CardSection title="Keys">
        {canAdmin.ok !== true ? (
          <p className="muted">Keys of this service are managed by project admins.</p>
        ) : (
          <div className="stack">
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                void act(async () => {
                  const k = await api.post<{ key: string }>(`${base}/keys`, { name: keyName });
                  setNewKey(k.key);
                  setKeyName('');
                  keys.reload();
                  return 'Key created.';
                });
              }}
            >
              <label className="field">
                <span>Who uses the new key</span>
                <input value={keyName} onChange={(e) => setKeyName(e.target.value)} required />
              </label>
              <button type="submit" className="btn" disabled={!keyName}>
                Create key
              </button>
            </form>
            <LoadedTable
              state={keys}
              loading="Loading keys…"
              label="Keys of this service"
              rowKey={(k) => k.id}
              empty={<p className="muted">No keys yet.</p>}
              columns={[
                { header: 'Name', cell: (k) => k.name },
                { header: 'Starts with', cell: (k) => <code>{k.prefix}…</code> },
                { header: 'Created', className: 'muted small', cell: (k) => formatRelative(k.createdAt) },
                {
                  header: 'State',
                  cell: (k) =>
                    k.revokedAt ? (
                      <span className="badge">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className="btn small danger"
                        onClick={() =>
                          void ask({
                            title: `Revoke key ${k.name}?`,
                            body: 'Callers using it are refused from their next request on.',
                            confirm: 'Revoke key',
                            danger: true,
                          }).then((ok) => {
                            if (!ok) return;
                            return act(async () => {
                              await api.del(`${base}/keys/${k.id}`);
                              keys.reload();
                              return `Revoked key ${k.name}.`;
                            });
                          })
                        }
                      >
                        Revoke {k.name}
                      </button>
                    ),
                },
              ]}
            />
          </div>
        )}
      </CardSection>
      <CardSection title="Latency (last hour)">
        <Async state={metrics} label="Loading latency…">
          {(m) => (
            <Table
              label="Latency per endpoint"
              rows={m.endpoints}
              rowKey={(e) => e.endpoint}
              empty={<p className="muted">No calls in the last hour.</p>}
              columns={[
                { header: 'Endpoint', cell: (e) => e.endpoint },
                { header: 'Requests', numeric: true, cell: (e) => e.requests },
                { header: 'Errors', numeric: true, cell: (e) => e.errors },
                { header: 'p50 ms', numeric: true, cell: (e) => e.p50Ms },
                { header: 'p95 ms', numeric: true, cell: (e) => e.p95Ms },
                { header: 'p99 ms', numeric: true, cell: (e) => e.p99Ms },
              ]}
            />
          )}
        </Async>
      </CardSection>
      <CardSection title="Request log">
        <LoadedTable
          state={log}
          loading="Loading the request log…"
          label="Request log"
          rowKey={(r) => r.id}
          empty={<p className="muted">No calls yet.</p>}
          columns={[
            { header: 'When', className: 'muted small', cell: (r) => formatRelative(r.at) },
            { header: 'Endpoint', cell: (r) => r.endpoint },
            { header: 'Version', numeric: true, cell: (r) => r.version ?? '' },
            { header: 'Status', numeric: true, title: (r) => r.error ?? undefined, cell: (r) => r.status },
            { header: 'ms', numeric: true, cell: (r) => r.durationMs.toFixed(1) },
            { header: 'Body', cell: (r) => <code className="small">{r.bodyExcerpt}</code> },
          ]}
        />
      </CardSection>
      <Modal open={newKey !== null} title="New key: copy it now" onClose={() => setNewKey(null)}>
        <div className="stack">
          <p>This key is shown once. Callers send it as Authorization: Bearer &lt;key&gt;.</p>
          <code className="secret" data-testid="new-service-key">
            {newKey}
          </code>
          <div className="row end">
            <button type="button" className="btn primary" onClick={() => setNewKey(null)}>
              I have copied it
            </button>
          </div>
        </div>
      </Modal>
      {dialog}
    </div>
  );
}
