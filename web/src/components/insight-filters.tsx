import { useState } from 'react';
import { FILTER_OPS } from '../../../src/common/filter-ops.js';
import type { ChartSpec } from '../api/types';
import { RuleList } from './rule-list';

export type InsightFilter = ChartSpec['filters'][number];

/**
 * The filters of a chart or table insight: the list (each removable) and a row to add one
 * (column, operator, value; `in` takes values separated by |). Readers see the list only.
 */
export function InsightFilters({
  filters,
  columns,
  readOnly,
  onChange,
}: {
  filters: InsightFilter[];
  columns: string[];
  readOnly: boolean;
  onChange: (filters: InsightFilter[]) => void;
}) {
  const [draft, setDraft] = useState<InsightFilter>({ column: '', op: 'eq', value: '' });
  return (
    <RuleList
      legend="Filters"
      rules={filters}
      describe={(f) => (
        <span className="mono small">
          {f.column} {f.op} {f.value ?? f.values?.join('|') ?? ''}
        </span>
      )}
      readOnly={readOnly}
      onRemove={(i) => onChange(filters.filter((_, j) => j !== i))}
    >
      <select
        aria-label="Filter column"
        value={draft.column}
        onChange={(e) => setDraft({ ...draft, column: e.target.value })}
      >
        <option value="">column</option>
        {columns.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <select
        aria-label="Filter operator"
        value={draft.op}
        onChange={(e) => setDraft({ ...draft, op: e.target.value })}
      >
        {FILTER_OPS.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      <input
        aria-label="Filter value"
        value={draft.value ?? ''}
        onChange={(e) => setDraft({ ...draft, value: e.target.value })}
      />
      <button
        type="button"
        className="btn small"
        disabled={!draft.column}
        onClick={() => {
          const f: InsightFilter =
            draft.op === 'in'
              ? { column: draft.column, op: 'in', values: (draft.value ?? '').split('|') }
              : draft.op.endsWith('null')
                ? { column: draft.column, op: draft.op }
                : draft;
          onChange([...filters, f]);
          setDraft({ column: '', op: 'eq', value: '' });
        }}
      >
        Add filter
      </button>
    </RuleList>
  );
}
