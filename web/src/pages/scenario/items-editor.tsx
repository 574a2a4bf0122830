import { useState, type ReactNode } from 'react';
import type { ScenarioProblem, ScenarioTypeInfo } from '../../api/types';
import { SchemaForm, type Suggestions } from '../../components/schema-form';
import type { FieldOptions } from './step-field-options';
import { TypeExamples } from '../../components/type-examples';
import { ProblemList } from './scenario-problems';

export type Item = Record<string, unknown>;

/** A list of triggers, steps or reporters: each with its type and a form from that type's schema. */
export function ItemsEditor({
  title,
  what,
  keyField,
  types,
  items,
  onChange,
  suggestions,
  empty,
  extra,
  problems = [],
  optionsFor,
}: {
  title: string;
  what: string;
  keyField: 'type' | 'channel';
  types: ScenarioTypeInfo[];
  items: Item[];
  onChange: (items: Item[]) => void;
  suggestions: Suggestions;
  empty: string;
  /** Shown under an item's form (a webhook reporter's signing secret). */
  extra?: (item: Item, index: number) => ReactNode;
  /** What the last refused save found in this list: about the list as a whole, or an item by its number. */
  problems?: ScenarioProblem[];
  /** Selects and pickers of one item's form (its dataset's columns), beside `suggestions`. */
  optionsFor?: (item: Item) => FieldOptions | undefined;
}) {
  const [adding, setAdding] = useState(types[0]?.[keyField] ?? '');
  const typeOf = (item: Item) => types.find((t) => t[keyField] === item[keyField]);
  const move = (i: number, d: number) => {
    const next = [...items];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    onChange(next);
  };
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>{title}</h2>
        <select aria-label={`New ${what} type`} value={adding} onChange={(e) => setAdding(e.target.value)}>
          {types.map((t) => (
            <option key={t[keyField]} value={t[keyField]}>
              {t.label}
            </option>
          ))}
        </select>
        <button type="button" className="btn small" onClick={() => onChange([...items, { [keyField]: adding }])}>
          Add {what}
        </button>
      </div>
      <div className="card-body">
        <TypeExamples what={what} types={types} onAdd={(params) => onChange([...items, params])} />
        <ProblemList inItem problems={problems.filter((p) => p.number === undefined)} />
        {items.length === 0 ? <div className="muted small">{empty}</div> : null}
        {items.map((item, i) => {
          const type = typeOf(item);
          const options = optionsFor?.(item);
          return (
            <div className="list-item" key={i} aria-label={`${what} ${i + 1}`} role="group">
              <div className="list-item-head">
                <span className="badge plain">{i + 1}</span>
                <span className="grow">{type?.label ?? String(item[keyField])}</span>
                {what === 'step' ? (
                  <>
                    <button
                      type="button"
                      className="btn ghost small"
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={`Move ${what} ${i + 1} up`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn ghost small"
                      disabled={i === items.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={`Move ${what} ${i + 1} down`}
                    >
                      ↓
                    </button>
                  </>
                ) : null}
                <button
                  type="button"
                  className="btn danger small"
                  onClick={() => onChange(items.filter((_, j) => j !== i))}
                  aria-label={`Remove ${what} ${i + 1}`}
                >
                  Remove
                </button>
              </div>
              <ProblemList inItem problems={problems.filter((p) => p.number === i + 1)} />
              {type ? (
                <SchemaForm
                  schema={type.schema}
                  value={item}
                  suggestions={{ ...suggestions, ...options?.suggestions }}
                  choices={options?.choices}
                  onChange={(v) => onChange(items.map((x, j) => (j === i ? { ...v, [keyField]: item[keyField] } : x)))}
                />
              ) : (
                <div className="alert error">
                  Unknown {what} type {String(item[keyField])}
                </div>
              )}
              {extra?.(item, i)}
            </div>
          );
        })}
      </div>
    </section>
  );
}
