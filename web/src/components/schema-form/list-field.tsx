import type { ReactNode } from 'react';
import type { JsonSchema } from '../schema-form';
import type { FieldProps } from './fields';

/** The item type of a list the form edits as text, or undefined for lists it cannot (objects). */
export function listItemType(schema: JsonSchema): 'string' | 'integer' | 'number' | undefined {
  // Lists of scalars; a list of mixed scalars (strings, numbers, booleans) is edited as strings.
  const itemType =
    schema.items && Array.isArray(schema.items.type) && schema.items.type.includes('string')
      ? 'string'
      : schema.items?.type;
  return itemType === 'string' || itemType === 'integer' || itemType === 'number' ? itemType : undefined;
}

/** A list of names picked from known ones, or of values typed comma-separated. */
export function ListField({
  id,
  name,
  value,
  onChange,
  label,
  required,
  suggestions,
  itemType,
}: FieldProps & { itemType: 'string' | 'integer' | 'number' }) {
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  const options = suggestions[name];
  if (options && itemType === 'string')
    return (
      <NamePicker
        id={id}
        label={label}
        options={options}
        value={list.map(String)}
        onChange={(v) => onChange(v.length ? v : undefined)}
      />
    );
  return (
    <label className="field">
      {label}
      <input
        placeholder="Comma-separated"
        required={required}
        defaultValue={list.join(', ')}
        onBlur={(e) => {
          const items = e.target.value
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
            .map((x) => (itemType === 'string' ? x : Number(x)));
          onChange(items.length ? items : undefined);
        }}
      />
    </label>
  );
}

/** Pick names from a known list (datasets, scenarios) as toggle chips. */
function NamePicker({
  id,
  label,
  options,
  value,
  onChange,
}: {
  id: string;
  label: ReactNode;
  options: string[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <div className="field full-row" role="group" aria-labelledby={id}>
      <span id={id} className="field">
        {label}
      </span>
      <div className="row gap-2">
        {options.length === 0 ? <span className="small muted">Nothing to choose from yet.</span> : null}
        {options.map((o) => {
          const on = value.includes(o);
          return (
            <button
              key={o}
              type="button"
              className="tag"
              aria-pressed={on}
              onClick={() => onChange(on ? value.filter((x) => x !== o) : [...value, o])}
            >
              {o}
            </button>
          );
        })}
      </div>
    </div>
  );
}
