import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, projectApi } from '../../api/client';
import { ActionButton } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { projectPath } from '../../components/layout';
import { CardSection, ErrorAlert, Loading, Notice, StatusBadge } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';
import type { CodeEnvironment } from '../../api/types';

/** An interpreter of the machine (GET /api/code-interpreters). */
interface Interpreter {
  language: CodeEnvironment['language'];
  path: string;
  version: string;
  default: boolean;
}

interface Form {
  name: string;
  language: CodeEnvironment['language'];
  /** '' : the default interpreter of the language. */
  interpreter: string;
  packages: string;
  /** A venv (Python) or an R library of its own. */
  own: boolean;
  requirements: string;
}

/** The choice of packages of its own, by language. */
const OWN_PACKAGES = { python: 'A virtual environment of its own', r: 'An R library of its own' } as const;
const ownPackages = (e: CodeEnvironment) => (e.language === 'r' ? e.library : e.venv);
const ownRequirements = (e: CodeEnvironment) => (e.python?.venv ? e.python : e.r?.library ? e.r : undefined);

/** Long package lists and pip's messages wrap anywhere rather than widen a phone's page. */
const BREAK = { overflowWrap: 'anywhere' } as const;

const EMPTY: Form = { name: '', language: 'python', interpreter: '', packages: '', own: true, requirements: '' };
const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);

const toForm = (e: CodeEnvironment): Form => ({
  name: e.name,
  language: e.language,
  interpreter: e.interpreter ?? '',
  packages: e.packages.join(', '),
  own: ownRequirements(e) !== undefined,
  requirements: (ownRequirements(e)?.requirements ?? []).join('\n'),
});

/** The request body of the form. */
const toBody = (form: Form) => ({
  name: form.name.trim(),
  language: form.language,
  packages: words(form.packages),
  ...(form.interpreter ? { interpreter: form.interpreter } : {}),
  ...(form.language === 'python' && form.own ? { python: { venv: true, requirements: words(form.requirements) } } : {}),
  ...(form.language === 'r' && form.own ? { r: { library: true, requirements: words(form.requirements) } } : {}),
});

/**
 * The project's code environments: which interpreter (one of the machine's) and packages code
 * recipes, notebooks and webapps run with. A Python one may have a virtual environment of its
 * own, built by a job with pip from its requirements, an R one a library built with
 * install.packages; its state (ready, failed with the tool's reason, building) shows here.
 */
export function CodeEnvironmentsEditor({ projectKey }: { projectKey: string }) {
  const url = projectApi(projectKey, 'code-environments');
  const list = useApi<CodeEnvironment[]>(url);
  const interpreters = useApi<Interpreter[]>('/api/code-interpreters');
  const can = useCan('write');
  const confirm = useConfirm();
  const [form, setForm] = useState<Form>(EMPTY);
  const choices = (interpreters.data ?? []).filter((i) => i.language === form.language);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ text: string; jobId?: string } | null>(null);
  const building = list.data?.some((e) => ownPackages(e)?.status === 'building') ?? false;
  const { reload } = list;
  // While a virtual environment or library builds, its state is read again every two seconds.
  useEffect(() => {
    if (!building) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [building, reload]);

  const act = async (what: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    }
    list.reload();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const body = toBody(form);
      const saved = editing
        ? await api.put<CodeEnvironment>(projectApi(projectKey, 'code-environments', editing), body)
        : await api.post<CodeEnvironment>(url, body);
      setNotice({
        text: saved.buildJobId
          ? `Saved ${saved.name}; its ${saved.language === 'r' ? 'R library' : 'virtual environment'} is being built.`
          : `Saved the code environment ${saved.name}.`,
        jobId: saved.buildJobId,
      });
      setEditing(null);
      setForm(EMPTY);
    });
  };
  const rebuild = (name: string) =>
    act(async () => {
      const { jobId } = await api.post<{ jobId: string }>(
        projectApi(projectKey, 'code-environments', name, 'rebuild'),
        {},
      );
      setNotice({ text: `Rebuilding the packages of ${name}.`, jobId });
    });
  const remove = async (name: string) => {
    const ok = await confirm.ask({
      title: `Delete code environment ${name}?`,
      body: 'Its virtual environment or R library is removed; recipes, notebooks and webapps that name it fail until they name another. Its history stays.',
      confirm: 'Delete environment',
      danger: true,
    });
    if (ok) await act(() => api.del(projectApi(projectKey, 'code-environments', name)));
  };

  return (
    <CardSection title="Code environments">
      {confirm.dialog}
      <p className="small muted">
        The interpreter and packages of code recipes, notebooks and Python webapps. A Python environment may have a
        virtual environment of its own, built with pip from its requirements (from the server’s wheel folder or index);
        an R one a library of its own, built with install.packages from the server’s R repository.
      </p>
      {list.error ? <ErrorAlert error={list.error} onRetry={list.reload} /> : null}
      {list.data === undefined ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p className="muted">No code environments yet: code runs with the machine’s interpreters.</p>
      ) : (
        <div className="stack" role="list" aria-label="Code environments">
          {list.data.map((e) => (
            <div key={e.name} role="listitem" className="list-item stack">
              <div className="row">
                <strong>{e.name}</strong>
                <span className="small muted">{e.language}</span>
                <StatusBadge
                  status={ownPackages(e)?.status ?? 'machine'}
                  label={ownPackages(e) ? undefined : 'machine'}
                />
                {ownPackages(e)?.builtAt ? (
                  <span className="small muted">built {formatDateTime(ownPackages(e)?.builtAt ?? '')}</span>
                ) : null}
              </div>
              {e.interpreter ? (
                <span className="small" style={BREAK}>
                  Interpreter: {e.interpreter}
                </span>
              ) : null}
              {ownRequirements(e) ? (
                <span className="small" style={BREAK}>
                  Requirements: {ownRequirements(e)?.requirements.join(', ') || 'none'}
                </span>
              ) : null}
              {ownPackages(e)?.packages?.length ? (
                <span className="small muted" style={BREAK}>
                  Installed: {ownPackages(e)?.packages?.join(', ')}
                </span>
              ) : null}
              {ownPackages(e)?.error ? (
                <span className="small text-bad" style={BREAK}>
                  {ownPackages(e)?.error}
                </span>
              ) : null}
              <div className="row">
                <ActionButton
                  can={can}
                  className="btn small"
                  onClick={() => {
                    setEditing(e.name);
                    setForm(toForm(e));
                  }}
                >
                  Edit
                </ActionButton>
                {ownRequirements(e) ? (
                  <ActionButton
                    can={can}
                    className="btn small"
                    disabled={ownPackages(e)?.status === 'building'}
                    onClick={() => void rebuild(e.name)}
                  >
                    Rebuild
                  </ActionButton>
                ) : null}
                <ActionButton can={can} className="btn small danger" onClick={() => void remove(e.name)}>
                  Delete
                </ActionButton>
              </div>
            </div>
          ))}
        </div>
      )}
      <form className="stack" onSubmit={submit} aria-label="Code environment">
        <fieldset className="stack plain-fieldset" disabled={can.ok === false}>
          <div className="row">
            <label className="field">
              Environment name
              <input
                value={form.name}
                disabled={editing !== null}
                onChange={(ev) => setForm({ ...form, name: ev.target.value })}
              />
            </label>
            <label className="field">
              Language
              <select
                value={form.language}
                onChange={(ev) => setForm({ ...form, language: ev.target.value as Form['language'], interpreter: '' })}
              >
                <option value="python">Python</option>
                <option value="typescript">TypeScript</option>
                <option value="r">R</option>
              </select>
            </label>
          </div>
          <label className="field">
            Interpreter
            <span className="hint">One found on the server’s machine</span>
            <select value={form.interpreter} onChange={(ev) => setForm({ ...form, interpreter: ev.target.value })}>
              <option value="">
                Default{choices.find((i) => i.default) ? ` (${choices.find((i) => i.default)?.version})` : ''}
              </option>
              {choices
                .filter((i) => !i.default)
                .map((i) => (
                  <option key={i.path} value={i.path}>
                    {i.version} — {i.path}
                  </option>
                ))}
              {form.interpreter && !choices.some((i) => i.path === form.interpreter) ? (
                <option value={form.interpreter}>{form.interpreter} (not found on this machine)</option>
              ) : null}
            </select>
          </label>
          <label className="field">
            Packages recorded with each run
            <span className="hint">Names separated by commas, e.g. pandas, numpy</span>
            <input value={form.packages} onChange={(ev) => setForm({ ...form, packages: ev.target.value })} />
          </label>
          {form.language !== 'typescript' ? (
            <>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.own}
                  onChange={(ev) => setForm({ ...form, own: ev.target.checked })}
                />
                {OWN_PACKAGES[form.language]}
              </label>
              {form.own ? (
                <label className="field">
                  Requirements
                  <span className="hint">One a line, e.g. {form.language === 'r' ? 'mypkg>=1.0' : 'mypkg==1.0'}</span>
                  <textarea
                    rows={3}
                    value={form.requirements}
                    onChange={(ev) => setForm({ ...form, requirements: ev.target.value })}
                  />
                </label>
              ) : null}
            </>
          ) : null}
        </fieldset>
        <div className="row">
          <ActionButton can={can} type="submit" className="btn primary" disabled={!form.name.trim()}>
            {editing ? `Save ${editing}` : 'Add environment'}
          </ActionButton>
          {editing ? (
            <button
              type="button"
              className="btn ghost"
              onClick={() => {
                setEditing(null);
                setForm(EMPTY);
              }}
            >
              Cancel
            </button>
          ) : null}
          {can.ok === false ? <span className="small muted">{can.reason}</span> : null}
        </div>
        <ErrorAlert error={error} title="Could not save the code environment" />
        <Notice text={notice?.text ?? null} />
        {notice?.jobId ? (
          <Link to={projectPath(projectKey, 'jobs', notice.jobId)}>See the build’s log (job {notice.jobId})</Link>
        ) : null}
      </form>
    </CardSection>
  );
}
