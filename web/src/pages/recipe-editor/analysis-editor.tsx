import { useState } from 'react';
import { api, apiPath, ApiError, errorMessage, projectApi } from '../../api/client';
import type { Dataset, Job, Recipe } from '../../api/types';
import { ActionButton } from '../../components/can';
import { isSaveConflict, SaveConflict } from '../../components/save-conflict';
import { SchemaForm, type FormValue, type JsonSchema } from '../../components/schema-form';
import { useConfirm } from '../../components/confirm-dialog';
import { Loading } from '../../components/ui';
import { OBJECT_NAME } from '../../lib/names';
import { useApi } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';
import { PreviewTable, type Preview } from './preview-table';
import { builtNotice, BuildProgressCard, RecipeNameFields, SavedNotice, saveRecipe } from './recipe-form-parts';

interface RecipeTypeInfo {
  type: string;
  label: string;
  schema: JsonSchema;
}

/** Fields the page shows itself (name, input, output) or keeps as they are. */
const OWN_FIELDS = ['name', 'inputs', 'output', 'description', 'tags'];

/**
 * The form of a recipe type other than SQL (changepoints, outliers, trend…), generated from the
 * type's JSON schema: one input dataset, whose columns the column fields pick from; preview on the
 * first series, save, save and run.
 */
export function AnalysisEditor({
  projectKey,
  type,
  recipe,
  datasets,
  onSaved,
  onReload,
  initialJobId,
  initialNotice,
}: {
  projectKey: string;
  type: string;
  /** The stored recipe; undefined for a new one. */
  recipe?: Recipe;
  datasets: Dataset[];
  /** `jobId`: the build "Save and run" started (a new recipe's page moves to its own address, the build comes along). */
  onSaved: (r: Recipe, jobId?: string) => void;
  onReload: () => void;
  initialJobId?: string;
  initialNotice?: string;
}) {
  const types = useApi<RecipeTypeInfo[]>(apiPath('recipe-types'));
  const canWrite = useCan('write');
  const [name, setName] = useState(recipe?.name ?? '');
  const [output, setOutput] = useState(recipe?.output ?? '');
  const [input, setInput] = useState(recipe?.inputs[0] ?? '');
  const [params, setParams] = useState<FormValue>(() => {
    const stored: FormValue = { ...(recipe ?? {}) };
    for (const k of [...OWN_FIELDS, 'revision', 'updatedAt', 'updatedBy']) delete stored[k];
    return { ...stored, type };
  });
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(initialNotice ?? null);
  const [jobId, setJobId] = useState<string | null>(initialJobId ?? null);

  if (types.error) return <div className="alert error">{errorMessage(types.error)}</div>;
  if (!types.data) return <Loading />;
  const info = types.data.find((t) => t.type === type);
  if (!info) return <div className="alert error">Unknown recipe type {type}.</div>;

  const columns = datasets.find((d) => d.name === input)?.columns?.map((c) => c.name) ?? [];
  const isNew = recipe === undefined;
  const body = () => ({ ...params, type, name, inputs: input ? [input] : [], output });
  const nameOk = OBJECT_NAME.test(name) && OBJECT_NAME.test(output) && input !== '';

  const runPreview = async () => {
    if (!input) {
      setError(new ApiError(400, 'bad_request', 'Choose the input dataset'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Name and output are not needed for a preview: the server leaves them out.
      setPreview(await api.post<Preview>(projectApi(projectKey, 'recipes', 'preview'), { ...body(), limit: 100 }));
    } catch (e) {
      setError(e);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  const save = async (thenBuild: boolean) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const { saved, jobId: built } = await saveRecipe(projectKey, body(), {
        isNew,
        ask: confirm.ask,
        revision: recipe?.revision,
        ...(thenBuild ? { build: output } : {}),
      });
      setNotice(`Saved revision ${saved.revision}.`);
      if (built) setJobId(built);
      onSaved(saved, built);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      {confirm.dialog}
      <div className="row">
        <RecipeNameFields name={name} onName={setName} isNew={isNew} output={output} onOutput={setOutput}>
          <label className="field">
            Input dataset
            <select value={input} onChange={(e) => setInput(e.target.value)}>
              <option value="">Choose…</option>
              {datasets
                .filter((d) => d.name !== output)
                .map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name}
                  </option>
                ))}
            </select>
          </label>
        </RecipeNameFields>
      </div>
      <section className="card" aria-label={`${info.label} settings`}>
        <div className="card-body">
          <SchemaForm
            schema={info.schema}
            value={params}
            // One output, written whole: no split outputs; partition dependencies have their own section.
            hidden={[...OWN_FIELDS, 'outputs', 'partitionDependencies']}
            first={['groupBy', 'orderBy', 'column']}
            choices={columns.length ? { column: columns, orderBy: columns } : {}}
            suggestions={columns.length ? { groupBy: columns } : {}}
            onChange={(v) => setParams({ ...v, type })}
          />
        </div>
      </section>
      <div className="row">
        <div className="grow small muted">The preview computes the first 20 series of the input.</div>
        <button type="button" className="btn" onClick={() => void runPreview()} disabled={busy}>
          Preview
        </button>
        <ActionButton can={canWrite} className="btn" onClick={() => void save(false)} disabled={busy || !nameOk}>
          Save
        </ActionButton>
        <ActionButton can={canWrite} className="btn primary" onClick={() => void save(true)} disabled={busy || !nameOk}>
          Save and run
        </ActionButton>
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
      ) : error ? (
        <div className="alert error" role="alert">
          {errorMessage(error)}
        </div>
      ) : null}
      <SavedNotice projectKey={projectKey} notice={notice} outputs={[output]} />
      <BuildProgressCard
        projectKey={projectKey}
        jobId={jobId}
        onEnd={(j: Job) => j.status === 'succeeded' && setNotice((n) => builtNotice(n, output))}
      />
      {preview ? <PreviewTable preview={preview} /> : null}
    </div>
  );
}
