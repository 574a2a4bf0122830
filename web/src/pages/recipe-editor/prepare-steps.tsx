import { useState } from 'react';
import { SchemaForm, type FormValue, type JsonSchema, type Suggestions } from '../../components/schema-form';

/** A processor's step schema as the recipe type's JSON schema gives it (title = label, family). */
export type StepSchema = JsonSchema & { title?: string; family?: string };

export type Step = FormValue & { processor: string; enabled?: boolean };

/** The step schemas of a prepare recipe's JSON schema, one per processor. */
export function stepSchemas(paramsSchema: JsonSchema | undefined): StepSchema[] {
  const items: (JsonSchema & { oneOf?: StepSchema[]; anyOf?: StepSchema[] }) | undefined =
    paramsSchema?.properties?.steps?.items;
  return items?.oneOf ?? items?.anyOf ?? [];
}

const processorOf = (s: StepSchema): string => {
  const c = s.properties?.processor?.const;
  return typeof c === 'string' ? c : '';
};

/** The ordered steps of a prepare recipe: add (by family), disable, move, copy, delete, and each step's form. */
export function PrepareSteps({
  schemas,
  steps,
  onChange,
  suggestions,
}: {
  schemas: StepSchema[];
  steps: Step[];
  onChange: (steps: Step[]) => void;
  suggestions: Suggestions;
}) {
  const [adding, setAdding] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const byName = new Map(schemas.map((s) => [processorOf(s), s]));
  const families = [...new Set(schemas.map((s) => s.family ?? 'other'))];
  const set = (i: number, step: Step) => onChange(steps.map((s, k) => (k === i ? step : s)));
  const move = (i: number, by: number) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s);
    onChange(next);
    setOpen(null);
  };
  return (
    <div className="stack" aria-label="Prepare steps">
      <ol className="stack prepare-steps">
        {steps.map((step, i) => {
          const schema = byName.get(step.processor);
          const label = schema?.title ?? step.processor;
          return (
            <li key={i} className="card">
              <div className="card-body stack">
                <div className="row">
                  <label className="row">
                    <input
                      type="checkbox"
                      checked={step.enabled !== false}
                      onChange={(e) => set(i, { ...step, enabled: e.target.checked })}
                      aria-label={`Step ${i + 1} enabled`}
                    />
                    <strong className={step.enabled === false ? 'muted' : undefined}>
                      {i + 1}. {label}
                    </strong>
                  </label>
                  <div className="grow" />
                  <button type="button" className="btn small" onClick={() => setOpen(open === i ? null : i)}>
                    {open === i ? 'Close' : 'Edit'}
                  </button>
                  <button
                    type="button"
                    className="btn small"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={`Move step ${i + 1} up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn small"
                    disabled={i === steps.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={`Move step ${i + 1} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => onChange([...steps.slice(0, i + 1), { ...step }, ...steps.slice(i + 1)])}
                    aria-label={`Copy step ${i + 1}`}
                  >
                    Copy
                  </button>
                  <button
                    type="button"
                    className="btn small danger"
                    onClick={() => {
                      onChange(steps.filter((_, k) => k !== i));
                      setOpen(null);
                    }}
                    aria-label={`Delete step ${i + 1}`}
                  >
                    Delete
                  </button>
                </div>
                {open === i && schema ? (
                  <SchemaForm
                    schema={schema}
                    value={step}
                    hidden={['processor', 'enabled']}
                    suggestions={suggestions}
                    onChange={(v) => set(i, { ...v, processor: step.processor })}
                  />
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      <div className="row">
        <label className="field">
          Add a step
          <select value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a processor…</option>
            {families.map((f) => (
              <optgroup key={f} label={f}>
                {schemas
                  .filter((s) => (s.family ?? 'other') === f)
                  .map((s) => (
                    <option key={processorOf(s)} value={processorOf(s)}>
                      {s.title ?? processorOf(s)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          disabled={!adding}
          onClick={() => {
            onChange([...steps, { processor: adding }]);
            setOpen(steps.length);
            setAdding('');
          }}
        >
          Add
        </button>
      </div>
    </div>
  );
}
