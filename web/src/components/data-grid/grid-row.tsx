import { formatCell, formatCount } from '../../lib/format';
import { isNumeric } from './columns';

/** One row of the grid at its place in the scrolled area; grey placeholders until its page arrives. */
export function GridRow({
  index,
  top,
  row,
  columns,
  types,
  focused,
}: {
  index: number;
  top: number;
  row: unknown[] | undefined;
  columns: string[];
  types: string[];
  focused: boolean;
}) {
  return (
    // Where the row sits depends on the scroll position: the one inline style of a row.
    <div
      className={`grid-row${index % 2 ? ' odd' : ''}${focused ? ' focused' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      style={{ top }}
    >
      <div className="grid-cell rownum" role="rowheader">
        {formatCount(index + 1)}
      </div>
      {columns.map((c, i) => {
        const v = row?.[i];
        return (
          <div
            key={c}
            role="gridcell"
            className={`grid-cell${isNumeric(types[i] ?? '') ? ' num' : ''}`}
            title={row && v !== null ? formatCell(v, types[i]) : undefined}
          >
            {!row ? (
              <span className="placeholder" />
            ) : v === null || v === undefined ? (
              <span className="null">null</span>
            ) : (
              formatCell(v, types[i])
            )}
          </div>
        );
      })}
    </div>
  );
}
