import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { projectApi } from '../../api/client';
import type { Dataset } from '../../api/types';
import { DataGrid } from '../../components/data-grid';
import { EmptyCard } from '../../components/ui';
import { formatCount } from '../../lib/format';
import {
  FILTER_OP_LABELS,
  FILTER_OPS,
  filterParam,
  opNeedsValue,
  parseFilterParam,
  parseSortParam,
  sortParam,
  type Filter,
  type FilterOp,
} from '../../lib/table-query';

/** Rows with sort and filters kept in the URL (`?sort=-a,b&filter=a:gt:3`). */
export function DataTab({
  projectKey,
  name,
  dataset,
}: {
  projectKey: string;
  name: string;
  dataset: Dataset | undefined;
}) {
  const [params, setParams] = useSearchParams();
  const sort = useMemo(() => parseSortParam(params.get('sort')), [params]);
  // Parsed again only when the filter texts change, not the other parameters: compared as one JSON string.
  const filterTexts = JSON.stringify(params.getAll('filter'));
  const filters = useMemo(
    () => (JSON.parse(filterTexts) as string[]).map(parseFilterParam).filter((f): f is Filter => f !== null),
    [filterTexts],
  );
  const [loadInfo, setLoadInfo] = useState<{ total: number; ms: number } | null>(null);

  const update = (nextSort = sort, nextFilters = filters) => {
    const p = new URLSearchParams();
    if (nextSort.length) p.set('sort', sortParam(nextSort));
    nextFilters.forEach((f) => p.append('filter', filterParam(f)));
    setParams(p, { replace: true });
  };

  if (dataset && !dataset.currentVersion && dataset.storage.type === 'managed') {
    return (
      <EmptyCard title="No data yet">
        {dataset.producedBy
          ? 'Build this dataset from the flow to compute its rows.'
          : 'Upload a file to give this dataset its first version.'}
      </EmptyCard>
    );
  }
  return (
    <div className="stack gap-3 data-tab">
      <FilterBar
        columns={dataset?.columns?.map((c) => c.name) ?? []}
        filters={filters}
        onChange={(f) => update(sort, f)}
      />
      {loadInfo ? (
        <div className="small muted" aria-live="polite">
          {filters.length ? `${formatCount(loadInfo.total)} rows match` : `${formatCount(loadInfo.total)} rows`} · first
          page in {loadInfo.ms} ms
        </div>
      ) : null}
      <div className="data-tab-grid">
        <DataGrid
          dataUrl={projectApi(projectKey, 'datasets', name, 'data')}
          sort={sort}
          filters={filters}
          onSortChange={(s) => update(s, filters)}
          onLoaded={setLoadInfo}
        />
      </div>
    </div>
  );
}

function FilterBar({
  columns,
  filters,
  onChange,
}: {
  columns: string[];
  filters: Filter[];
  onChange: (f: Filter[]) => void;
}) {
  const [column, setColumn] = useState('');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    const col = column || columns[0];
    if (!col) return;
    onChange([...filters, opNeedsValue(op) ? { column: col, op, value } : { column: col, op }]);
    setValue('');
  };
  return (
    <form className="filter-bar" onSubmit={add} aria-label="Filter rows">
      <select aria-label="Filter column" value={column || columns[0] || ''} onChange={(e) => setColumn(e.target.value)}>
        {columns.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <select aria-label="Filter operator" value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
        {FILTER_OPS.map((o) => (
          <option key={o} value={o}>
            {FILTER_OP_LABELS[o]}
          </option>
        ))}
      </select>
      {opNeedsValue(op) ? (
        <input
          aria-label="Filter value"
          placeholder="value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="input-s"
        />
      ) : null}
      <button type="submit" className="btn">
        Add filter
      </button>
      {filters.map((f, i) => (
        <span key={i} className="chip">
          {f.column} {FILTER_OP_LABELS[f.op]} {f.value ?? ''}
          <button
            type="button"
            aria-label={`Remove filter on ${f.column}`}
            onClick={() => onChange(filters.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </span>
      ))}
      {filters.length > 1 ? (
        <button type="button" className="btn ghost small" onClick={() => onChange([])}>
          Clear all
        </button>
      ) : null}
    </form>
  );
}
