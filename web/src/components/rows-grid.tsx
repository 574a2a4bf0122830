import { useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { formatCount } from '../lib/format';
import type { SortKey } from '../lib/table-query';
import { columnWidth } from './data-grid/columns';
import { GridHeader } from './data-grid/grid-header';
import { GridRow } from './data-grid/grid-row';
import { ROW_H, useVirtualRows } from './data-grid/use-virtual-rows';

const ROWNUM_W = 72;

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return text(a).localeCompare(text(b));
}

/**
 * The dataset grid's look and keys over rows already in memory (a notebook's table output):
 * the same header, rows and virtual scrolling as `DataGrid`, sorted here since every row is
 * at hand. `total` may exceed the rows given (the footer says how many were kept).
 */
export function RowsGrid({
  columns,
  types,
  rows,
  total,
  label,
}: {
  columns: string[];
  types: string[];
  rows: unknown[][];
  total: number;
  label: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<SortKey[]>([]);
  const [focusRow, setFocusRow] = useState(0);
  const sorted = useMemo(() => {
    if (!sort.length) return rows;
    const keys = sort.map((s) => ({ i: columns.indexOf(s.column), desc: s.desc }));
    return [...rows].sort((a, b) => {
      for (const k of keys) {
        const c = compare(a[k.i], b[k.i]);
        if (c) return k.desc ? -c : c;
      }
      return 0;
    });
  }, [rows, sort, columns]);
  const count = sorted.length;
  const { rows: visible, spacerH, scrollRowIntoView } = useVirtualRows(scrollRef, count);
  const widths = columns.map((c, i) => columnWidth(c, types[i] ?? ''));
  const layout = {
    '--grid-cols': [ROWNUM_W, ...widths].map((w) => `${w}px`).join(' '),
    '--row-w': `${ROWNUM_W + widths.reduce((a, b) => a + b, 0)}px`,
    height: Math.min(420, 44 + 36 + count * ROW_H),
  } as CSSProperties;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(count - 1, focusRow + moves[e.key]));
    setFocusRow(next);
    scrollRowIntoView(next);
  };

  return (
    <div className="data-grid rows-grid" style={layout}>
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label={label}
        aria-rowcount={count + 1}
        aria-colcount={columns.length + 1}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <GridHeader columns={columns} types={types} sort={sort} onSortChange={setSort} />
        <div className="grid-body" style={{ height: spacerH }}>
          {visible.map((item) => (
            <GridRow
              key={item.index}
              index={item.index}
              top={item.top}
              row={sorted[item.index]}
              columns={columns}
              types={types}
              focused={item.index === focusRow}
            />
          ))}
        </div>
        {count === 0 ? <div className="empty">No rows.</div> : null}
      </div>
      <div className="grid-footer" aria-live="polite">
        <span>
          {total > count
            ? `${formatCount(count)} of ${formatCount(total)} rows shown`
            : `${formatCount(total)} ${total === 1 ? 'row' : 'rows'}`}
        </span>
        <span>{columns.length} columns</span>
      </div>
    </div>
  );
}
