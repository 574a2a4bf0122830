import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { DataPage } from '../../api/types';
import { formatCount } from '../../lib/format';
import { filterParam, sortParam, type Filter, type SortKey } from '../../lib/table-query';

/** Rows per request to the rows endpoint. */
export const PAGE = 200;

export interface GridMeta {
  columns: string[];
  types: string[];
  total: number;
}

/** A page's rows with each cut cell saying so (the grid shows text; the export has the whole value). */
function markCut(page: DataPage): unknown[][] {
  for (const [r, c, chars] of page.cut ?? [])
    page.rows[r][c] =
      `${String(page.rows[r][c])}… (cut: ${formatCount(chars)} characters in all; download the dataset for the whole value)`;
  return page.rows;
}

/**
 * Pages of rows of one query (dataset, sort, filters), fetched on demand and cached; a new
 * query empties the cache and starts from the first page. `row(i)` is undefined until its
 * page arrives.
 */
export function useRowPages({
  dataUrl,
  sort,
  filters,
  onLoaded,
  onReset,
}: {
  dataUrl: string;
  sort: SortKey[];
  filters: Filter[];
  onLoaded?: (info: { total: number; ms: number }) => void;
  onReset: () => void;
}) {
  const [meta, setMeta] = useState<GridMeta | null>(null);
  // An error belongs to the query that failed: a new query shows none.
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, unknown[][]>());
  const inflight = useRef(new Map<number, AbortController>());
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
        const res = await api.get<DataPage>(
          dataUrl,
          { offset: page * PAGE, limit: PAGE, sort: sortParam(sort) || undefined, filter: filters.map(filterParam) },
          controller.signal,
        );
        if (queryRef.current !== key) return;
        pages.current.set(page, markCut(res));
        setMeta((m) =>
          m && m.total === res.total && m.columns.length === res.columns.length
            ? m
            : { columns: res.columns, types: res.types, total: res.total },
        );
        if (page === 0) onLoaded?.({ total: res.total, ms: Math.round(performance.now() - started) });
        setFailure(null);
        setVersion((v) => v + 1);
      } catch (e) {
        if ((e as Error).name !== 'AbortError' && queryRef.current === key) setFailure({ key, error: e });
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
    onReset();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- fetchPage sets state only after its request
    void fetchPage(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, fetchPage]);

  /** Fetches the pages under rows first..last, and forgets far-away pages so memory stays flat while scrolling millions of rows. */
  const fetchRows = useCallback(
    (first: number, last: number) => {
      const from = Math.floor(first / PAGE);
      const to = Math.floor(last / PAGE);
      for (let p = from; p <= to; p++) void fetchPage(p);
      if (pages.current.size > 40)
        for (const p of pages.current.keys()) if (p < from - 10 || p > to + 10) pages.current.delete(p);
    },
    [fetchPage],
  );

  const row = (index: number) => pages.current.get(Math.floor(index / PAGE))?.[index % PAGE];
  const error = failure?.key === queryKey ? failure.error : null;
  return { meta, error, row, fetchRows };
}
