import { useId, useState } from 'react';

/** The subset of JSON Schema (draft 2020-12, as zod emits it) the forms understand. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: unknown;
}

export type FormValue = Record<string, unknown>;

/** Where a field of a given name can pick from known names (datasets, scenarios…). */
export type Suggestions = Record<string, string[]>;

/** Text fields that must be one of a known list (a dataset's columns): shown as a select. */
export type Choices = Record<string, string[]>;

const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.type)) return 'mixed';
  if (schema.enum) return 'enum';
  return schema.type ?? (schema.properties ? 'object' : 'any');
}

/**
 * A form generated from a JSON schema: text, numbers, booleans, enums, lists of names,
 * nested objects; anything else is edited as JSON. Constant fields (`type`, `channel`) are
 * not shown. Fields named in `suggestions` offer those names; those named in `choices` pick one.
 */
export function SchemaForm({ schema, value, onChange, suggestions = {}, choices = {}, hidden = [], first = [] }: { schema: JsonSchema; value: FormValue; onChange: (v: FormValue) => void; suggestions?: Suggestions; choices?: Choices; hidden?: string[]; first?: string[] }) {
  // Fields named in `first` come first (what the item is about), the others in the schema's order.
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  const props = Object.entries(schema.properties ?? {})
    .filter(([k, s]) => s.const === undefined && !hidden.includes(k))
    .sort(([a], [b]) => rank(a) - rank(b));
  const required = new Set(schema.required ?? []);
  return (
    <div className="form-grid schema-form">
      {props.map(([key, s]) => (
        <Field
          key={key}
          name={key}
          schema={s}
          required={required.has(key)}
          value={value[key]}
          suggestions={suggestions}
          choices={choices}
          onChange={(v) => {
            const next = { ...value };
            if (v === undefined) delete next[key];
            else next[key] = v;
            onChange(next);
          }}
        />
      ))}
    </div>
  );
}

function Field({ name, schema, required, value, onChange, suggestions, choices }: { name: string; schema: JsonSchema; required: boolean; value: unknown; onChange: (v: unknown) => void; suggestions: Suggestions; choices: Choices }) {
  const id = useId();
  const label = (
    <>
      <span>
        {humanize(name)}
        {required ? <span aria-hidden="true" className="text-bad"> *</span> : null}
      </span>
      {schema.description ? <span className="hint">{schema.description}</span> : null}
    </>
  );
  const kind = typeOf(schema);
  const placeholder = schema.default !== undefined && typeof schema.default !== 'object' ? String(schema.default) : undefined;

  if (kind === 'object' && schema.properties) {
    const obj = (value && typeof value === 'object' ? value : {}) as FormValue;
    return (
      <fieldset className="full-row">
        <legend>{humanize(name)}</legend>
        {schema.description ? <div className="small muted mb-2">{schema.description}</div> : null}
        <SchemaForm schema={schema} value={obj} suggestions={suggestions} choices={choices} onChange={(v) => onChange(Object.keys(v).length ? v : undefined)} />
      </fieldset>
    );
  }
  if (kind === 'boolean') {
    const checked = value === undefined ? Boolean(schema.default) : Boolean(value);
    return (
      <label className="field check">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <span className="stack gap-0">
          {label}
        </span>
      </label>
    );
  }
  if (kind === 'enum') {
    return (
      <label className="field">
        {label}
        <select value={value === undefined ? '' : String(value)} required={required} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
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
  if (kind === 'integer' || kind === 'number') {
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
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      </label>
    );
  }
  // Lists of scalars; a list of mixed scalars (strings, numbers, booleans) is edited as strings.
  const itemType = schema.items && Array.isArray(schema.items.type) && schema.items.type.includes('string') ? 'string' : schema.items?.type;
  if (kind === 'array' && schema.items && (itemType === 'string' || itemType === 'integer' || itemType === 'number')) {
    const list = Array.isArray(value) ? (value as unknown[]) : [];
    const options = suggestions[name];
    if (options && itemType === 'string') return <NamePicker id={id} label={label} options={options} value={list.map(String)} onChange={(v) => onChange(v.length ? v : undefined)} />;
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
  if (kind === 'string' && choices[name]) {
    const known = choices[name];
    const current = value === undefined ? '' : String(value);
    return (
      <label className="field">
        {label}
        <select value={current} required={required} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
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
  if (kind === 'string') {
    const options = suggestions[name];
    const code = /sql|query|template|body/i.test(name);
    const long = code || (schema as { maxLength?: number }).maxLength! > 1000;
    return (
      <label className={`field${long ? ' full-row' : ''}`}>
        {label}
        {long ? (
          <textarea rows={code ? 4 : 2} className={code ? 'mono' : undefined} required={required} placeholder={placeholder} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
        ) : (
          <>
            <input
              list={options ? id + '-list' : undefined}
              type={schema.format === 'email' ? 'email' : 'text'}
              required={required}
              placeholder={placeholder}
              value={value === undefined ? '' : String(value)}
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
  return <JsonField label={label} value={value} onChange={onChange} />;
}

/** Values the form cannot structure (unions, free objects): JSON text, applied when valid. */
function JsonField({ label, value, onChange }: { label: React.ReactNode; value: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <label className="field full-row">
      {label}
      <textarea
        rows={3}
        className="mono"
        value={text}
        aria-invalid={bad}
        placeholder="JSON value"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad ? <span className="hint text-bad">Not valid JSON yet</span> : null}
    </label>
  );
}

/** Pick names from a known list (datasets, scenarios) as toggle chips. */
function NamePicker({ id, label, options, value, onChange }: { id: string; label: React.ReactNode; options: string[]; value: string[]; onChange: (v: string[]) => void }) {
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
            <button key={o} type="button" className="tag" aria-pressed={on} onClick={() => onChange(on ? value.filter((x) => x !== o) : [...value, o])}>
              {o}
            </button>
          );
        })}
      </div>
    </div>
  );
}
