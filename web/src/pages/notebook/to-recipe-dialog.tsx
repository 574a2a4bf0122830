import { useMemo, useState, type FormEvent } from 'react';
import { cellDependencies, cellsByLanguage } from '../../../../src/notebooks/cell-dependencies.js';
import { datasetsReadBy } from '../../../../src/notebooks/cells-to-code.js';
import type { CodeCellType } from '../../../../src/notebooks/notebook-types.js';
import { api, projectApi } from '../../api/client';
import type { CellType, Dataset } from '../../api/types';
import type { ConfirmOptions } from '../../components/confirm-dialog';
import { DialogButtons, ErrorAlert, Modal } from '../../components/ui';
import { OBJECT_NAME } from '../../lib/names';
import { confirmingReplaceUploaded } from '../../lib/replace-uploaded';
import { DatasetFilter, inputsFirst } from '../recipe-editor/inputs-panel';

const LABELS: Record<CodeCellType, string> = { sql: 'SQL', python: 'Python', typescript: 'TypeScript' };

export interface MadeRecipe {
  name: string;
  type: string;
  output: string;
}

/** The datasets the chosen cells read: `dataset("x")` in code, dataset names in SQL. */
function guessInputs(sources: string[], language: CodeCellType, datasets: string[], output: string): string[] {
  // Never the output: a recipe does not read what it writes (and the list hides it, so it could not be unticked).
  if (language !== 'sql') return datasetsReadBy(sources.join('\n')).filter((d) => datasets.includes(d) && d !== output);
  const words = new Set(sources.flatMap((s) => s.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()));
  return datasets.filter((d) => words.has(d.toLowerCase()) && d !== output);
}

/**
 * "To recipe": which cells (one, several, or every cell of a language), the recipe's inputs
 * (pre-filled from what the cells read), its name and the dataset it writes (a new one, or an
 * existing one whose data the recipe's then replaces). A cell using a variable of an earlier cell
 * is offered that cell too, since a recipe runs its cells alone; a notebook mixing languages
 * offers one language at a time. The recipe is made from the saved notebook.
 */
export function ToRecipeDialog({
  projectKey,
  notebookId,
  cells,
  start,
  datasets,
  ask,
  onClose,
  onCreated,
}: {
  projectKey: string;
  notebookId: string;
  cells: { type: CellType; source: string }[];
  /** The cell whose "To recipe" was clicked; null for the whole notebook. */
  start: number | null;
  datasets: Dataset[];
  ask: (o: ConfirmOptions) => Promise<boolean>;
  onClose: () => void;
  onCreated: (recipe: MadeRecipe) => void;
}) {
  const groups = useMemo(() => cellsByLanguage(cells), [cells]);
  const languages = Object.keys(groups) as CodeCellType[];
  const startType = start !== null ? cells[start]?.type : undefined;
  const [language, setLanguage] = useState<CodeCellType | undefined>(
    startType && startType in groups ? (startType as CodeCellType) : languages[0],
  );
  const offered = language ? (groups[language] ?? []) : [];
  const [chosen, setChosen] = useState<number[]>(() =>
    start !== null ? [start] : language === 'sql' ? offered.slice(0, 1) : offered,
  );
  const [withDependencies, setWithDependencies] = useState(true);
  const dependencies = useMemo(() => cellDependencies(cells, chosen), [cells, chosen]);
  const taken = withDependencies ? [...chosen, ...dependencies.map((d) => d.index)].sort((a, b) => a - b) : chosen;
  const first = taken[0] ?? start ?? 0;
  const [output, setOutput] = useState(`${notebookId}_cell_${(start ?? first) + 1}`.slice(0, 128));
  const [name, setName] = useState('');
  const names = datasets.map((d) => d.name);
  const guessed = language
    ? guessInputs(
        taken.map((i) => cells[i].source),
        language,
        names,
        output,
      )
    : [];
  // The guess follows the chosen cells until the user ticks inputs themselves.
  const [picked, setPicked] = useState<string[] | null>(null);
  const inputs = picked ?? guessed;
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const existing = datasets.find((d) => d.name === output);
  const problems = [
    ...(language ? [] : ['This notebook has no SQL, Python or TypeScript cell to make a recipe of.']),
    ...(chosen.length === 0 ? ['Choose at least one cell.'] : []),
    ...(language === 'sql' && chosen.length > 1 ? ['One SQL cell makes one SQL recipe: choose one.'] : []),
    ...(inputs.length === 0 ? ['Choose the datasets the recipe reads.'] : []),
    ...(OBJECT_NAME.test(output) ? [] : ['The output is a dataset name: letters, digits and _ (not first a digit).']),
    ...(name && !OBJECT_NAME.test(name) ? ['The recipe name: letters, digits and _ (not first a digit).'] : []),
    ...(existing && existing.storage.type !== 'managed'
      ? [`${output} is a ${existing.storage.type} dataset; a recipe writes managed datasets`]
      : []),
  ];

  function switchLanguage(next: CodeCellType) {
    setLanguage(next);
    const cellsOf = groups[next] ?? [];
    setChosen(next === 'sql' ? cellsOf.slice(0, 1) : cellsOf);
    setPicked(null);
  }

  const toggle = (index: number) =>
    setChosen((c) => (c.includes(index) ? c.filter((i) => i !== index) : [...c, index].sort((a, b) => a - b)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const recipe = await confirmingReplaceUploaded(
        (confirmation) =>
          api.post<MadeRecipe>(projectApi(projectKey, 'notebooks', notebookId, 'to-recipe'), {
            cells: chosen,
            ...(withDependencies && dependencies.length > 0 ? { withDependencies: true } : {}),
            inputs,
            output,
            ...(name ? { name } : {}),
            ...confirmation,
          }),
        ask,
      );
      onCreated(recipe);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  const earlier = language && language !== 'sql' ? offered.filter((i) => i < Math.max(...chosen, -1)) : [];
  const shownDatasets = inputsFirst(
    datasets.filter((d) => d.name !== output),
    inputs,
    filter,
  );

  return (
    <Modal open title="Turn cells into a recipe" onClose={onClose}>
      <form className="stack to-recipe-form" onSubmit={(e) => void submit(e)}>
        {error ? <ErrorAlert error={error} /> : null}
        {languages.length > 1 ? (
          <div className="field">
            <label htmlFor="to-recipe-language">Language</label>
            <select
              id="to-recipe-language"
              value={language}
              onChange={(e) => switchLanguage(e.target.value as CodeCellType)}
            >
              {languages.map((l) => (
                <option key={l} value={l}>
                  {LABELS[l]} ({(groups[l] ?? []).length} cells)
                </option>
              ))}
            </select>
            <span className="hint">
              This notebook mixes {languages.map((l) => LABELS[l]).join(' and ')} cells; a recipe runs one language, so
              its cells are offered one language at a time.
            </span>
          </div>
        ) : null}
        <fieldset className="stack">
          <legend>Cells{language ? ` (${LABELS[language]})` : ''}</legend>
          {offered.map((i) => (
            <label key={i} className="to-recipe-cell">
              <input type="checkbox" checked={chosen.includes(i)} onChange={() => toggle(i)} /> Cell {i + 1}
              <code className="muted small">{cells[i].source.split('\n')[0].slice(0, 60) || '(empty)'}</code>
            </label>
          ))}
          {earlier.length > 0 && earlier.some((i) => !chosen.includes(i)) ? (
            <button
              type="button"
              className="btn small"
              onClick={() => setChosen((c) => [...new Set([...c, ...earlier])].sort((a, b) => a - b))}
            >
              Take all earlier {LABELS[language as CodeCellType]} cells
            </button>
          ) : null}
        </fieldset>
        {dependencies.length > 0 ? (
          <div className="field" role="note">
            <span>
              The code uses {dependencies.map((d) => `${d.names.join(', ')} of cell ${d.index + 1}`).join('; ')}, which
              a recipe does not have (it runs its cells alone).
            </span>
            <label>
              <input
                type="checkbox"
                checked={withDependencies}
                onChange={(e) => setWithDependencies(e.target.checked)}
              />{' '}
              Include the cells it depends on ({dependencies.map((d) => d.index + 1).join(', ')})
            </label>
          </div>
        ) : null}
        <fieldset className="stack">
          <legend>Inputs</legend>
          <span className="hint small muted">
            {picked ? 'As you chose.' : 'Pre-filled with the datasets the cells read.'}
          </span>
          <DatasetFilter count={datasets.length} value={filter} onChange={setFilter} />
          <div className="to-recipe-inputs">
            {shownDatasets.map((d) => (
              <label key={d.name}>
                <input
                  type="checkbox"
                  checked={inputs.includes(d.name)}
                  onChange={() =>
                    setPicked(inputs.includes(d.name) ? inputs.filter((i) => i !== d.name) : [...inputs, d.name])
                  }
                />{' '}
                {d.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-grid">
          <label className="field">
            <span>Output dataset</span>
            <input value={output} onChange={(e) => setOutput(e.target.value)} list="to-recipe-datasets" required />
            <span className="hint" aria-live="polite">
              {existing
                ? `Existing dataset: the recipe's builds replace its data.`
                : 'A new managed dataset (Parquet), made when the recipe is saved.'}
            </span>
          </label>
          <datalist id="to-recipe-datasets">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <label className="field">
            <span>Recipe name</span>
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={`${notebookId}_cell_${first + 1}`}
            />
          </label>
        </div>
        {problems.length > 0 ? (
          <ul className="muted small" aria-label="Before the recipe can be made">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <DialogButtons
          onCancel={onClose}
          submit={saving ? 'Making…' : 'Make recipe'}
          disabled={saving || problems.length > 0}
        />
      </form>
    </Modal>
  );
}
