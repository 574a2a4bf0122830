import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, projectApi } from '../../api/client';
import type { Dataset, Recipe } from '../../api/types';
import { ActionButton } from '../../components/can';
import { CodeEditor, type CodeEditorHandle, type CodeLanguage } from '../../components/code-editor';
import { JobProgress } from '../../components/job-progress';
import { projectPath } from '../../components/layout';
import { LogView } from '../../components/log-view';
import { isSaveConflict, SaveConflict } from '../../components/save-conflict';
import { useConfirm } from '../../components/confirm-dialog';
import { ErrorAlert } from '../../components/ui';
import { FINAL_JOB_STATUSES, useJobEvents } from '../../lib/job-events';
import { useApi } from '../../lib/use-api';
import { OBJECT_NAME } from '../../lib/names';
import { useCan } from '../../lib/use-can';
import { useLatest } from '../../lib/use-latest';
import { InputsPanel } from './inputs-panel';
import { CodeRecipeSettings, settingsFields, settingsOf, type CodeSettings } from './code-recipe-settings';
import { PreviewTable, type Preview } from './preview-table';
import { RecipeNameFields, SavedNotice, saveRecipe } from './recipe-form-parts';

export const CODE_TYPES: readonly CodeLanguage[] = ['typescript', 'python', 'r'];
export const CODE_LABELS: Record<CodeLanguage, string> = { typescript: 'TypeScript', python: 'Python', r: 'R' };

interface CodeDraft {
  name: string;
  output: string;
  inputs: string[];
  code: string;
  settings: CodeSettings;
  revision?: number;
}

/** A first program reading the first input, in each language's contract. */
function starterCode(language: CodeLanguage, input: string): string {
  if (language === 'typescript')
    return `export default async function run({ inputs, output, variables, log }) {\n  let n = 0;\n  for await (const row of inputs.${input}) {\n    await output.write(row);\n    n++;\n  }\n  log(\`copied \${n} rows\`);\n}\n`;
  if (language === 'python')
    return `def run(inputs, output, variables, log):\n    n = 0\n    for row in inputs["${input}"]:\n        output.write(row)\n        n += 1\n    log(f"copied {n} rows")\n`;
  return `run <- function(inputs, output, variables, log) {\n  df <- inputs$${input}\n  log("copied", nrow(df), "rows")\n  output$write(df)\n}\n`;
}

function startingDraft(language: CodeLanguage, recipe: Recipe | undefined, input: string | null): CodeDraft {
  if (recipe)
    return {
      name: recipe.name,
      output: recipe.output ?? '',
      inputs: recipe.inputs,
      code: typeof recipe.code === 'string' ? recipe.code : '',
      settings: settingsOf(recipe),
      revision: recipe.revision,
    };
  return {
    name: input ? `${language}_${input}` : '',
    output: input ? `${input}_${language}` : '',
    inputs: input ? [input] : [],
    code: starterCode(language, input ?? 'raw'),
    settings: settingsOf(undefined),
  };
}

/** The log a preview printed, or the log a failed preview carries in its error details. */
function previewLog(preview: (Preview & { log?: string[] }) | null, error: unknown): string[] | null {
  if (preview?.log) return preview.log;
  if (error instanceof ApiError) {
    const log = (error.details as { log?: unknown } | undefined)?.log;
    if (Array.isArray(log)) return log.map(String);
  }
  return null;
}

/**
 * The editor of a TypeScript, Python or R recipe: the inputs and their columns at hand, the code,
 * "Run on a sample" (the code on the first rows of each input: output rows and what it printed)
 * and the build's live log beside it.
 */
export function CodeRecipeEditor({
  projectKey,
  language,
  recipe,
  input,
  datasets,
  onSaved,
  onReload,
  initialJobId,
  initialNotice,
}: {
  projectKey: string;
  language: CodeLanguage;
  recipe: Recipe | undefined;
  /** For a new recipe: the dataset it starts from (?input=). */
  input: string | null;
  datasets: Dataset[];
  /** `jobId`: the build "Save and run" started (a new recipe's page moves to its own address, the build comes along). */
  onSaved: (r: Recipe, jobId?: string) => void;
  onReload: () => void;
  initialJobId?: string;
  initialNotice?: string;
}) {
  const isNew = recipe === undefined;
  const editor = useRef<CodeEditorHandle>(null);
  const [draft, setDraft] = useState<CodeDraft>(() => startingDraft(language, recipe, input));
  const [preview, setPreview] = useState<(Preview & { log?: string[] }) | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const confirm = useConfirm();
  const [notice, setNotice] = useState<string | null>(initialNotice ?? null);
  const [jobId, setJobId] = useState<string | null>(initialJobId ?? null);
  const live = useJobEvents(projectKey, jobId);
  const canWrite = useCan('write');
  const draftRef = useLatest(draft);

  const runPreview = useCallback(async () => {
    const d = draftRef.current;
    if (!d.inputs.length) {
      setError(new ApiError(400, 'bad_request', 'Choose at least one input dataset'));
      return;
    }
    setPreviewing(true);
    setError(null);
    setNotice(null);
    setPreview(null);
    try {
      setPreview(
        await api.post<Preview & { log?: string[] }>(projectApi(projectKey, 'recipes', 'preview'), {
          type: language,
          inputs: d.inputs,
          code: d.code,
          ...settingsFields(d.settings),
          limit: 100,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setPreviewing(false);
    }
  }, [projectKey, language, draftRef]);

  const save = useCallback(
    async (thenBuild: boolean) => {
      const d = draftRef.current;
      setSaving(true);
      setError(null);
      setNotice(null);
      try {
        const body = {
          ...(recipe ?? {}),
          name: d.name,
          type: language,
          inputs: d.inputs,
          output: d.output,
          code: d.code,
        };
        // Unset settings are left out (the defaults), so that clearing one in the editor clears it.
        for (const field of ['revision', 'updatedAt', 'updatedBy', 'environment', 'limits', 'outputSchema'])
          delete (body as Record<string, unknown>)[field];
        Object.assign(body, settingsFields(d.settings));
        const { saved, jobId: built } = await saveRecipe(projectKey, body, {
          isNew,
          ask: confirm.ask,
          revision: d.revision,
          ...(thenBuild ? { build: d.output } : {}),
        });
        setDraft({ ...d, revision: saved.revision });
        setNotice(`Saved revision ${saved.revision}.`);
        if (built) setJobId(built);
        onSaved(saved, built);
      } catch (e) {
        setError(e);
      } finally {
        setSaving(false);
      }
    },
    [isNew, recipe, language, projectKey, onSaved, draftRef, confirm.ask],
  );

  const nameOk = OBJECT_NAME.test(draft.name) && OBJECT_NAME.test(draft.output);
  const log = previewLog(preview, error);
  // Live lines while the build runs; the stored log once it is over (a build may end before the stream connects).
  const final = live.job !== null && FINAL_JOB_STATUSES.includes(live.job.status);
  const storedLog = useApi<string>(jobId && final ? projectApi(projectKey, 'jobs', jobId, 'log') : null);
  const jobLog =
    final && typeof storedLog.data === 'string'
      ? storedLog.data
      : live.logs.map((l) => `${l.ts} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n');

  return (
    <div className="editor-layout">
      {confirm.dialog}
      <InputsPanel
        candidates={datasets.filter((d) => d.name !== draft.output)}
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
            {previewing ? 'Running…' : 'Run on a sample'}
          </button>
          <ActionButton can={canWrite} className="btn" onClick={() => void save(false)} disabled={saving || !nameOk}>
            Save
          </ActionButton>
          <ActionButton
            can={canWrite}
            className="btn primary"
            onClick={() => void save(true)}
            disabled={saving || !nameOk}
          >
            Save and run
          </ActionButton>
        </div>
        <CodeEditor
          ref={editor}
          label={`${CODE_LABELS[language]} code`}
          language={language}
          value={draft.code}
          onChange={(code) => setDraft({ ...draftRef.current, code })}
          onRun={() => void runPreview()}
          onSave={() => void save(false)}
        />
        <CodeRecipeSettings
          projectKey={projectKey}
          language={language}
          value={draft.settings}
          onChange={(settings) => setDraft({ ...draftRef.current, settings })}
          disabled={canWrite.ok !== true}
        />
        <p className="small muted">
          Ctrl+Enter runs the code on the first 1,000 rows of each input · Ctrl+S saves ·{' '}
          <Link to={projectPath(projectKey, 'libraries')}>project library files</Link> are importable (Python{' '}
          <code>import name</code>, R <code>source(&quot;lib/name.R&quot;)</code>, TypeScript <code>./lib/name.ts</code>
          )
        </p>
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
          <ErrorAlert error={error} />
        ) : null}
        <SavedNotice projectKey={projectKey} notice={notice} outputs={isNew ? [] : [draft.output]} />
        <div className="code-recipe-results">
          {preview ? <PreviewTable preview={preview} /> : null}
          {log ? (
            <section className="card" aria-label="Sample run log">
              <div className="card-header">
                <h2>Log of the sample run</h2>
              </div>
              <div className="card-body">
                <LogView text={log.join('\n')} />
              </div>
            </section>
          ) : null}
          {jobId ? (
            <section className="card" aria-label="Build log">
              <div className="card-header">
                <h2>Build</h2>
              </div>
              <div className="card-body stack">
                <JobProgress projectKey={projectKey} jobId={jobId} />
                <LogView text={jobLog} />
              </div>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
