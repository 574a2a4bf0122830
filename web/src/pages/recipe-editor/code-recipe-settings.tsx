import type { CodeLanguage } from '../../components/code-editor';
import { CodeEnvironmentSelect } from '../../components/code-environment-select';
import { useApi } from '../../lib/use-api';

/** A code recipe's settings besides its code (src/recipes/code/code-recipes.ts). */
export interface CodeSettings {
  /** '' : the machine's interpreter. */
  environment: string;
  limits: { memoryMb?: number; wallSeconds?: number };
  /** Empty: inferred from the first rows the code writes. */
  outputSchema: { name: string; type: string }[];
}

/** Types offered for output columns; any other DuckDB type may be typed. */
const TYPES = ['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'DECIMAL(18, 3)', 'JSON'];

interface DefaultLimits {
  memoryMb: number;
  wallSeconds: number;
}

/** A positive whole number from a field, or undefined (left empty: the default). */
const whole = (text: string) => (text.trim() === '' ? undefined : Math.max(0, Math.round(Number(text))) || undefined);

/**
 * The code environment, the limits (the workspace's defaults shown beside) and the output schema
 * (column → type rows) of a code recipe: what the CLI and API set, here in the editor. Readers
 * see them disabled.
 */
export function CodeRecipeSettings({
  projectKey,
  language,
  value,
  onChange,
  disabled,
}: {
  projectKey: string;
  language: CodeLanguage;
  value: CodeSettings;
  onChange: (value: CodeSettings) => void;
  disabled: boolean;
}) {
  const defaults = useApi<DefaultLimits>('/api/code-limits');
  const setLimit = (key: keyof CodeSettings['limits'], text: string) =>
    onChange({ ...value, limits: { ...value.limits, [key]: whole(text) } });
  const setColumn = (at: number, change: Partial<{ name: string; type: string }>) =>
    onChange({ ...value, outputSchema: value.outputSchema.map((c, i) => (i === at ? { ...c, ...change } : c)) });
  const set = value.outputSchema.length;
  const summary = [
    value.environment ? `environment ${value.environment}` : 'the machine’s environment',
    value.limits.memoryMb || value.limits.wallSeconds ? 'own limits' : 'default limits',
    set ? `${set} declared column${set === 1 ? '' : 's'}` : 'columns inferred',
  ].join(' · ');
  return (
    <details className="card code-recipe-settings">
      <summary className="card-header">
        <h2>Environment, limits and output schema</h2>
        <span className="muted small">{summary}</span>
      </summary>
      <div className="card-body stack">
        <CodeEnvironmentSelect
          id="code-recipe-environment"
          label="Code environment"
          language={language}
          projectKey={projectKey}
          value={value.environment}
          onChange={(environment) => onChange({ ...value, environment })}
          disabled={disabled}
        />
        <fieldset className="form-grid" disabled={disabled}>
          <legend>Limits (empty: the default)</legend>
          <label className="field">
            <span>Memory (MB)</span>
            <input
              type="number"
              min={32}
              value={value.limits.memoryMb ?? ''}
              placeholder={defaults.data ? `default ${defaults.data.memoryMb}` : ''}
              onChange={(e) => setLimit('memoryMb', e.target.value)}
            />
          </label>
          <label className="field">
            <span>Wall time (seconds)</span>
            <input
              type="number"
              min={1}
              value={value.limits.wallSeconds ?? ''}
              placeholder={defaults.data ? `default ${defaults.data.wallSeconds}` : ''}
              onChange={(e) => setLimit('wallSeconds', e.target.value)}
            />
          </label>
        </fieldset>
        {defaults.data ? (
          <p className="small muted">
            Defaults of this workspace: {defaults.data.memoryMb.toLocaleString('en-US')} MB,{' '}
            {defaults.data.wallSeconds.toLocaleString('en-US')} s (LLANO_CODE_MEMORY_MB, LLANO_CODE_WALL_SECONDS).
          </p>
        ) : null}
        <fieldset className="stack" disabled={disabled}>
          <legend>Output schema</legend>
          <p className="small muted">
            Declared columns and their types; none declared: the types are inferred from the first rows written (a
            recipe that may write no rows needs them declared).
          </p>
          {value.outputSchema.map((c, i) => (
            <div key={i} className="row gap output-schema-row">
              <input
                aria-label={`Column ${i + 1} name`}
                value={c.name}
                placeholder="column"
                onChange={(e) => setColumn(i, { name: e.target.value })}
              />
              <input
                aria-label={`Column ${i + 1} type`}
                value={c.type}
                list="code-recipe-types"
                onChange={(e) => setColumn(i, { type: e.target.value })}
              />
              <button
                type="button"
                className="btn small ghost danger"
                aria-label={`Remove column ${i + 1}`}
                onClick={() => onChange({ ...value, outputSchema: value.outputSchema.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
          ))}
          <datalist id="code-recipe-types">
            {TYPES.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <div>
            <button
              type="button"
              className="btn small"
              onClick={() =>
                onChange({ ...value, outputSchema: [...value.outputSchema, { name: '', type: 'VARCHAR' }] })
              }
            >
              Add column
            </button>
          </div>
        </fieldset>
      </div>
    </details>
  );
}

/** The settings of a saved recipe (or a new one's defaults). */
export function settingsOf(recipe: Record<string, unknown> | undefined): CodeSettings {
  return {
    environment: typeof recipe?.environment === 'string' ? recipe.environment : '',
    limits: { ...((recipe?.limits as CodeSettings['limits'] | undefined) ?? {}) },
    outputSchema: Array.isArray(recipe?.outputSchema) ? (recipe.outputSchema as CodeSettings['outputSchema']) : [],
  };
}

/** The settings as the recipe's fields: unset ones left out, so that saving clears them. */
export function settingsFields(settings: CodeSettings): Record<string, unknown> {
  const limits = Object.fromEntries(Object.entries(settings.limits).filter(([, v]) => v !== undefined));
  return {
    ...(settings.environment ? { environment: settings.environment } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(settings.outputSchema.length > 0 ? { outputSchema: settings.outputSchema } : {}),
  };
}
