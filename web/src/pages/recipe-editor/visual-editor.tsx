import { useState } from 'react';
import { ActionButton } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { api, projectApi } from '../../api/client';
import type { Dataset, Job, Recipe } from '../../api/types';
import { SchemaForm, type FormValue, type JsonSchema, type Suggestions } from '../../components/schema-form';
import { ErrorAlert, Loading } from '../../components/ui';
import { OBJECT_NAME } from '../../lib/names';
import { recipeOutputs } from '../../lib/recipe-outputs';
import { useApi } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';
import { InputsPanel } from './inputs-panel';
import { keptDependencies } from './partition-dependencies';
import { PrepareSteps, stepSchemas, type Step } from './prepare-steps';
import { PreviewTable, type Preview } from './preview-table';
import { builtNotice, BuildProgressCard, RecipeNameFields, SavedNotice, saveRecipe } from './recipe-form-parts';

interface RecipeTypeInfo {
  type: string;
  label: string;
  schema: JsonSchema;
  compilesToSql: boolean;
  /** Writes several datasets in one run (split): the recipe lists them in `outputs`. */
  severalOutputs?: boolean;
}

/** The names of a comma-separated list of output datasets. */
const outputList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Fields whose values are column names: they suggest the input columns. */
const COLUMN_FIELDS = [
  'column',
  'columns',
  'keys',
  'partitionBy',
  'rowKeys',
  'left',
  'right',
  'start',
  'end',
  'orderBy',
  'from',
];

/**
 * The editor of a visual recipe: its settings as a form generated from the type's JSON schema
 * (prepare: a list of steps), the SQL it compiles to, a preview of its first rows, save and run,
 * and conversion into a SQL recipe.
 */
export function VisualEditor({
  projectKey,
  type,
  recipe,
  datasets,
  onSaved,
  initialJobId,
  initialNotice,
}: {
  projectKey: string;
  type: string;
  recipe?: Recipe;
  datasets: Dataset[];
  /** `jobId`: the build "Save and run" started (a new recipe's page moves to its own address, the build comes along). */
  onSaved: (r: Recipe, jobId?: string) => void;
  initialJobId?: string;
  initialNotice?: string;
}) {
  const types = useApi<RecipeTypeInfo[]>('/api/recipe-types');
  const confirm = useConfirm();
  const canWrite = useCan('write');
  const [name, setName] = useState(recipe?.name ?? '');
  // One output, or a comma-separated list for a type writing several (split).
  const [output, setOutput] = useState(recipe ? recipeOutputs(recipe).join(', ') : '');
  const [inputs, setInputs] = useState<string[]>(recipe?.inputs ?? []);
  const [params, setParams] = useState<FormValue>(
    (recipe?.params as FormValue | undefined) ?? (type === 'prepare' ? { steps: [] } : {}),
  );
  const [sql, setSql] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewOf, setPreviewOf] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(initialNotice ?? null);
  const [jobId, setJobId] = useState<string | null>(initialJobId ?? null);

  if (types.error) return <ErrorAlert error={types.error} onRetry={types.reload} />;
  const info = types.data?.find((t) => t.type === type);
  if (!info) return <Loading />;
  const paramsSchema = info.schema.properties?.params;
  const several = info.severalOutputs === true;
  const outputs = several ? outputList(output) : [output];
  const columns = [
    ...new Set(datasets.filter((d) => inputs.includes(d.name)).flatMap((d) => (d.columns ?? []).map((c) => c.name))),
  ];
  const suggestions: Suggestions = Object.fromEntries(COLUMN_FIELDS.map((f) => [f, columns]));
  const body = () => ({
    name,
    type,
    inputs,
    ...(several ? { outputs } : { output }),
    params,
    ...keptDependencies(recipe?.partitionDependencies, inputs),
  });
  const isNew = !recipe;

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await what();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const compileAndPreview = () =>
    run(async () => {
      const compiled = await api.post<{ sql: string; outputs?: Record<string, string> }>(
        projectApi(projectKey, 'recipes', 'compile'),
        body(),
      );
      setSql(compiled.sql);
      // A split has one query per output: the preview shows the first output's rows.
      const [first] = Object.entries(compiled.outputs ?? {});
      setPreviewOf(first ? first[0] : null);
      setPreview(
        await api.post<Preview>(projectApi(projectKey, 'recipes', 'preview'), {
          type: 'sql',
          inputs,
          sql: first ? first[1] : compiled.sql,
          limit: 100,
        }),
      );
    });
  const save = (thenBuild: boolean) =>
    run(async () => {
      const { saved, jobId: built } = await saveRecipe(projectKey, body(), {
        isNew,
        ask: confirm.ask,
        revision: recipe?.revision,
        ...(thenBuild && outputs[0] ? { build: outputs[0] } : {}),
      });
      setNotice(`Saved revision ${saved.revision}.`);
      if (built) setJobId(built);
      onSaved(saved, built);
    });
  const convert = () =>
    run(async () => {
      const ok = await confirm.ask({
        title: `Convert ${name} to a SQL recipe?`,
        body: 'The recipe is replaced by a SQL recipe of its compiled SQL; the current version stays in its history.',
        confirm: 'Convert to SQL',
      });
      if (!ok) return;
      onSaved(await api.post<Recipe>(projectApi(projectKey, 'recipes', name, 'convert-to-sql'), {}));
    });
  const nameOk = OBJECT_NAME.test(name) && outputs.length > 0 && outputs.every((o) => OBJECT_NAME.test(o));

  return (
    <div className="editor-layout">
      {confirm.dialog}
      <InputsPanel
        candidates={datasets.filter((d) => !outputs.includes(d.name))}
        inputs={inputs}
        onInputsChange={setInputs}
        onInsert={() => undefined}
      />
      <div className="stack min-w-0">
        <div className="row">
          <RecipeNameFields
            name={name}
            onName={setName}
            isNew={isNew}
            output={output}
            onOutput={setOutput}
            outputLabel={several ? 'Output datasets (comma-separated)' : 'Output dataset'}
            outputValid={outputs.every((o) => OBJECT_NAME.test(o))}
          />
          <div className="grow" />
          <button
            type="button"
            className="btn"
            onClick={() => void compileAndPreview()}
            disabled={busy || !inputs.length}
          >
            Show SQL and preview
          </button>
          <ActionButton can={canWrite} className="btn" onClick={() => void save(false)} disabled={busy || !nameOk}>
            Save
          </ActionButton>
          <ActionButton
            can={canWrite}
            className="btn primary"
            onClick={() => void save(true)}
            disabled={busy || !nameOk}
          >
            Save and run
          </ActionButton>
          {!isNew && info.compilesToSql ? (
            <ActionButton can={canWrite} className="btn" onClick={() => void convert()} disabled={busy}>
              Convert to SQL recipe
            </ActionButton>
          ) : null}
        </div>
        {type === 'prepare' ? (
          <PrepareSteps
            schemas={stepSchemas(paramsSchema)}
            steps={(params.steps as Step[] | undefined) ?? []}
            onChange={(steps) => setParams({ ...params, steps })}
            suggestions={suggestions}
          />
        ) : paramsSchema ? (
          <SchemaForm schema={paramsSchema} value={params} onChange={setParams} suggestions={suggestions} />
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <SavedNotice projectKey={projectKey} notice={notice} outputs={isNew ? [] : outputs} />
        <BuildProgressCard
          projectKey={projectKey}
          jobId={jobId}
          onEnd={(j: Job) => j.status === 'succeeded' && setNotice((n) => builtNotice(n, outputs.join(', ')))}
        />
        {sql !== null ? (
          <details open>
            <summary>Compiled SQL</summary>
            <pre className="log" aria-label="Compiled SQL">
              {sql}
            </pre>
          </details>
        ) : null}
        {preview && previewOf ? <p className="muted small">Preview of output {previewOf}</p> : null}
        {preview ? <PreviewTable preview={preview} /> : null}
      </div>
    </div>
  );
}
