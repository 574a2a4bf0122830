import { useId, useState } from 'react';
import type { TypeExample } from '../api/types';

/** A type as the API lists it: its label and the examples defined beside it. */
export interface TypeWithExamples {
  label: string;
  examples?: TypeExample[];
}

/**
 * Templates for a list of items (triggers, steps, reporters, checks): the examples of every
 * type, grouped by type, and a button that adds the chosen one with its form filled in. The
 * button adds, not the select's change, so stepping through the options with the keyboard
 * adds nothing by accident.
 */
export function TypeExamples({
  what,
  types,
  onAdd,
}: {
  what: string;
  types: TypeWithExamples[];
  onAdd: (params: Record<string, unknown>) => void;
}) {
  const id = useId();
  const [chosen, setChosen] = useState('');
  const withExamples = types.filter((t) => t.examples?.length);
  if (withExamples.length === 0) return null;
  const example = (value: string) => {
    const [group, index] = value.split(':').map(Number);
    return withExamples[group]?.examples?.[index];
  };
  const add = () => {
    const picked = example(chosen);
    if (!picked) return;
    // A copy: editing the new item must not change the example it came from.
    onAdd(structuredClone(picked.params));
    setChosen('');
  };
  return (
    <div className="row">
      <label htmlFor={id} className="small">
        From example
      </label>
      <select id={id} className="grow" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        <option value="">Choose an example {what}…</option>
        {withExamples.map((t, group) => (
          <optgroup key={group} label={t.label}>
            {(t.examples ?? []).map((e, index) => (
              <option key={index} value={`${group}:${index}`}>
                {e.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <button type="button" className="btn small" disabled={!chosen} onClick={add}>
        Add example {what}
      </button>
    </div>
  );
}
