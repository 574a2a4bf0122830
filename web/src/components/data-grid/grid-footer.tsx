import { formatCount } from '../../lib/format';
import type { SortKey } from '../../lib/table-query';
import type { GridMeta } from './use-row-pages';

/** Which rows are in view of how many, the columns, the sort, and the keys that move. */
export function GridFooter({
  meta,
  firstVisible,
  lastVisible,
  sort,
}: {
  meta: GridMeta | null;
  firstVisible: number;
  lastVisible: number;
  sort: SortKey[];
}) {
  return (
    <div className="grid-footer" aria-live="polite">
      {meta ? (
        <>
          <span>
            Rows {meta.total ? formatCount(firstVisible + 1) : 0}–{formatCount(Math.max(0, lastVisible + 1))} of{' '}
            <strong>{formatCount(meta.total)}</strong>
          </span>
          <span>{meta.columns.length} columns</span>
          {sort.length ? (
            <span>Sorted by {sort.map((s) => `${s.column}${s.desc ? ' ↓' : ' ↑'}`).join(', ')}</span>
          ) : null}
          <span className="grow" />
          <span className="muted">↑ ↓ PgUp PgDn Ctrl+Home Ctrl+End to move</span>
        </>
      ) : (
        <span>Loading rows…</span>
      )}
    </div>
  );
}
