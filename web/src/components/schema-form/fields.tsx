import type { ReactNode } from 'react';
import { scalarText } from '../../lib/format';
import type { Choices, JsonSchema, Suggestions } from '../schema-form';

/** What every field of a generated form gets: its schema, value and label, and the names it may offer. */
export interface FieldProps {
  id: string;
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  label: ReactNode;
  /** The schema's default, shown where the field is empty. */
  placeholder: string | undefined;
  suggestions: Suggestions;
  choices: Choices;
}

/** A checkbox; unset shows the default. */
export function BooleanField({ schema, value, onChange, label }: FieldProps) {
  const checked = value === undefined ? Boolean(schema.default) : Boolean(value);
  return (
    <label className="field check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span className="stack gap-0">{label}</span>
    </label>
  );
}

/** One of the schema's values, or none for the default. */
export function EnumField({ schema, value, onChange, label, required, placeholder }: FieldProps) {
  return (
    <label className="field">
      {label}
      <select
        value={value === undefined ? '' : scalarText(value)}
        required={required}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">{placeholder !== undefined ? `Default (${placeholder})` : '—'}</option>
        {schema.enum!.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A number within the schema's bounds; integers step by one. */
export function NumberField({ schema, value, onChange, label, required, placeholder }: FieldProps) {
  const kind = schema.type;
  return (
    <label className="field">
      {label}
      <input
        type="number"
        min={schema.minimum}
        max={schema.maximum}
        step={kind === 'integer' ? 1 : 'any'}
        required={required}
        placeholder={placeholder}
        value={value === undefined || value === null ? '' : scalarText(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </label>
  );
}

/** One of a known list (a dataset's columns); a stored value not in it stays visible. */
export function ChoiceField({ name, value, onChange, label, required, choices }: FieldProps) {
  const known = choices[name];
  const current = value === undefined ? '' : scalarText(value);
  return (
    <label className="field">
      {label}
      <select
        value={current}
        required={required}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        <option value="">— choose —</option>
        {current && !known.includes(current) ? <option value={current}>{current} (not in the schema)</option> : null}
        {known.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Text: a text area for SQL and long text, else a line with suggested names. */
export function TextField({
  id,
  name,
  schema,
  value,
  onChange,
  label,
  required,
  placeholder,
  suggestions,
}: FieldProps) {
  const options = suggestions[name];
  const code = /sql|query|template|body|code/i.test(name);
  const long = code || (schema as { maxLength?: number }).maxLength! > 1000;
  return (
    <label className={`field${long ? ' full-row' : ''}`}>
      {label}
      {long ? (
        <textarea
          rows={code ? 4 : 2}
          className={code ? 'mono' : undefined}
          required={required}
          placeholder={placeholder}
          value={value === undefined ? '' : scalarText(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      ) : (
        <>
          <input
            list={options ? id + '-list' : undefined}
            type={schema.format === 'email' ? 'email' : 'text'}
            required={required}
            placeholder={placeholder}
            value={value === undefined ? '' : scalarText(value)}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          />
          {options ? (
            <datalist id={id + '-list'}>
              {options.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          ) : null}
        </>
      )}
    </label>
  );
}
