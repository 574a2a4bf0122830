import { useId, useState, type ReactNode } from 'react';
import type { FormValue, JsonSchema } from '../schema-form';

/** Fields of which exactly one is given (`x-choices` in a schema: a time trigger's cron, every N minutes, daily at…). */
export interface ChoiceGroupSchema {
  title: string;
  fields: string[];
}

/**
 * Mutually exclusive fields as one choice: radio buttons naming them, then only the chosen
 * field. Choosing another clears the others, so the value never holds two.
 */
export function ChoiceGroup({
  group,
  schema,
  value,
  onChange,
  labelOf,
  renderField,
}: {
  group: ChoiceGroupSchema;
  schema: JsonSchema;
  value: FormValue;
  onChange: (v: FormValue) => void;
  labelOf: (key: string, s: JsonSchema) => string;
  renderField: (key: string) => ReactNode;
}) {
  const name = useId();
  const fields = group.fields.filter((f) => schema.properties?.[f]);
  const given = fields.find((f) => value[f] !== undefined);
  const [picked, setPicked] = useState(given ?? fields[0]);
  const chosen = given ?? picked;
  const choose = (field: string) => {
    setPicked(field);
    const next = { ...value };
    for (const f of fields) if (f !== field) delete next[f];
    onChange(next);
  };
  return (
    <fieldset className="full-row">
      <legend>{group.title}</legend>
      <div className="row mb-2">
        {fields.map((f) => (
          <label key={f} className="check">
            <input type="radio" name={name} checked={chosen === f} onChange={() => choose(f)} />{' '}
            {labelOf(f, schema.properties![f])}
          </label>
        ))}
      </div>
      <div className="form-grid">{chosen ? renderField(chosen) : null}</div>
    </fieldset>
  );
}
