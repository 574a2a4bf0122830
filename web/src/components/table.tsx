import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useFocusableWhenScrolling } from '../lib/use-focusable-when-scrolling';

/** One column of a {@link Table}: its header and how a row fills its cell. */
export interface Column<T> {
  header: ReactNode;
  /** The React key of the column; defaults to the header when that is a string. */
  id?: string;
  cell: (row: T, index: number) => ReactNode;
  /** Right-aligned, with figures of equal width. */
  numeric?: boolean;
  /** Classes of the body cells; a function when they depend on the row (a colour by outcome). */
  className?: string | ((row: T) => string | undefined);
  /** Classes of the header cell. */
  headerClassName?: string;
  /** Hover text of a body cell (the full date behind "3 hours ago"). */
  title?: (row: T) => string | undefined;
  /** Makes the header a button that sorts the rows by this value, in the browser. */
  sortValue?: (row: T) => string | number | null | undefined;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  /** The accessible name: screen readers and the browser tests find the table by it. */
  label?: string;
  /** A visible caption above the rows. */
  caption?: ReactNode;
  /** Shown instead of the table when there is no row. */
  empty?: ReactNode;
  /** Smaller text, for tables inside a card or panel. */
  small?: boolean;
  /** In a card of its own: a list that is the page's content. */
  card?: boolean;
  /** No header row: label–value tables. */
  headless?: boolean;
  className?: string;
  rowClassName?: (row: T) => string | undefined;
  /** The row shown in the detail next to the table, highlighted. */
  isSelected?: (row: T) => boolean;
  /**
   * A click anywhere on a row (not on a control in it) picks it: a pointer shortcut; keyboard
   * users pick rows with a button in one of the cells.
   */
  onRowClick?: (row: T) => void;
}

interface SortState {
  column: number;
  desc: boolean;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** Rows ordered by a column's value; empty values go last in either direction, since they say least. */
function sortRows<T>(
  rows: readonly T[],
  by: (row: T) => string | number | null | undefined,
  desc: boolean,
): readonly T[] {
  return [...rows].sort((a, b) => {
    const x = by(a);
    const y = by(b);
    if (isEmpty(x) || isEmpty(y)) return Number(isEmpty(x)) - Number(isEmpty(y));
    const c =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: 'base' });
    return desc ? -c : c;
  });
}

const keyOf = <T,>(c: Column<T>, i: number) =>
  c.id ?? (typeof c.header === 'string' && c.header ? c.header : String(i));

/**
 * Every plain table of the UI (lists of objects, label–value summaries): the columns say
 * what each cell shows; empty state, optional sorting and the card come with it. On a
 * phone a wide table scrolls sideways inside its box instead of widening the page.
 * The virtualised dataset grid (data-grid.tsx) is the one table that is not this.
 */
export function Table<T>({
  columns,
  rows,
  rowKey,
  label,
  caption,
  empty,
  small,
  card,
  headless,
  className,
  rowClassName,
  isSelected,
  onRowClick,
}: TableProps<T>) {
  const [sort, setSort] = useState<SortState | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  // The scroller is not rendered while the table is empty: looked for again once rows come.
  useFocusableWhenScrolling(scroller, rows.length === 0);
  const sorted = useMemo(() => {
    const by = sort ? columns[sort.column]?.sortValue : undefined;
    return sort && by ? sortRows(rows, by, sort.desc) : rows;
  }, [rows, columns, sort]);

  if (rows.length === 0 && empty !== undefined) return card ? <div className="card">{empty}</div> : <>{empty}</>;

  const classes = ['table', small ? 'small' : '', className ?? ''].filter(Boolean).join(' ');
  const table = (
    <div className="table-scroll" ref={scroller}>
      <table className={classes} aria-label={label}>
        {caption ? <caption>{caption}</caption> : null}
        {headless ? null : (
          <thead>
            <tr>
              {columns.map((c, i) => {
                const sortedHere = sort?.column === i ? sort : null;
                const thClass =
                  [c.numeric ? 'num' : '', c.headerClassName ?? ''].filter(Boolean).join(' ') || undefined;
                return (
                  <th
                    key={keyOf(c, i)}
                    className={thClass}
                    aria-sort={
                      c.sortValue ? (sortedHere ? (sortedHere.desc ? 'descending' : 'ascending') : 'none') : undefined
                    }
                  >
                    {c.sortValue ? (
                      <button
                        type="button"
                        className="th-sort"
                        onClick={() =>
                          setSort(
                            sortedHere
                              ? sortedHere.desc
                                ? null
                                : { column: i, desc: true }
                              : { column: i, desc: false },
                          )
                        }
                      >
                        {c.header}
                        <span className="sort-mark" aria-hidden="true">
                          {sortedHere ? (sortedHere.desc ? '▼' : '▲') : ''}
                        </span>
                      </button>
                    ) : c.header === '' ? (
                      // A column of buttons still needs a header for screen readers: its id, said as words.
                      <span className="visually-hidden">
                        {(c.id ?? 'actions').replace(/^\w/, (l) => l.toUpperCase())}
                      </span>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
        )}
        <tbody>
          {sorted.map((row, r) => {
            const selected = isSelected?.(row);
            const rowClass =
              [rowClassName?.(row) ?? '', selected ? 'selected' : '', onRowClick ? 'clickable' : '']
                .filter(Boolean)
                .join(' ') || undefined;
            return (
              <tr
                key={rowKey(row, r)}
                className={rowClass}
                aria-selected={isSelected ? selected : undefined}
                onClick={
                  onRowClick
                    ? (e) => {
                        if (!(e.target as Element).closest('button, a, input, select, textarea')) onRowClick(row);
                      }
                    : undefined
                }
              >
                {columns.map((c, i) => {
                  const cellClass =
                    [c.numeric ? 'num' : '', (typeof c.className === 'function' ? c.className(row) : c.className) ?? '']
                      .filter(Boolean)
                      .join(' ') || undefined;
                  return (
                    <td key={keyOf(c, i)} className={cellClass} title={c.title?.(row)}>
                      {c.cell(row, r)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
  return card ? <div className="card">{table}</div> : table;
}
