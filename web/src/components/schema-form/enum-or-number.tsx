import { useState } from 'react';
import { scalarText } from '../../lib/format';
import type { JsonSchema } from '../schema-form';
import type { FieldProps } from './fields';

/** The named choices and the number branch of a schema that takes either (a penalty: `mbic` or 12.5), or undefined. */
export function enumOrNumberParts(schema: JsonSchema): { names: string[]; number: JsonSchema } | undefined {
  const branches = schema.anyOf;
  if (branches?.length !== 2) return undefined;
  const named = branches.find((b) => Array.isArray(b.enum));
  const number = branches.find((b) => b.type === 'number' || b.type === 'integer');
  return named && number ? { names: named.enum!.map(String), number } : undefined;
}

const A_NUMBER = '__number';

/**
 * One of the named choices, or a number typed in: a select whose last option is "a number…",
 * which shows the number field. Edited as JSON, a name needed its quotes ("mbic").
 */
export function EnumOrNumberField({ id, schema, value, onChange, label, required }: FieldProps) {
  const { names, number } = enumOrNumberParts(schema)!;
  const [numberPicked, setNumberPicked] = useState(typeof value === 'number');
  const choice = typeof value === 'number' || numberPicked ? A_NUMBER : value === undefined ? '' : scalarText(value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={choice}
        required={required}
        onChange={(e) => {
          const picked = e.target.value;
          setNumberPicked(picked === A_NUMBER);
          if (picked !== A_NUMBER) onChange(picked === '' ? undefined : picked);
          else if (typeof value !== 'number') onChange(undefined);
        }}
      >
        <option value="">Default</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        <option value={A_NUMBER}>a number…</option>
      </select>
      {choice === A_NUMBER ? (
        <input
          type="number"
          aria-label="Number"
          min={number.minimum}
          max={number.maximum}
          step={number.type === 'integer' ? 1 : 'any'}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      ) : null}
    </div>
  );
}
