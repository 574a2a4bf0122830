import type { Dataset } from '../../api/types';

/** The datasets a recipe may read: ticked ones are its inputs; a column name is inserted into the SQL with a click. */
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
  return (
    <aside className="card" aria-label="Inputs">
      <div className="card-header">
        <h2>Inputs</h2>
      </div>
      <div className="card-body schema-tree">
        {candidates.length === 0 ? <div className="muted">No dataset to read yet.</div> : null}
        {candidates.map((d) => {
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
