import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { isTemporalType } from '../engine/column-types.js';
import {
  aggregateSql,
  columnOf,
  dimensionSql,
  measureLabel,
  type CompileInput,
  type CompiledChart,
} from './compile-chart.js';
import { KPI_POINTS, type KpiSpec, type TimeUnit } from './insight-types.js';

/** One period as an interval literal both DuckDB and PostgreSQL read. */
const STEP: Record<TimeUnit, string> = {
  hour: "INTERVAL '1 hour'",
  day: "INTERVAL '1 day'",
  week: "INTERVAL '7 days'",
  month: "INTERVAL '1 month'",
  quarter: "INTERVAL '3 months'",
  year: "INTERVAL '1 year'",
};

/**
 * A KPI tile as one query: the first measure per period of `kpi.time` over the last `points`
 * periods up to the latest row's (the sparkline), and on every row the current period's value,
 * the previous period's and the change between them as a fraction of the previous (null when
 * there is no previous value or it is 0, so a tile never shows ∞ or NaN).
 *
 * Answer columns: the period (x), the measure (y), `current`, `previous`, `change`.
 */
export function compileKpi(input: CompileInput, kpi: KpiSpec, whereSql: string, timezone: string): CompiledChart {
  const { spec, columns, relation, dialect } = input;
  const time = columnOf(columns, kpi.time, 'kpi.time');
  if (!isTemporalType(time.type))
    throw badRequest(`kpi.time: column ${JSON.stringify(time.name)} (${time.type}) holds no dates or timestamps`);
  const period = dimensionSql(
    { column: time.name, bin: { method: 'width', unit: kpi.period } },
    time,
    'x',
    dialect,
    timezone,
  );
  const m = spec.y[0];
  const measureInput = m.column ? quoteIdent(columnOf(columns, m.column, 'y').name) : null;
  const points = kpi.points ?? KPI_POINTS;
  const step = STEP[kpi.period];
  const double = dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
  const inner = [`${period.expr} AS __p`, ...(measureInput ? [`${measureInput} AS __m0`] : [])];
  const label = measureLabel(m);
  const sql = [
    `WITH b AS NOT MATERIALIZED (SELECT ${inner.join(', ')} FROM ${relation}${whereSql})`,
    `, cur AS (SELECT max(__p) AS p FROM b)`,
    // The periods of the sparkline: those with rows among the last `points` ending with the current one.
    `, s AS (SELECT b.__p AS p, ${aggregateSql(m, measureInput ? 'b.__m0' : null, dialect)} AS v FROM b CROSS JOIN cur` +
      ` WHERE b.__p > cur.p - ${points} * ${step} AND b.__p <= cur.p GROUP BY b.__p)`,
    `, k AS (SELECT (SELECT v FROM s WHERE s.p = cur.p) AS current_value,` +
      ` (SELECT v FROM s WHERE s.p = cur.p - ${step}) AS previous_value FROM cur)`,
    ` SELECT s.p AS ${quoteIdent(time.name)}, s.v AS ${quoteIdent(label)},` +
      ` k.current_value AS "current", k.previous_value AS "previous",` +
      ` CASE WHEN k.previous_value IS NULL OR k.previous_value = 0 OR k.current_value IS NULL THEN NULL` +
      ` ELSE CAST(k.current_value - k.previous_value AS ${double}) / abs(CAST(k.previous_value AS ${double})) END AS "change"` +
      ` FROM s CROSS JOIN k ORDER BY 1 LIMIT ${points + 1}`,
  ].join('');
  return {
    sql,
    columns: [time.name, label, 'current', 'previous', 'change'],
    roles: ['x', 'y', 'current', 'previous', 'change'],
    rowBudget: points,
  };
}
