/**
 * A pivot table's column dimension: the engine aggregates by the group-by columns and the pivot
 * column (long rows), then each value of the pivot column becomes a column of the answer (wide
 * rows), a cell per group and value, null where the group has no rows of that value.
 */
import { label } from './chart-options.js';
import type { InsightData, TableSpec } from './insight-types.js';

/** The pivot values that become columns when the spec names no cap, and the highest cap allowed. */
export const DEFAULT_PIVOT_COLUMNS = 20;
export const MAX_PIVOT_COLUMNS = 100;

/**
 * The order of pivot values: numbers by value, other values by text, null last. The cap keeps
 * the first N of this order ("the first N values"): a rule a reader can check without the data.
 */
function byValue(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
}

/**
 * Long rows (groups in the `x` and `color` roles, the pivot column in `facet`, measures in `y`)
 * as wide rows: one row per group, one column per pivot value and measure (`value` alone with
 * one measure, `value · measure` with several). Values beyond the cap are left out and counted.
 */
export function pivotWide(data: InsightData, spec: NonNullable<TableSpec['pivot']>): InsightData {
  const groups = data.roles.flatMap((r, i) => (r === 'x' || r === 'color' ? [i] : []));
  const at = data.roles.indexOf('facet');
  const measures = data.roles.flatMap((r, i) => (r === 'y' ? [i] : []));
  const values = [...new Map(data.rows.map((r) => [label(r[at]), r[at]])).values()].sort(byValue);
  const cap = spec.maxColumns ?? DEFAULT_PIVOT_COLUMNS;
  const kept = values.slice(0, cap);
  const column = new Map(kept.map((v, i) => [label(v), i]));
  const rows = new Map<string, unknown[]>();
  for (const r of data.rows) {
    const key = JSON.stringify(groups.map((g) => r[g]));
    let row = rows.get(key);
    if (!row) {
      const cells: unknown[] = Array.from({ length: kept.length * measures.length }, () => null);
      rows.set(key, (row = [...groups.map((g) => r[g]), ...cells]));
    }
    const c = column.get(label(r[at]));
    if (c === undefined) continue;
    measures.forEach((m, k) => (row[groups.length + c * measures.length + k] = r[m]));
  }
  const names = kept.flatMap((v) =>
    measures.map((m) => (measures.length === 1 ? label(v) : `${label(v)} · ${data.columns[m]}`)),
  );
  return {
    ...data,
    columns: [...groups.map((g) => data.columns[g]), ...names],
    roles: [...groups.map((g) => data.roles[g]), ...names.map(() => 'y')],
    rows: [...rows.values()],
    ...(values.length > kept.length ? { pivotColumnsLeftOut: values.length - kept.length } : {}),
  };
}
