import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../api/client';
import type { DataPage } from '../api/types';
import { formatCell, formatCount } from '../lib/format';
import { filterParam, sortParam, toggleSort, type Filter, type SortKey } from '../lib/table-query';
import { ErrorAlert } from './ui';

const ROW_H = 28;
const HEADER_H = 44;
const PAGE = 200;
/** Browsers cap element heights (~17M px in Firefox); taller virtual lists are scrolled at scale. */
const MAX_SCROLL_PX = 6_000_000;
const ROWNUM_W = 72;
/**
 * The virtualizer works on blocks of rows: it keeps one measurement per item, and ten
 * million of them would take seconds and hundreds of megabytes. Rows inside the visible
 * blocks are then clipped to the viewport.
 */
const BLOCK = 100;
const OVERSCAN_ROWS = 12;

const isNumeric = (type: string) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL|INT|NUMERIC)/i.test(type);

function columnWidth(name: string, type: string): number {
  const base = isNumeric(type) ? 110 : /TIMESTAMP/i.test(type) ? 190 : /DATE/i.test(type) ? 110 : /BOOL/i.test(type) ? 80 : 170;
  return Math.min(320, Math.max(base, name.length * 8 + 34));
}

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
 * opens as fast as its first page.
 */
export function DataGrid({ dataUrl, sort, filters, onSortChange, onLoaded }: GridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [meta, setMeta] = useState<{ columns: string[]; types: string[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, unknown[][]>());
  const inflight = useRef(new Map<number, AbortController>());
  const [viewportH, setViewportH] = useState(600);
  const [focusRow, setFocusRow] = useState(0);
  const queryKey = `${dataUrl}|${sortParam(sort)}|${filters.map(filterParam).join('&')}`;
  const queryRef = useRef(queryKey);

  const fetchPage = useCallback(
    async (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      const controller = new AbortController();
      inflight.current.set(page, controller);
      const key = queryRef.current;
      const started = performance.now();
      try {
        const res = await api.get<DataPage>(dataUrl, { offset: page * PAGE, limit: PAGE, sort: sortParam(sort) || undefined, filter: filters.map(filterParam) }, controller.signal);
        if (queryRef.current !== key) return;
        pages.current.set(page, res.rows);
        setMeta((m) => (m && m.total === res.total && m.columns.length === res.columns.length ? m : { columns: res.columns, types: res.types, total: res.total }));
        if (page === 0) onLoaded?.({ total: res.total, ms: Math.round(performance.now() - started) });
        setError(null);
        setVersion((v) => v + 1);
      } catch (e) {
        if ((e as Error).name !== 'AbortError' && queryRef.current === key) setError(e);
      } finally {
        if (inflight.current.get(page) === controller) inflight.current.delete(page);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [queryKey],
  );

  // A new query (sort, filter, dataset) starts from an empty cache at the top.
  useEffect(() => {
    queryRef.current = queryKey;
    inflight.current.forEach((c) => c.abort());
    inflight.current.clear();
    pages.current.clear();
    setError(null);
    setFocusRow(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    void fetchPage(0);
  }, [queryKey, fetchPage]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportH(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const total = meta?.total ?? 0;
  const columns = meta?.columns ?? [];
  const types = meta?.types ?? [];
  const widths = useMemo(() => columns.map((c, i) => columnWidth(c, types[i] ?? '')), [columns, types]);
  const rowWidth = ROWNUM_W + widths.reduce((a, b) => a + b, 0);

  const realHeight = total * ROW_H;
  const spacerH = Math.min(realHeight, MAX_SCROLL_PX);
  const scale = spacerH > 0 && realHeight > spacerH ? (HEADER_H + realHeight - viewportH) / Math.max(1, HEADER_H + spacerH - viewportH) : 1;
  const scaleRef = useRef(scale);
  scaleRef.current = scale;

  const blocks = Math.ceil(total / BLOCK);
  const virtualizer = useVirtualizer({
    count: blocks,
    getScrollElement: () => scrollRef.current,
    estimateSize: (b) => Math.min(BLOCK, total - b * BLOCK) * ROW_H,
    overscan: 1,
    scrollMargin: HEADER_H,
    observeElementOffset: (instance, cb) => observeElementOffset(instance, (offset, scrolling) => cb(offset * scaleRef.current, scrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scaleRef.current, options, instance),
  });
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const realOffset = virtualOffset / scale;
  // Rows of the visible blocks that fall in the viewport (plus a few), as {index, start} in virtual pixels.
  const rows: { index: number; start: number }[] = [];
  for (const block of virtualizer.getVirtualItems()) {
    const end = Math.min(total, (block.index + 1) * BLOCK);
    for (let index = block.index * BLOCK; index < end; index++) {
      const start = block.start + (index - block.index * BLOCK) * ROW_H;
      if (start + ROW_H >= virtualOffset + HEADER_H - OVERSCAN_ROWS * ROW_H && start <= virtualOffset + viewportH + OVERSCAN_ROWS * ROW_H) rows.push({ index, start });
    }
  }
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  // What the footer reports: the rows actually in view, without the overscan.
  const firstVisible = Math.min(total - 1, Math.floor(virtualOffset / ROW_H));
  const lastVisible = Math.min(total - 1, Math.floor((virtualOffset + viewportH - HEADER_H - 1) / ROW_H));

  // Fetch the pages under the visible rows, after scrolling settles for a moment.
  useEffect(() => {
    if (!meta || total === 0) return;
    const t = setTimeout(() => {
      const from = Math.floor(first / PAGE);
      const to = Math.floor(last / PAGE);
      for (let p = from; p <= to; p++) void fetchPage(p);
      // Forget far-away pages so memory stays flat while scrolling millions of rows.
      if (pages.current.size > 40) for (const p of pages.current.keys()) if (p < from - 10 || p > to + 10) pages.current.delete(p);
    }, 60);
    return () => clearTimeout(t);
  }, [first, last, meta, total, fetchPage]);

  const rowTop = (start: number) => start - virtualOffset + realOffset - HEADER_H;

  // The virtualizer clamps scrollToIndex to the DOM's (scaled) height, so rows are brought into view here.
  const scrollRowIntoView = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = index * ROW_H;
    const view = virtualOffset;
    const rowsH = viewportH - HEADER_H;
    let target = view;
    if (top < view) target = top;
    else if (top + ROW_H > view + rowsH) target = top + ROW_H - rowsH;
    el.scrollTop = target / scale;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const pageRows = Math.max(1, Math.floor((viewportH - HEADER_H) / ROW_H) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
    let next = focusRow;
    if (e.key in moves) next = focusRow + moves[e.key];
    else if (e.key === 'Home' && e.ctrlKey) next = 0;
    else if (e.key === 'End' && e.ctrlKey) next = total - 1;
    else return;
    e.preventDefault();
    next = Math.max(0, Math.min(total - 1, next));
    setFocusRow(next);
    scrollRowIntoView(next);
  };

  const sortOf = (c: string) => sort.findIndex((s) => s.column === c);

  return (
    <div className="data-grid" style={{ flex: 1 }}>
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
        <div className="grid-head" role="row" aria-rowindex={1} style={{ width: rowWidth }}>
          <div className="grid-cell rownum" role="columnheader" style={{ width: ROWNUM_W, height: HEADER_H, zIndex: 3 }}>
            #
          </div>
          {columns.map((c, i) => {
            const si = sortOf(c);
            const s = si >= 0 ? sort[si] : null;
            return (
              <div
                key={c}
                className="grid-cell"
                role="columnheader"
                aria-sort={s ? (s.desc ? 'descending' : 'ascending') : 'none'}
                style={{ width: widths[i] }}
                title={`${c} (${types[i]}) — click to sort, Shift+click to add to the sort`}
              >
                <button
                  type="button"
                  className="btn ghost"
                  style={{ height: 'auto', padding: 0, font: 'inherit', fontWeight: 600, display: 'block', textAlign: 'left', width: '100%', background: 'none' }}
                  onClick={(e) => onSortChange(toggleSort(sort, c, e.shiftKey))}
                >
                  {c}
                  {s ? (
                    <span className="sort" aria-hidden="true">
                      {s.desc ? '▼' : '▲'}
                      {sort.length > 1 ? si + 1 : ''}
                    </span>
                  ) : null}
                  <span className="type">{types[i]}</span>
                </button>
              </div>
            );
          })}
        </div>
        <div style={{ height: spacerH, width: rowWidth, position: 'relative' }}>
          {rows.map((item) => {
            const row = pages.current.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
            return (
              <div
                key={item.index}
                className={`grid-row${item.index % 2 ? ' odd' : ''}${item.index === focusRow ? ' focused' : ''}`}
                role="row"
                aria-rowindex={item.index + 2}
                style={{ top: rowTop(item.start), height: ROW_H, width: rowWidth }}
              >
                <div className="grid-cell rownum" role="rowheader" style={{ width: ROWNUM_W }}>
                  {formatCount(item.index + 1)}
                </div>
                {columns.map((c, i) => {
                  const v = row?.[i];
                  return (
                    <div key={c} role="gridcell" className={`grid-cell${isNumeric(types[i] ?? '') ? ' num' : ''}`} style={{ width: widths[i] }} title={row && v !== null ? formatCell(v, types[i]) : undefined}>
                      {!row ? <span className="placeholder" /> : v === null || v === undefined ? <span className="null">null</span> : formatCell(v, types[i])}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
        {meta && total === 0 ? <div className="empty">{filters.length ? 'No row matches the filters.' : 'This dataset has no rows.'}</div> : null}
      </div>
      <div className="grid-footer" aria-live="polite">
        {meta ? (
          <>
            <span>
              Rows {total ? formatCount(firstVisible + 1) : 0}–{formatCount(Math.max(0, lastVisible + 1))} of <strong>{formatCount(total)}</strong>
            </span>
            <span>{columns.length} columns</span>
            {sort.length ? <span>Sorted by {sort.map((s) => `${s.column}${s.desc ? ' ↓' : ' ↑'}`).join(', ')}</span> : null}
            <span className="grow" />
            <span className="muted">↑ ↓ PgUp PgDn Ctrl+Home Ctrl+End to move</span>
          </>
        ) : (
          <span>Loading rows…</span>
        )}
      </div>
    </div>
  );
}
