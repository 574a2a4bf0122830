import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, projectApi } from '../api/client';
import type { Dataset, Job, Recipe } from '../api/types';
import { JobProgress } from '../components/job-progress';
import { projectPath } from '../components/layout';
import { ObjectHistory } from '../components/object-history';
import { SqlEditor, type SqlEditorHandle, type SqlSchema } from '../components/sql-editor';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { formatCell } from '../lib/format';
import { OBJECT_NAME } from '../lib/names';
import { useApi } from '../lib/use-api';

interface Preview {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  durationMs: number;
}

interface Draft {
  name: string;
  output: string;
  inputs: string[];
  sql: string;
}

/** An engine error with its place in the SQL, when the server knows it. */
function sqlError(err: unknown): { message: string; line: number; column: number } | null {
  if (!(err instanceof ApiError)) return null;
  const pos = (err.details as { position?: { line: number; column: number } } | undefined)?.position;
  return pos ? { message: err.message, line: pos.line, column: pos.column } : null;
}

export default function RecipeEditorPage() {
  const { key = '', name = '' } = useParams();
  const isNew = name === 'new';
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const recipe = useApi<Recipe>(isNew ? null : projectApi(key, 'recipes', name));
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tab, setTab] = useState<'editor' | 'history'>('editor');

  // Start from the stored recipe, or from ?input=<dataset> for a new one.
  useEffect(() => {
    if (isNew) {
      const input = params.get('input');
      setDraft({ name: input ? `compute_${input}_summary` : '', output: input ? `${input}_summary` : '', inputs: input ? [input] : [], sql: input ? `SELECT *\nFROM ${input}` : 'SELECT *\nFROM ' });
    } else if (recipe.data) {
      setDraft({ name: recipe.data.name, output: recipe.data.output, inputs: recipe.data.inputs, sql: String(recipe.data.sql ?? '') });
    }
  }, [isNew, recipe.data, params]);

  if (recipe.error) return <ErrorAlert error={recipe.error} onRetry={recipe.reload} back={{ to: projectPath(key, 'recipes'), label: 'All recipes' }} />;
  if (!draft || !datasets.data) return <Loading />;
  if (recipe.data && recipe.data.type !== 'sql') {
    return (
      <>
        <PageHeader title={recipe.data.name} breadcrumbs={<Link to={projectPath(key, 'recipes')}>Recipes</Link>} subtitle={`${recipe.data.type} recipe`} />
        <EmptyState title="No editor for this recipe type yet">Its parameters are shown below as stored.</EmptyState>
        <pre className="log">{JSON.stringify(recipe.data, null, 2)}</pre>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={isNew ? 'New SQL recipe' : name}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'recipes')}>Recipes</Link>
          </>
        }
        subtitle={!isNew && recipe.data ? `SQL recipe · revision ${recipe.data.revision} by ${recipe.data.updatedBy}` : 'Reads input datasets by name and writes one output dataset'}
      />
      {!isNew ? (
        <div className="tabs" role="tablist" aria-label="Recipe sections">
          <button type="button" role="tab" aria-selected={tab === 'editor'} onClick={() => setTab('editor')}>
            Editor
          </button>
          <button type="button" role="tab" aria-selected={tab === 'history'} onClick={() => setTab('history')}>
            History
          </button>
        </div>
      ) : null}
      {tab === 'history' ? (
        <ObjectHistory projectKey={key} kind="recipe" name={name} onReverted={recipe.reload} />
      ) : (
        <Editor
          key={name}
          projectKey={key}
          isNew={isNew}
          draft={draft}
          setDraft={setDraft}
          datasets={datasets.data}
          onSaved={(r) => {
            if (isNew) navigate(projectPath(key, 'recipes', r.name), { replace: true });
            else recipe.setData(r);
          }}
        />
      )}
    </>
  );
}

function Editor({ projectKey, isNew, draft, setDraft, datasets, onSaved }: { projectKey: string; isNew: boolean; draft: Draft; setDraft: (d: Draft) => void; datasets: Dataset[]; onSaved: (r: Recipe) => void }) {
  const editor = useRef<SqlEditorHandle>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;

  const candidates = datasets.filter((d) => d.name !== draft.output);
  const schema: SqlSchema = useMemo(() => Object.fromEntries(datasets.filter((d) => draft.inputs.includes(d.name)).map((d) => [d.name, d.columns ?? []])), [datasets, draft.inputs]);
  const position = sqlError(error);

  const runPreview = useCallback(async () => {
    const d = draftRef.current;
    if (!d.inputs.length) {
      setError(new ApiError(400, 'bad_request', 'Choose at least one input dataset'));
      return;
    }
    setPreviewing(true);
    setError(null);
    setNotice(null);
    try {
      setPreview(await api.post<Preview>(projectApi(projectKey, 'recipes', 'preview'), { type: 'sql', inputs: d.inputs, sql: d.sql, limit: 100 }));
    } catch (e) {
      setError(e);
      setPreview(null);
    } finally {
      setPreviewing(false);
    }
  }, [projectKey]);

  const save = useCallback(
    async (thenBuild: boolean) => {
      const d = draftRef.current;
      setSaving(true);
      setError(null);
      setNotice(null);
      try {
        const body = { name: d.name, type: 'sql', inputs: d.inputs, output: d.output, sql: d.sql };
        const saved = isNew ? await api.post<Recipe>(projectApi(projectKey, 'recipes'), body) : await api.put<Recipe>(projectApi(projectKey, 'recipes', d.name), body);
        setNotice(`Saved revision ${saved.revision}.`);
        if (thenBuild) {
          const { jobId: id } = await api.post<{ jobId: string }>(projectApi(projectKey, 'builds'), { targets: [d.output], mode: 'only' });
          setJobId(id);
        }
        onSaved(saved);
      } catch (e) {
        // A save error in the SQL has no position; the preview endpoint finds it.
        setError(e);
        if (e instanceof ApiError && e.status === 400 && d.inputs.length) {
          api.post(projectApi(projectKey, 'recipes', 'preview'), { type: 'sql', inputs: d.inputs, sql: d.sql, limit: 1 }).catch((pe) => {
            if (sqlError(pe)) setError(pe);
          });
        }
      } finally {
        setSaving(false);
      }
    },
    [isNew, projectKey, onSaved],
  );

  const nameOk = OBJECT_NAME.test(draft.name) && OBJECT_NAME.test(draft.output);

  return (
    <div className="editor-layout">
      <aside className="card" aria-label="Inputs">
        <div className="card-header">
          <h3>Inputs</h3>
        </div>
        <div className="card-body schema-tree">
          {candidates.length === 0 ? <div className="muted">No dataset to read yet.</div> : null}
          {candidates.map((d) => {
            const checked = draft.inputs.includes(d.name);
            return (
              <details key={d.name} open={checked}>
                <summary>
                  <label onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" checked={checked} onChange={() => setDraft({ ...draft, inputs: checked ? draft.inputs.filter((i) => i !== d.name) : [...draft.inputs, d.name] })} /> {d.name}
                  </label>
                </summary>
                <ul>
                  {(d.columns ?? []).map((c) => (
                    <li key={c.name}>
                      <button type="button" className="btn ghost small" style={{ height: 20, padding: '0 4px' }} onClick={() => editor.current?.insert(c.name)} title="Insert into the SQL">
                        {c.name}
                      </button>
                      <span className="t">{c.type}</span>
                    </li>
                  ))}
                  {!d.columns ? <li className="muted">not built yet</li> : null}
                </ul>
              </details>
            );
          })}
        </div>
      </aside>
      <div className="stack" style={{ minWidth: 0 }}>
        <div className="row">
          <label className="field">
            Recipe name
            <input value={draft.name} disabled={!isNew} onChange={(e) => setDraft({ ...draft, name: e.target.value })} aria-invalid={draft.name !== '' && !OBJECT_NAME.test(draft.name)} />
          </label>
          <label className="field">
            Output dataset
            <input value={draft.output} onChange={(e) => setDraft({ ...draft, output: e.target.value })} aria-invalid={draft.output !== '' && !OBJECT_NAME.test(draft.output)} />
          </label>
          <div className="grow" />
          <button type="button" className="btn" onClick={() => void runPreview()} disabled={previewing} title="Ctrl+Enter">
            {previewing ? 'Running…' : 'Preview'}
          </button>
          <button type="button" className="btn" onClick={() => void save(false)} disabled={saving || !nameOk} title="Ctrl+S">
            Save
          </button>
          <button type="button" className="btn primary" onClick={() => void save(true)} disabled={saving || !nameOk}>
            Save and run
          </button>
        </div>
        <SqlEditor ref={editor} label="SQL query" value={draft.sql} onChange={(sql) => setDraft({ ...draftRef.current, sql })} schema={schema} error={position} onRun={() => void runPreview()} onSave={() => void save(false)} />
        <div className="small muted">Ctrl+Space completes dataset and column names · Ctrl+Enter previews the first 100 rows · Ctrl+S saves</div>
        {error ? (
          <div className="alert error" role="alert">
            {position ? (
              <button type="button" className="btn small" style={{ marginRight: 8 }} onClick={() => editor.current?.focusAt(position.line, position.column)}>
                Line {position.line}, column {position.column}
              </button>
            ) : null}
            {(error as Error).message}
          </div>
        ) : null}
        {notice ? (
          <div className="alert success" role="status">
            {notice}{' '}
            {!isNew ? <Link to={projectPath(projectKey, 'datasets', draft.output)}>Open {draft.output}</Link> : null}
          </div>
        ) : null}
        {jobId ? (
          <div className="card">
            <div className="card-body">
              <JobProgress projectKey={projectKey} jobId={jobId} onEnd={(j: Job) => j.status === 'succeeded' && setNotice(`Built ${draft.output}.`)} />
            </div>
          </div>
        ) : null}
        {preview ? <PreviewTable preview={preview} /> : null}
      </div>
    </div>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <section className="card" aria-label="Preview">
      <div className="card-header">
        <h3>Preview</h3>
        <span className="small muted">
          {preview.rows.length}
          {preview.truncated ? '+' : ''} rows · {preview.durationMs} ms
        </span>
      </div>
      <div className="card-body flush" style={{ overflow: 'auto', maxHeight: 360 }}>
        {preview.rows.length === 0 ? (
          <EmptyState title="The query returns no rows" />
        ) : (
          <table className="table small">
            <thead>
              <tr>
                {preview.columns.map((c) => (
                  <th key={c.name}>
                    {c.name} <span className="mono muted" style={{ textTransform: 'none' }}>{c.type}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((v, j) => (
                    <td key={j} className={typeof v === 'number' ? 'num' : undefined}>
                      {v === null ? <span className="muted">null</span> : formatCell(v, preview.columns[j]?.type)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
