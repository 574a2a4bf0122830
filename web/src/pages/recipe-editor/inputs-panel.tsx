import { useState } from 'react';
import type { Dataset } from '../../api/types';

/** More datasets than this: a filter box above the list. */
const FILTER_FROM = 8;

/** The chosen inputs first (in the recipe's order), then the other datasets matching `filter`, by name. */
export function inputsFirst<T extends { name: string }>(candidates: T[], inputs: string[], filter: string): T[] {
  const byName = new Map(candidates.map((d) => [d.name, d]));
  const ticked = inputs.flatMap((name) => byName.get(name) ?? []);
  const others = candidates
    .filter((d) => !inputs.includes(d.name) && d.name.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...ticked, ...others];
}

/** A filter box over a list of datasets, shown once the list is long. */
export function DatasetFilter({
  count,
  value,
  onChange,
}: {
  count: number;
  value: string;
  onChange: (value: string) => void;
}) {
  if (count <= FILTER_FROM) return null;
  return (
    <input
      type="search"
      className="inputs-filter"
      aria-label="Filter datasets"
      placeholder="Filter datasets"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/**
 * The datasets a recipe may read: ticked ones are its inputs, listed first (in the recipe's
 * order), then the others by name, which a filter narrows; a column name is inserted into the
 * code with a click.
 */
export function InputsPanel({
  candidates,
  inputs,
  onInputsChange,
  onInsert,
}: {
  candidates: Dataset[];
  inputs: string[];
  onInputsChange: (inputs: string[]) => void;
  onInsert: (column: string) => void;
}) {
  const [filter, setFilter] = useState('');
  return (
    <aside className="card inputs-panel" aria-label="Inputs">
      <div className="card-header">
        <h2>Inputs</h2>
      </div>
      <div className="card-body schema-tree">
        {candidates.length === 0 ? <div className="muted">No dataset to read yet.</div> : null}
        <DatasetFilter count={candidates.length} value={filter} onChange={setFilter} />
        {inputsFirst(candidates, inputs, filter).map((d) => {
          const checked = inputs.includes(d.name);
          return (
            // The checkbox sits beside the disclosure, not inside its summary: a control inside
            // another control cannot be reached by keyboard and screen-reader users (axe nested-interactive).
            <div key={d.name} className="schema-tree-item">
              <label className="schema-tree-choice">
                <input
                  type="checkbox"
                  checked={checked}
                  onChange={() => onInputsChange(checked ? inputs.filter((i) => i !== d.name) : [...inputs, d.name])}
                />{' '}
                {d.name}
              </label>
              <details open={checked}>
                <summary>
                  {d.columns ? `${d.columns.length} column${d.columns.length === 1 ? '' : 's'}` : 'Columns'}
                </summary>
                <ul>
                  {(d.columns ?? []).map((c) => (
                    <li key={c.name}>
                      <button
                        type="button"
                        className="btn ghost small"
                        onClick={() => onInsert(c.name)}
                        title="Insert into the SQL"
                      >
                        {c.name}
                      </button>
                      <span className="t">{c.type}</span>
                    </li>
                  ))}
                  {!d.columns ? (
                    <li className="muted">
                      {d.storage.type === 'managed' ? 'not built yet' : 'columns unknown: its source did not answer'}
                    </li>
                  ) : null}
                </ul>
              </details>
            </div>
          );
        })}
      </div>
    </aside>
  );
}
