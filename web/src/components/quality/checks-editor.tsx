import { useEffect, useRef, useState } from 'react';
import type { QualitySettings } from '../../api/types';
import type { ApiState } from '../../lib/use-api';
import { SchemaForm, type JsonSchema } from '../schema-form';
import { TypeExamples, type TypeWithExamples } from '../type-examples';
import { Async } from '../ui';
import { checkName } from './check-name';

export interface CheckTypeInfo {
  type: string;
  label: string;
  columnRule: boolean;
  schema: JsonSchema;
  examples?: TypeWithExamples['examples'];
}

type Check = QualitySettings['checks'][number];

/** The checks of a dataset, each with a form from its type's schema, and a picker to add one. */
export function ChecksEditor({
  types,
  checks,
  onChange,
  columnNames,
  metricNames,
}: {
  types: ApiState<{ checks: CheckTypeInfo[] }>;
  checks: Check[];
  onChange: (checks: Check[]) => void;
  columnNames: string[];
  metricNames: string[];
}) {
  const [newType, setNewType] = useState('');
  // Keyboard focus follows the editing: into an added check's first field, to the type picker after a removal.
  const checksBox = useRef<HTMLDivElement>(null);
  const focusNext = useRef<'last' | 'picker' | null>(null);
  useEffect(() => {
    const box = checksBox.current;
    if (!box || !focusNext.current) return;
    const target =
      focusNext.current === 'last'
        ? [...box.querySelectorAll<HTMLElement>(':scope > .list-item')]
            .at(-1)
            ?.querySelector<HTMLElement>('input, select, textarea')
        : box.querySelector<HTMLElement>('select[aria-label="New check type"]');
    focusNext.current = null;
    target?.focus();
  }, [checks.length]);

  return (
    <Async state={types} label="Loading check types…">
      {({ checks: known }) => (
        <div className="stack" ref={checksBox}>
          {checks.length === 0 ? <div className="small muted">No checks yet: add one below.</div> : null}
          {checks.map((c, i) => {
            const t = known.find((k) => k.type === c.type);
            const title = `Check ${i + 1}: ${t?.label ?? c.type}`;
            return (
              <div key={i} className="list-item" role="group" aria-label={title}>
                <div className="list-item-head">
                  <span className="badge plain">{i + 1}</span>
                  <span className="grow">
                    {t?.label ?? c.type} <span className="muted small mono">{checkName(c)}</span>
                  </span>
                  <button
                    type="button"
                    className="btn danger small"
                    aria-label={`Remove check ${i + 1}`}
                    onClick={() => {
                      focusNext.current = 'picker';
                      onChange(checks.filter((_, j) => j !== i));
                    }}
                  >
                    Remove
                  </button>
                </div>
                {t ? (
                  <SchemaForm
                    schema={t.schema}
                    value={c}
                    first={['column', 'metric']}
                    choices={{ column: columnNames }}
                    suggestions={{ metric: metricNames }}
                    onChange={(v) => onChange(checks.map((x, j) => (j === i ? { ...v, type: c.type } : x)))}
                  />
                ) : (
                  <div className="alert error">Unknown check type {c.type}: edit it as JSON or remove it.</div>
                )}
              </div>
            );
          })}
          <div className="row">
            <select aria-label="New check type" value={newType} onChange={(e) => setNewType(e.target.value)}>
              <option value="">Choose a check type…</option>
              {known.map((k) => (
                <option key={k.type} value={k.type}>
                  {k.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn"
              disabled={!newType}
              onClick={() => {
                focusNext.current = 'last';
                onChange([...checks, { type: newType }]);
                setNewType('');
              }}
            >
              Add check
            </button>
          </div>
          <TypeExamples
            what="check"
            types={known}
            onAdd={(params) => {
              focusNext.current = 'last';
              onChange([...checks, params as Check]);
            }}
          />
        </div>
      )}
    </Async>
  );
}
