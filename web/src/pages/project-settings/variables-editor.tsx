import { useState, type FormEvent } from 'react';
import { api, ApiError, projectApi } from '../../api/client';
import { ActionButton } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { CardSection, ErrorAlert, Loading, Notice } from '../../components/ui';
import { useApi } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';
import { useUnsavedChangesGuard } from '../../lib/use-unsaved-changes-guard';

/** One variable as edited: text values stay text; others (numbers, lists) are edited as JSON. */
interface Row {
  name: string;
  value: string;
  json: boolean;
}

const toRows = (vars: Record<string, unknown>): Row[] =>
  Object.entries(vars).map(([name, v]) =>
    typeof v === 'string' ? { name, value: v, json: false } : { name, value: JSON.stringify(v), json: true },
  );

function fromRows(rows: Row[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    if (!r.name.trim()) continue;
    if (r.name in out) throw new ApiError(400, 'bad_request', `Variable ${r.name} is there twice`);
    try {
      out[r.name.trim()] = r.json ? JSON.parse(r.value) : r.value;
    } catch {
      throw new ApiError(400, 'bad_request', `Variable ${r.name}: the value is not valid JSON`);
    }
  }
  return out;
}

/** The project variables as name–value rows, saved together (they replace the stored ones). */
export function VariablesEditor({ projectKey }: { projectKey: string }) {
  const stored = useApi<Record<string, unknown>>(projectApi(projectKey, 'variables'));
  const can = useCan('write');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [shown, setShown] = useState<Record<string, unknown> | undefined>(undefined);
  if (stored.data !== shown) {
    setShown(stored.data);
    setRows(stored.data ? toRows(stored.data) : null);
  }
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dirty =
    rows !== null && stored.data !== undefined && JSON.stringify(rows) !== JSON.stringify(toRows(stored.data));
  const confirm = useConfirm();
  useUnsavedChangesGuard(dirty, confirm.ask, 'the variables');

  const set = (i: number, patch: Partial<Row>) =>
    setRows((rs) => rs!.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      stored.setData(await api.put<Record<string, unknown>>(projectApi(projectKey, 'variables'), fromRows(rows ?? [])));
      setNotice('Saved the variables.');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <CardSection title="Variables">
      {confirm.dialog}
      <p className="small muted">Scenario steps and recipes read these by name, e.g. a bucket or a threshold.</p>
      {stored.error ? <ErrorAlert error={stored.error} onRetry={stored.reload} /> : null}
      {rows === null ? (
        <Loading />
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <fieldset className="stack plain-fieldset" disabled={can.ok === false}>
            {rows.length === 0 ? <p className="muted">No variables yet.</p> : null}
            {rows.map((r, i) => (
              <div className="row" key={i}>
                <label className="field">
                  Name
                  <input value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
                </label>
                <label className="field grow">
                  {r.json ? 'Value (JSON)' : 'Value'}
                  <input value={r.value} onChange={(e) => set(i, { value: e.target.value })} />
                </label>
                <button
                  type="button"
                  className="btn small ghost"
                  aria-label={`Remove variable ${r.name || i + 1}`}
                  onClick={() => setRows(rows.filter((_, n) => n !== i))}
                >
                  Remove
                </button>
              </div>
            ))}
            <div>
              <button
                type="button"
                className="btn small"
                onClick={() => setRows([...rows, { name: '', value: '', json: false }])}
              >
                Add variable
              </button>
            </div>
          </fieldset>
          <div className="row">
            <ActionButton can={can} type="submit" className="btn primary" disabled={!dirty}>
              Save variables
            </ActionButton>
            {can.ok === false ? <span className="small muted">{can.reason}</span> : null}
          </div>
          <ErrorAlert error={error} title="Could not save the variables" />
          <Notice text={notice} />
        </form>
      )}
    </CardSection>
  );
}
