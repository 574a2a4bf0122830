import { useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { Filter, SortKey } from '../lib/table-query';
import { columnWidth } from './data-grid/columns';
import { GridFooter } from './data-grid/grid-footer';
import { GridHeader } from './data-grid/grid-header';
import { GridRow } from './data-grid/grid-row';
import { useRowPages } from './data-grid/use-row-pages';
import { useVirtualRows } from './data-grid/use-virtual-rows';
import { ErrorAlert } from './ui';

/** Width of the row-number column. */
const ROWNUM_W = 72;

interface GridProps {
  /** `GET …/datasets/{name}/data` */
  dataUrl: string;
  sort: SortKey[];
  filters: Filter[];
  onSortChange: (sort: SortKey[]) => void;
  /** Reported once the first page arrives (total after filters). */
  onLoaded?: (info: { total: number; ms: number }) => void;
}

/**
 * A virtualised grid over the rows endpoint: only the visible rows exist in the DOM, and
 * pages of 200 rows are fetched as they scroll into view, so a dataset of millions of rows
 * opens as fast as its first page. The one table of the UI that is not components/table.tsx.
 */
export function DataGrid({ dataUrl, sort, filters, onSortChange, onLoaded }: GridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusRow, setFocusRow] = useState(0);
  const { meta, error, row, fetchRows } = useRowPages({
    dataUrl,
    sort,
    filters,
    onLoaded,
    onReset: () => {
      setFocusRow(0);
      if (scrollRef.current) scrollRef.current.scrollTop = 0;
    },
  });
  const total = meta?.total ?? 0;
  const columns = meta?.columns ?? [];
  const types = meta?.types ?? [];
  const { rows, spacerH, firstVisible, lastVisible, pageRows, scrollRowIntoView } = useVirtualRows(scrollRef, total);

  const widths = useMemo(() => (meta ? meta.columns.map((c, i) => columnWidth(c, meta.types[i] ?? '')) : []), [meta]);
  // The column widths depend on the data: given once to the stylesheet, which lays out the header and every row with them.
  const layout = {
    '--grid-cols': [ROWNUM_W, ...widths].map((w) => `${w}px`).join(' '),
    '--row-w': `${ROWNUM_W + widths.reduce((a, b) => a + b, 0)}px`,
  } as CSSProperties;

  // Fetch the pages under the rendered rows, after scrolling settles for a moment.
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  useEffect(() => {
    if (!meta || total === 0) return;
    const t = setTimeout(() => fetchRows(first, last), 60);
    return () => clearTimeout(t);
  }, [first, last, meta, total, fetchRows]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
    let next: number;
    if (e.key in moves) next = focusRow + moves[e.key];
    else if (e.key === 'Home' && e.ctrlKey) next = 0;
    else if (e.key === 'End' && e.ctrlKey) next = total - 1;
    else return;
    e.preventDefault();
    next = Math.max(0, Math.min(total - 1, next));
    setFocusRow(next);
    scrollRowIntoView(next);
  };

  return (
    <div className="data-grid" style={layout}>
      <ErrorAlert error={error} title="Could not read the rows" />
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label="Dataset rows"
        aria-rowcount={total + 1}
        aria-colcount={columns.length + 1}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <GridHeader columns={columns} types={types} sort={sort} onSortChange={onSortChange} />
        {/* The scrolled area's height follows the row count. */}
        <div className="grid-body" style={{ height: spacerH }}>
          {rows.map((item) => (
            <GridRow
              key={item.index}
              index={item.index}
              top={item.top}
              row={row(item.index)}
              columns={columns}
              types={types}
              focused={item.index === focusRow}
            />
          ))}
        </div>
        {meta && total === 0 ? (
          <div className="empty">{filters.length ? 'No row matches the filters.' : 'This dataset has no rows.'}</div>
        ) : null}
      </div>
      <GridFooter meta={meta} firstVisible={firstVisible} lastVisible={lastVisible} sort={sort} />
    </div>
  );
}
