import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { markdownToHtml } from '../../../src/insights/markdown.js';
import { isCodeCell, type NotebookCell } from '../../../src/notebooks/notebook-types.js';
import { appendOutput } from '../../../src/notebooks/stream-outputs.js';
import { api, projectApi } from '../api/client';
import type { CellOutput, CellRun, CellType, Dataset, NotebookInfo } from '../api/types';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { CodeEnvironmentSelect } from '../components/code-environment-select';
import { ErrorAlert, Loading, PageError, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useLatest } from '../lib/use-latest';
import { useProjectRole } from '../lib/use-project-role';
import { useUnsavedChangesGuard } from '../lib/use-unsaved-changes-guard';
import { CellEditor } from './notebook/cell-editor';
import { CellOutputs } from './notebook/cell-outputs';
import { ToRecipeDialog } from './notebook/to-recipe-dialog';
import { useCellStream } from './notebook/use-cell-stream';

const TYPES: { type: CellType; label: string }[] = [
  { type: 'sql', label: 'SQL' },
  { type: 'python', label: 'Python' },
  { type: 'typescript', label: 'TypeScript' },
  { type: 'markdown', label: 'Markdown' },
  { type: 'raw', label: 'Raw text' },
];

/** A cell being edited: `key` keeps React's identity (and a running cell's place) when cells move. */
interface DraftCell {
  key: number;
  /** Jupyter's id, metadata and attachments of an imported cell, saved back as they came (the .ipynb round trip). */
  id?: string;
  metadata?: Record<string, unknown>;
  attachments?: NotebookCell['attachments'];
  type: CellType;
  source: string;
  outputs?: CellOutput[];
  executionCount?: number | null;
  /** Markdown shown as its text (editing) rather than rendered. */
  editing?: boolean;
}

let nextKey = 1;
const draftOf = (n: NotebookInfo): DraftCell[] => n.cells.map((c) => ({ ...c, key: nextKey++ }));

/** One notebook: cells with their editors and outputs; run, run all, interrupt, restart, save. */
export default function NotebookPage() {
  const { key = '', id = '' } = useParams();
  const loaded = useApi<NotebookInfo>(projectApi(key, 'notebooks', id));
  if (loaded.error) return <PageError error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  return <NotebookEditor key={`${key}/${id}`} projectKey={key} notebook={loaded.data} />;
}

function NotebookEditor({ projectKey: key, notebook }: { projectKey: string; notebook: NotebookInfo }) {
  const id = notebook.id;
  const canRun = useProjectRole('writer') === true;
  const [cells, setCells] = useState<DraftCell[]>(() => draftOf(notebook));
  const [revision, setRevision] = useState(notebook.revision);
  const [dirty, setDirty] = useState(false);
  const [running, setRunning] = useState<Set<number>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // One kernel session per open page: its variables live as long as the page (or until restart).
  const [session] = useState(() => `web-${Math.random().toString(36).slice(2, 10)}`);
  const stopAll = useRef(false);
  // Which cell (its key) runs at each index, so that the outputs streamed for an index land in it.
  const runningAt = useRef(new Map<number, number>());
  const cellsRef = useLatest(cells);
  const streamConnected = useCellStream(key, id, session, canRun, (index, output) => {
    const k = runningAt.current.get(index);
    if (k === undefined) return;
    setCells((cs) => cs.map((c) => (c.key === k ? { ...c, outputs: appendOutput(c.outputs ?? [], output) } : c)));
  });
  const confirm = useConfirm();
  const [environment, setEnvironment] = useState(notebook.environment ?? '');
  const [recipeFrom, setRecipeFrom] = useState<{ start: number | null } | null>(null);
  const datasets = useApi<Dataset[]>(recipeFrom ? projectApi(key, 'datasets') : null);
  useUnsavedChangesGuard(dirty, confirm.ask, 'the changes to this notebook');

  const update = (k: number, change: Partial<DraftCell>) => {
    setCells((cs) => cs.map((c) => (c.key === k ? { ...c, ...change } : c)));
    setDirty(true);
  };

  async function run(k: number): Promise<boolean> {
    const index = cellsRef.current.findIndex((c) => c.key === k);
    const cell = cellsRef.current[index];
    if (!cell) return false;
    if (!isCodeCell(cell.type)) {
      update(k, { editing: false });
      return true;
    }
    setRunning((r) => new Set(r).add(k));
    setError(null);
    // The outputs of this run replace the last ones as they come.
    update(k, { outputs: [] });
    runningAt.current.set(index, k);
    try {
      await streamConnected();
      const result = await api.post<CellRun>(projectApi(key, 'notebooks', id, 'cells', String(index), 'run'), {
        session,
        source: cell.source,
        type: cell.type,
      });
      update(k, { outputs: result.outputs, executionCount: result.executionCount });
      return !result.outputs.some((o) => o.type === 'error');
    } catch (err) {
      setError(err);
      return false;
    } finally {
      if (runningAt.current.get(index) === k) runningAt.current.delete(index);
      setRunning((r) => {
        const next = new Set(r);
        next.delete(k);
        return next;
      });
    }
  }

  async function runAll() {
    stopAll.current = false;
    for (const c of cellsRef.current) {
      if (stopAll.current) break;
      if (!(await run(c.key))) break;
    }
  }

  async function stop(action: 'interrupt' | 'restart') {
    stopAll.current = true;
    try {
      const result = await api.post<{ stopped: number; restarted?: string[] }>(
        projectApi(key, 'notebooks', id, action),
        { session },
      );
      const restarted = (result.restarted ?? []).map((l) => TYPES.find((t) => t.type === l)?.label ?? l);
      setNotice(
        action === 'restart'
          ? 'Restarted: variables are gone; the next run starts a fresh kernel.'
          : restarted.length
            ? `Interrupted: the ${restarted.join(' and ')} kernel did not stop and was restarted; its variables are gone.`
            : 'Interrupted: the running cell stopped; the kernels keep their variables.',
      );
    } catch (err) {
      setError(err);
    }
  }

  /** Opens the "To recipe" dialog on the saved cells: for one cell, or (null) the whole notebook. */
  function toRecipe(index: number | null) {
    if (dirty) {
      setNotice('Save the notebook first: the recipe is made from the saved cells.');
      return;
    }
    setRecipeFrom({ start: index });
  }

  async function save() {
    try {
      const saved = await api.put<NotebookInfo>(projectApi(key, 'notebooks', id), {
        id,
        name: notebook.name,
        ...(notebook.description !== undefined ? { description: notebook.description } : {}),
        ...(notebook.limits ? { limits: notebook.limits } : {}),
        ...(environment ? { environment } : {}),
        ...(notebook.metadata ? { metadata: notebook.metadata } : {}),
        revision,
        cells: cells.map(({ id: cellId, metadata, attachments, type, source, outputs, executionCount }) => ({
          ...(cellId !== undefined ? { id: cellId } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
          ...(isCodeCell(type)
            ? { type, source, outputs: outputs ?? [], executionCount: executionCount ?? null }
            : { type, source, ...(attachments ? { attachments } : {}) }),
        })),
      });
      setRevision(saved.revision);
      setDirty(false);
      setNotice(`Saved as revision ${saved.revision}.`);
    } catch (err) {
      setError(err);
    }
  }

  function add(after: number, type: CellType) {
    const cell: DraftCell = { key: nextKey++, type, source: '', editing: type === 'markdown' };
    setCells((cs) => {
      const list = [...cs];
      list.splice(after + 1, 0, cell);
      return list;
    });
    setDirty(true);
  }

  function move(index: number, by: -1 | 1) {
    setCells((cs) => {
      const list = [...cs];
      const [cell] = list.splice(index, 1);
      list.splice(index + by, 0, cell);
      return list;
    });
    setDirty(true);
  }

  async function remove(index: number) {
    const cell = cellsRef.current[index];
    if (cell.source.trim()) {
      const ok = await confirm.ask({
        title: `Delete cell ${index + 1}?`,
        body: 'Its text and outputs go when the notebook is saved.',
        confirm: 'Delete cell',
        danger: true,
      });
      if (!ok) return;
    }
    setCells((cs) => cs.filter((c) => c.key !== cell.key));
    setDirty(true);
  }

  const busy = running.size > 0;

  return (
    <div className="stack notebook">
      <PageHeader
        title={notebook.name}
        actions={
          <>
            <Link className="btn" to={projectPath(key, 'history', 'notebook', id)}>
              History
            </Link>
            <a className="btn" href={`${projectApi(key, 'notebooks', id, 'export')}?format=ipynb`} download>
              Export .ipynb
            </a>
            {canRun ? (
              <>
                <button type="button" className="btn" onClick={() => void runAll()} disabled={busy}>
                  Run all
                </button>
                <button type="button" className="btn" onClick={() => void stop('interrupt')} disabled={!busy}>
                  Interrupt
                </button>
                <button type="button" className="btn" onClick={() => void stop('restart')}>
                  Restart
                </button>
                <button type="button" className="btn" onClick={() => toRecipe(null)}>
                  To recipe…
                </button>
                <button type="button" className="btn primary" onClick={() => void save()} disabled={!dirty}>
                  Save
                </button>
              </>
            ) : null}
          </>
        }
      />
      {!canRun ? <p className="muted">You can read this notebook; writers of the project run and edit it.</p> : null}
      <CodeEnvironmentSelect
        id="notebook-environment"
        label="Python environment"
        language="python"
        projectKey={key}
        value={environment}
        disabled={!canRun}
        onChange={(name) => {
          setEnvironment(name);
          setDirty(true);
          setNotice('Save the notebook, then restart: new Python kernels start in the chosen environment.');
        }}
      />
      {error ? <ErrorAlert error={error} /> : null}
      {notice ? (
        <p className="muted small" role="status">
          {notice}
        </p>
      ) : null}
      <ol className="notebook-cells">
        {cells.map((cell, index) => {
          const label = `Cell ${index + 1} (${TYPES.find((t) => t.type === cell.type)?.label})`;
          const rendered = cell.type === 'markdown' && !cell.editing;
          return (
            <li key={cell.key} className={`notebook-cell${running.has(cell.key) ? ' running' : ''}`} aria-label={label}>
              <div className="cell-bar">
                <span className="cell-count muted small">
                  {running.has(cell.key) ? '[*]' : isCodeCell(cell.type) ? `[${cell.executionCount ?? ' '}]` : ''}
                </span>
                {canRun ? (
                  <>
                    <label className="visually-hidden" htmlFor={`cell-type-${cell.key}`}>
                      Type of cell {index + 1}
                    </label>
                    <select
                      id={`cell-type-${cell.key}`}
                      value={cell.type}
                      onChange={(e) => update(cell.key, { type: e.target.value as CellType })}
                    >
                      {TYPES.map((t) => (
                        <option key={t.type} value={t.type}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                    {cell.type !== 'raw' ? (
                      <button
                        type="button"
                        className="btn small"
                        onClick={() => void run(cell.key)}
                        disabled={running.has(cell.key)}
                      >
                        Run<span className="visually-hidden"> cell {index + 1}</span>
                      </button>
                    ) : null}
                    {rendered ? (
                      <button type="button" className="btn small" onClick={() => update(cell.key, { editing: true })}>
                        Edit<span className="visually-hidden"> cell {index + 1}</span>
                      </button>
                    ) : null}
                    {isCodeCell(cell.type) ? (
                      <button type="button" className="btn small" onClick={() => toRecipe(index)}>
                        To recipe<span className="visually-hidden"> (cell {index + 1})</span>
                      </button>
                    ) : null}
                    <span className="grow" />
                    <button
                      type="button"
                      className="btn small ghost"
                      onClick={() => move(index, -1)}
                      disabled={index === 0}
                      aria-label={`Move cell ${index + 1} up`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn small ghost"
                      onClick={() => move(index, 1)}
                      disabled={index === cells.length - 1}
                      aria-label={`Move cell ${index + 1} down`}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="btn small ghost"
                      onClick={() => add(index, isCodeCell(cell.type) ? cell.type : 'sql')}
                      aria-label={`Add a cell below cell ${index + 1}`}
                    >
                      +
                    </button>
                    <button
                      type="button"
                      className="btn small ghost danger"
                      onClick={() => void remove(index)}
                      aria-label={`Delete cell ${index + 1}`}
                    >
                      ✕
                    </button>
                  </>
                ) : null}
              </div>
              {rendered ? (
                <div
                  className="insight-text cell-markdown"
                  onDoubleClick={() => canRun && update(cell.key, { editing: true })}
                  dangerouslySetInnerHTML={{ __html: markdownToHtml(cell.source || '*Empty Markdown cell*', 2) }}
                />
              ) : (
                <CellEditor
                  value={cell.source}
                  type={cell.type}
                  label={`${label} source`}
                  readOnly={!canRun}
                  onChange={(source) => update(cell.key, { source })}
                  onRun={() => void run(cell.key)}
                  onSave={() => void save()}
                />
              )}
              <CellOutputs outputs={cell.outputs ?? []} label={`cell ${index + 1}`} />
            </li>
          );
        })}
      </ol>
      {canRun ? (
        <div className="row gap">
          {TYPES.map((t) => (
            <button key={t.type} type="button" className="btn small" onClick={() => add(cells.length - 1, t.type)}>
              + {t.label}
            </button>
          ))}
        </div>
      ) : null}
      {recipeFrom && datasets.data ? (
        <ToRecipeDialog
          projectKey={key}
          notebookId={id}
          cells={cells}
          start={recipeFrom.start}
          datasets={datasets.data}
          ask={confirm.ask}
          onClose={() => setRecipeFrom(null)}
          onCreated={(recipe) => {
            setRecipeFrom(null);
            setNotice(`Created ${recipe.type} recipe ${recipe.name} writing ${recipe.output}.`);
          }}
        />
      ) : null}
      {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
      {confirm.dialog}
    </div>
  );
}
