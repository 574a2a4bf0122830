import { useCallback, useMemo, useRef, useState } from 'react';
import { api, ApiError, projectApi } from '../../api/client';
import type { Dataset, Job, Recipe } from '../../api/types';
import { ActionButton } from '../../components/can';
import { isSaveConflict, SaveConflict } from '../../components/save-conflict';
import { useConfirm } from '../../components/confirm-dialog';
import { SqlEditor, type SqlEditorHandle, type SqlSchema } from '../../components/sql-editor';
import { OBJECT_NAME } from '../../lib/names';
import { useCan } from '../../lib/use-can';
import { useLatest } from '../../lib/use-latest';
import { InputsPanel } from './inputs-panel';
import { keptDependencies } from './partition-dependencies';
import { PreviewTable, type Preview } from './preview-table';
import { builtNotice, BuildProgressCard, RecipeNameFields, SavedNotice, saveRecipe } from './recipe-form-parts';
import { sqlError, SqlErrorAlert } from './sql-error';

export interface Draft {
  name: string;
  output: string;
  inputs: string[];
  sql: string;
  /** The stored revision this draft started from: a save then fails (409) if someone saved since. */
  revision?: number;
  /** Kept as stored (edited in the Partition dependencies panel), for the inputs the draft still has. */
  partitionDependencies?: Recipe['partitionDependencies'];
}

/** The SQL recipe's form: inputs, name and output, the SQL with completion, preview, save and run. */
export function Editor({
  projectKey,
  isNew,
  draft,
  setDraft,
  datasets,
  onSaved,
  onReload,
  initialJobId,
}: {
  projectKey: string;
  isNew: boolean;
  draft: Draft;
  setDraft: (d: Draft) => void;
  datasets: Dataset[];
  /** `jobId`: the build "Save and run" started, to keep showing its progress. */
  onSaved: (r: Recipe, jobId?: string) => void;
  /** A build started before this editor mounted (Save and run of a new recipe): its progress is shown. */
  initialJobId?: string;
  /** Loads the stored recipe again (after a save conflict). */
  onReload: () => void;
}) {
  const editor = useRef<SqlEditorHandle>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const confirm = useConfirm();
  const [notice, setNotice] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(initialJobId ?? null);
  const canWrite = useCan('write');
  // While its build runs, "Save and run" waits: a second click would start a second build.
  const [jobRunning, setJobRunning] = useState(initialJobId !== undefined);
  const draftRef = useLatest(draft);

  const candidates = datasets.filter((d) => d.name !== draft.output);
  const schema: SqlSchema = useMemo(
    () =>
      Object.fromEntries(datasets.filter((d) => draft.inputs.includes(d.name)).map((d) => [d.name, d.columns ?? []])),
    [datasets, draft.inputs],
  );
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
      setPreview(
        await api.post<Preview>(projectApi(projectKey, 'recipes', 'preview'), {
          type: 'sql',
          inputs: d.inputs,
          sql: d.sql,
          limit: 100,
        }),
      );
    } catch (e) {
      setError(e);
      setPreview(null);
    } finally {
      setPreviewing(false);
    }
  }, [projectKey, draftRef]);

  const save = useCallback(
    async (thenBuild: boolean) => {
      const d = draftRef.current;
      setSaving(true);
      setError(null);
      setNotice(null);
      try {
        const body = {
          name: d.name,
          type: 'sql',
          inputs: d.inputs,
          output: d.output,
          sql: d.sql,
          ...keptDependencies(d.partitionDependencies, d.inputs),
        };
        const { saved, jobId: built } = await saveRecipe(projectKey, body, {
          isNew,
          ask: confirm.ask,
          revision: d.revision,
          ...(thenBuild ? { build: d.output } : {}),
        });
        setNotice(`Saved revision ${saved.revision}.`);
        if (built) {
          setJobId(built);
          setJobRunning(true);
        }
        onSaved(saved, built);
      } catch (e) {
        // A save error in the SQL has no position; the preview endpoint finds it.
        setError(e);
        if (e instanceof ApiError && e.status === 400 && d.inputs.length) {
          api
            .post(projectApi(projectKey, 'recipes', 'preview'), { type: 'sql', inputs: d.inputs, sql: d.sql, limit: 1 })
            .catch((pe) => {
              if (sqlError(pe)) setError(pe);
            });
        }
      } finally {
        setSaving(false);
      }
    },
    [isNew, projectKey, onSaved, draftRef, confirm.ask],
  );

  const nameOk = OBJECT_NAME.test(draft.name) && OBJECT_NAME.test(draft.output);

  return (
    <div className="editor-layout">
      {confirm.dialog}
      <InputsPanel
        candidates={candidates}
        inputs={draft.inputs}
        onInputsChange={(inputs) => setDraft({ ...draft, inputs })}
        onInsert={(name) => editor.current?.insert(name)}
      />
      <div className="stack min-w-0">
        <div className="row">
          <RecipeNameFields
            name={draft.name}
            onName={(name) => setDraft({ ...draft, name })}
            isNew={isNew}
            output={draft.output}
            onOutput={(output) => setDraft({ ...draft, output })}
          />
          <div className="grow" />
          <button
            type="button"
            className="btn"
            onClick={() => void runPreview()}
            disabled={previewing}
            title="Ctrl+Enter"
          >
            {previewing ? 'Running…' : 'Preview'}
          </button>
          <ActionButton
            can={canWrite}
            className="btn"
            onClick={() => void save(false)}
            disabled={saving || !nameOk}
            title="Ctrl+S"
          >
            Save
          </ActionButton>
          <ActionButton
            can={canWrite}
            className="btn primary"
            onClick={() => void save(true)}
            disabled={saving || !nameOk || jobRunning}
          >
            {jobRunning ? 'Running…' : 'Save and run'}
          </ActionButton>
        </div>
        <SqlEditor
          ref={editor}
          label="SQL query"
          value={draft.sql}
          onChange={(sql) => setDraft({ ...draftRef.current, sql })}
          schema={schema}
          error={position}
          onRun={() => void runPreview()}
          onSave={() => void save(false)}
        />
        <div className="small muted">
          Ctrl+Space completes dataset and column names · Ctrl+Enter previews the first 100 rows · Ctrl+S saves
        </div>
        {isSaveConflict(error) ? (
          <SaveConflict
            error={error}
            what="recipe"
            onReload={() => {
              setError(null);
              onReload();
            }}
          />
        ) : (
          <SqlErrorAlert error={error} position={position} onGoTo={(p) => editor.current?.focusAt(p.line, p.column)} />
        )}
        <SavedNotice projectKey={projectKey} notice={notice} outputs={isNew ? [] : [draft.output]} />
        <BuildProgressCard
          projectKey={projectKey}
          jobId={jobId}
          onEnd={(j: Job) => {
            setJobRunning(false);
            if (j.status === 'succeeded') setNotice((n) => builtNotice(n, draft.output));
          }}
        />
        {preview ? <PreviewTable preview={preview} /> : null}
      </div>
    </div>
  );
}
