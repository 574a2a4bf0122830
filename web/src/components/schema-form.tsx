import { useId } from 'react';
import { scalarText } from '../lib/format';
import { ChoiceGroup, type ChoiceGroupSchema } from './schema-form/choice-group';
import { BooleanField, ChoiceField, EnumField, NumberField, TextField, type FieldProps } from './schema-form/fields';
import { EnumOrNumberField, enumOrNumberParts } from './schema-form/enum-or-number';
import { JsonField } from './schema-form/json-field';
import { ListField, listItemType } from './schema-form/list-field';

/** The subset of JSON Schema (draft 2020-12, as zod emits it) the forms understand. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  /** The field's label when the key does not read well ("Run every N minutes" for everyMinutes). */
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  /** Either of these: a name or a number is understood (see EnumOrNumberField); others are JSON. */
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  additionalProperties?: unknown;
  /** Set by the server (e.g. `schemaVersion`): kept in the value, not shown. */
  readOnly?: boolean;
  /** Groups of fields of which exactly one is given: shown as one choice. */
  'x-choices'?: ChoiceGroupSchema[];
}

export type FormValue = Record<string, unknown>;

/** Where a field of a given name can pick from known names (datasets, scenarios…). */
export type Suggestions = Record<string, string[]>;

/** Text fields that must be one of a known list (a dataset's columns): shown as a select. */
export type Choices = Record<string, string[]>;

/** A key as a label in sentence case, as the rest of the UI writes them: `everyMinutes` → `Every minutes`. */
export const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .split(' ')
    .map((w) => ACRONYMS[w.toLowerCase()] ?? (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join(' ')
    .replace(/^./, (c) => c.toUpperCase());
const ACRONYMS: Record<string, string> = { url: 'URL', sql: 'SQL', http: 'HTTP', json: 'JSON', csv: 'CSV' };

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.type)) return 'mixed';
  if (enumOrNumberParts(schema)) return 'enum-or-number';
  if (schema.enum) return 'enum';
  return schema.type ?? (schema.properties ? 'object' : 'any');
}

/**
 * A form generated from a JSON schema: text, numbers, booleans, enums, lists of names,
 * nested objects; anything else is edited as JSON. Constant fields (`type`, `channel`) are
 * not shown. Fields named in `suggestions` offer those names; those named in `choices` pick one.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  suggestions = {},
  choices = {},
  hidden = [],
  first = [],
}: {
  schema: JsonSchema;
  value: FormValue;
  onChange: (v: FormValue) => void;
  suggestions?: Suggestions;
  choices?: Choices;
  hidden?: string[];
  first?: string[];
}) {
  // Fields named in `first` come first (what the item is about), the others in the schema's order.
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  const props = Object.entries(schema.properties ?? {})
    .filter(([k, s]) => s.const === undefined && !s.readOnly && !hidden.includes(k))
    .sort(([a], [b]) => rank(a) - rank(b));
  const required = new Set(schema.required ?? []);
  const groups = schema['x-choices'] ?? [];
  const groupOf = (key: string) => groups.find((g) => g.fields.includes(key));
  const field = (key: string) => (
    <Field
      key={key}
      name={key}
      schema={schema.properties![key]}
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
  );
  return (
    <div className="form-grid schema-form">
      {props.map(([key]) => {
        const group = groupOf(key);
        if (!group) return field(key);
        // A group is shown once, where its first shown field would be.
        if (props.find(([k]) => groupOf(k) === group)?.[0] !== key) return null;
        return (
          <ChoiceGroup
            key={`choice ${group.title}`}
            group={group}
            schema={schema}
            value={value}
            onChange={onChange}
            labelOf={(k, s) => s.title ?? humanize(k)}
            renderField={field}
          />
        );
      })}
    </div>
  );
}

function Field({
  name,
  schema,
  required,
  value,
  onChange,
  suggestions,
  choices,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  suggestions: Suggestions;
  choices: Choices;
}) {
  const id = useId();
  const label = (
    <>
      <span>
        {schema.title ?? humanize(name)}
        {required ? (
          <span aria-hidden="true" className="text-bad">
            {' '}
            *
          </span>
        ) : null}
      </span>
      {schema.description ? <span className="hint">{schema.description}</span> : null}
    </>
  );
  const kind = typeOf(schema);
  const placeholder =
    schema.default !== undefined && typeof schema.default !== 'object' ? scalarText(schema.default) : undefined;

  if (kind === 'object' && schema.properties) {
    const obj = (value && typeof value === 'object' ? value : {}) as FormValue;
    const fields = (
      <>
        {schema.description ? <div className="small muted mb-2">{schema.description}</div> : null}
        <SchemaForm
          schema={schema}
          value={obj}
          suggestions={suggestions}
          choices={choices}
          onChange={(v) => onChange(Object.keys(v).length ? v : undefined)}
        />
      </>
    );
    // An optional group with required fields of its own (a join's Nearest Left/Right) starts
    // folded while unset: they are required only once it is used, not by the form around it.
    // Groups without required fields (a check's Error bounds) stay open.
    if (!required && (schema.required?.length ?? 0) > 0)
      return (
        <details className="full-row optional-object" open={value !== undefined}>
          <summary>
            {humanize(name)} <span className="small muted">(optional)</span>
          </summary>
          {fields}
        </details>
      );
    return (
      <fieldset className="full-row">
        <legend>{humanize(name)}</legend>
        {fields}
      </fieldset>
    );
  }
  const props: FieldProps = { id, name, schema, required, value, onChange, label, placeholder, suggestions, choices };
  if (kind === 'boolean') return <BooleanField {...props} />;
  if (kind === 'enum') return <EnumField {...props} />;
  if (kind === 'enum-or-number') return <EnumOrNumberField {...props} />;
  if (kind === 'integer' || kind === 'number') return <NumberField {...props} />;
  const itemType = kind === 'array' ? listItemType(schema) : undefined;
  if (itemType) return <ListField {...props} itemType={itemType} />;
  if (kind === 'string' && choices[name]) return <ChoiceField {...props} />;
  if (kind === 'string') return <TextField {...props} />;
  return <JsonField label={label} value={value} onChange={onChange} />;
}
