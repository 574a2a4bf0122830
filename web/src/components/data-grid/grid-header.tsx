import { toggleSort, type SortKey } from '../../lib/table-query';

/** The grid's header row: the row-number corner, then one sort button per column (Shift+click adds to the sort). */
export function GridHeader({
  columns,
  types,
  sort,
  onSortChange,
}: {
  columns: string[];
  types: string[];
  sort: SortKey[];
  onSortChange: (sort: SortKey[]) => void;
}) {
  return (
    <div className="grid-head" role="row" aria-rowindex={1}>
      <div className="grid-cell rownum" role="columnheader">
        #
      </div>
      {columns.map((c, i) => {
        const si = sort.findIndex((s) => s.column === c);
        const s = si >= 0 ? sort[si] : null;
        return (
          <div
            key={c}
            className="grid-cell"
            role="columnheader"
            aria-sort={s ? (s.desc ? 'descending' : 'ascending') : 'none'}
            title={`${c} (${types[i]}) — click to sort, Shift+click to add to the sort`}
          >
            <button
              type="button"
              className="btn ghost grid-sort"
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
  );
}
