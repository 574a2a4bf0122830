import { badRequest } from '../common/errors.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import { isNumericType, isTemporalType, isZonedTimeType } from '../engine/column-types.js';
import type { ColumnInfo, SqlDialect } from '../engine/table-query.js';
import { compileKpi } from './compile-kpi.js';
import { CHART_ROW_BUDGET, DEFAULT_POINT_BUDGET } from './insight-schema.js';
import { measureLabel, type ChartFilter, type ChartSpec, type Dimension, type Measure } from './insight-types.js';

/**
 * Chart spec → one SQL query over the dataset's relation, for DuckDB or PostgreSQL. Pure: the
 * caller gives the columns (names and types) and the relation, and runs the SQL. Every
 * identifier is quoted and every user value is a quoted literal cast to its column's type, so
 * the SQL shown to the user runs as shown. All aggregation, binning and sampling happen in the
 * engine: the answer is at most the rows the chart draws.
 *
 * Shape: `WITH b AS NOT MATERIALIZED (one row per input row: the binned dimensions and the
 * measures' inputs)`, bounds of auto/count bins in a one-row CTE, then one GROUP BY. Nulls are
 * a group of their own (never folded into "Others"); numeric bins are [start, end) except the
 * last of a `count` binning, which holds the maximum.
 */

export interface CompileInput {
  spec: ChartSpec;
  columns: readonly ColumnInfo[];
  /** The FROM expression (a read_parquet(…) call, a quoted table, a parenthesised query). */
  relation: string;
  dialect: SqlDialect;
  /** Filters from the dashboard or the URL, already limited to columns the dataset has. */
  extraFilters?: readonly ChartFilter[];
  /** Most rows answered; one more is asked for to tell that more matched. */
  rowBudget?: number;
}

export interface CompiledChart {
  sql: string;
  columns: string[];
  roles: string[];
  rowBudget: number;
  /** Scatter plots: count the points first; above `budget`, run `sampledSql` instead. */
  sampling?: { countSql: string; sampledSql: string; budget: number; method: string };
}

const AUTO_BINS = 20;
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

export function columnOf(columns: readonly ColumnInfo[], name: string, where: string): ColumnInfo {
  const c = columns.find((col) => col.name === name);
  if (!c)
    throw badRequest(
      `Unknown column ${JSON.stringify(name)} in ${where}; the dataset has ${columns.map((x) => x.name).join(', ')}`,
    );
  return c;
}

/** A filter as SQL; values are literals cast to the column's type (DuckDB) or typed by the comparison (PostgreSQL). */
export function filterSql(filter: ChartFilter, column: ColumnInfo, dialect: SqlDialect): string {
  const ident = quoteIdent(column.name);
  const literal = (v: string) =>
    dialect === 'duckdb' ? `CAST(${quoteLiteral(v)} AS ${column.type})` : quoteLiteral(v);
  const text = `CAST(${ident} AS ${dialect === 'duckdb' ? 'VARCHAR' : 'text'})`;
  const value = () => {
    if (filter.value === undefined)
      throw badRequest(`Filter ${filter.op} on ${JSON.stringify(column.name)} needs a value`);
    return filter.value;
  };
  switch (filter.op) {
    case 'isnull':
      return `${ident} IS NULL`;
    case 'notnull':
      return `${ident} IS NOT NULL`;
    case 'contains':
      return dialect === 'duckdb'
        ? `contains(${text}, ${quoteLiteral(value())})`
        : `strpos(${text}, ${quoteLiteral(value())}) > 0`;
    case 'startswith':
      return `starts_with(${text}, ${quoteLiteral(value())})`;
    case 'in': {
      const values = filter.values ?? (filter.value !== undefined ? filter.value.split('|') : []);
      if (values.length === 0) throw badRequest(`Filter in on ${JSON.stringify(column.name)} needs at least one value`);
      return `${ident} IN (${values.map(literal).join(', ')})`;
    }
    default: {
      const op = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' }[filter.op];
      if (!op) throw badRequest(`Unknown filter operator ${JSON.stringify(filter.op)}`);
      return `${ident} ${op} ${literal(value())}`;
    }
  }
}

/** The SQL of one aggregation of `input` (an expression); `count` without a column counts rows. */
export function aggregateSql(m: Measure, input: string | null, dialect: SqlDialect): string {
  const x = input ?? '*';
  const quantile = (q: number) =>
    dialect === 'duckdb'
      ? `quantile_cont(${x}, ${q})::DOUBLE`
      : `(percentile_cont(${q}) WITHIN GROUP (ORDER BY ${x}))::double precision`;
  const double = dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
  switch (m.agg) {
    case 'count':
      return `count(${input ?? '*'})`;
    case 'count_distinct':
      return `count(DISTINCT ${x})`;
    case 'sum':
      return `sum(${x})`;
    case 'avg':
      return `avg(${x})::${double}`;
    case 'min':
      return `min(${x})`;
    case 'max':
      return `max(${x})`;
    case 'median':
      return quantile(0.5);
    case 'quantile':
      return quantile(m.q ?? 0.5);
    case 'stddev':
      return `stddev_samp(${x})::${double}`;
  }
}

// In the Node-free types module, since the UI names a table's columns with it too.
export { measureLabel };

interface BinnedDimension {
  /** Expression over the relation's row (and the bounds CTE). */
  expr: string;
  /** End of a numeric bin, when binned. */
  end?: string;
  /** Bounds this dimension needs (min and max of the column, as `lo_<n>`/`hi_<n>`). */
  bounds?: string[];
}

/** A dimension's expression: the raw column, a numeric bin or a truncated date. */
export function dimensionSql(
  dim: Dimension,
  column: ColumnInfo,
  role: string,
  dialect: SqlDialect,
  timezone: string,
  defaultBin = false,
): BinnedDimension {
  const ident = quoteIdent(column.name);
  const bin = dim.bin ?? (defaultBin ? { method: 'auto' as const } : undefined);
  if (!bin || bin.method === 'none') return { expr: ident };
  const lo = `lo_${role}`;
  const hi = `hi_${role}`;
  if (isTemporalType(column.type)) {
    const local = isZonedTimeType(column.type)
      ? dialect === 'duckdb'
        ? `timezone(${quoteLiteral(timezone)}, ${ident})`
        : `(${ident} AT TIME ZONE ${quoteLiteral(timezone)})`
      : ident;
    if (bin.unit && bin.method !== 'auto') return { expr: `date_trunc('${bin.unit}', ${local})` };
    if (bin.unit) return { expr: `date_trunc('${bin.unit}', ${local})` };
    const epoch = (e: string) => (dialect === 'duckdb' ? `epoch(${e})` : `extract(epoch from ${e})`);
    // The unit follows the span: about 20–200 points whatever the range.
    const unit = `CASE WHEN ${hi} - ${lo} > 3 * 365 * 86400 THEN 'month' WHEN ${hi} - ${lo} > 120 * 86400 THEN 'week' WHEN ${hi} - ${lo} > 4 * 86400 THEN 'day' ELSE 'hour' END`;
    return {
      expr: `date_trunc(${unit}, ${local})`,
      bounds: [`${epoch(`min(${local})`)} AS ${lo}`, `${epoch(`max(${local})`)} AS ${hi}`],
    };
  }
  if (!isNumericType(column.type))
    throw badRequest(
      `Column ${JSON.stringify(column.name)} (${column.type}) holds neither numbers nor dates: it cannot be binned`,
    );
  const double = dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
  const x = `CAST(${ident} AS ${double})`;
  if (bin.method === 'width') {
    if (!bin.width) throw badRequest(`Binning by width of ${JSON.stringify(column.name)} needs a width`);
    const start = `floor(${x} / ${bin.width}) * ${bin.width}`;
    return { expr: start, end: `${start} + ${bin.width}` };
  }
  const n = bin.method === 'count' ? (bin.count ?? AUTO_BINS) : (bin.count ?? AUTO_BINS);
  const width = `((${hi} - ${lo}) / ${n})`;
  // The maximum falls in the last bin, not in a bin of its own. least() skips nulls, hence the first case.
  const index = `least(floor((${x} - ${lo}) / ${width}), ${n - 1})`;
  const start = `CASE WHEN ${x} IS NULL THEN NULL WHEN ${hi} = ${lo} THEN ${lo} ELSE ${lo} + ${index} * ${width} END`;
  const end = `CASE WHEN ${x} IS NULL THEN NULL WHEN ${hi} = ${lo} THEN ${hi} ELSE ${lo} + (${index} + 1) * ${width} END`;
  return { expr: start, end, bounds: [`min(${x}) AS ${lo}`, `max(${x}) AS ${hi}`] };
}

/** Compiles a chart spec; throws a 400 naming the field for an unknown column or a binning that cannot apply. */
export function compileChart(input: CompileInput): CompiledChart {
  const { spec, columns, relation, dialect } = input;
  const rowBudget = input.rowBudget ?? CHART_ROW_BUDGET;
  const timezone = spec.timezone ?? 'UTC';
  if (!TIME_ZONE.test(timezone)) throw badRequest(`timezone: ${JSON.stringify(timezone)} is not a time zone name`);

  const where = [
    ...spec.filters.map((f) => filterSql(f, columnOf(columns, f.column, 'filters'), dialect)),
    ...(input.extraFilters ?? []).map((f) => filterSql(f, columnOf(columns, f.column, 'filters'), dialect)),
  ];
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';

  // Dimensions: role → binned expression.
  const dims: { role: string; label: string; dim: BinnedDimension }[] = [];
  const addDim = (role: string, d: Dimension | undefined, defaultBin = false) => {
    if (!d) return;
    const column = columnOf(columns, d.column, role);
    dims.push({ role, label: d.column, dim: dimensionSql(d, column, role, dialect, timezone, defaultBin) });
  };
  if (spec.kind === 'scatter') {
    return compileScatter(input, whereSql, timezone);
  }
  if (spec.kind === 'kpi' && spec.kpi) return compileKpi(input, spec.kpi, whereSql, timezone);
  addDim('x', spec.x, spec.kind === 'histogram');
  addDim('color', spec.color);
  addDim('facet', spec.facet);

  const measures: { label: string; sql: (input: string | null) => string; input: string | null; quantile?: number }[] =
    [];
  const quantileOf = (m: Measure) => (m.agg === 'median' ? 0.5 : m.agg === 'quantile' ? (m.q ?? 0.5) : undefined);
  if (spec.kind === 'box') {
    const m = spec.y[0];
    const col = columnOf(columns, m.column!, 'y');
    const x = quoteIdent(col.name);
    for (const [label, agg] of [
      ['min', { agg: 'min' }],
      ['q1', { agg: 'quantile', q: 0.25 }],
      ['median', { agg: 'median' }],
      ['q3', { agg: 'quantile', q: 0.75 }],
      ['max', { agg: 'max' }],
      ['n', { agg: 'count' }],
    ] as const)
      measures.push({
        label,
        input: x,
        sql: (i) => aggregateSql({ ...agg, column: col.name }, i, dialect),
        quantile: quantileOf(agg),
      });
  } else {
    for (const m of spec.y) {
      const input = m.column ? quoteIdent(columnOf(columns, m.column, 'y').name) : null;
      measures.push({
        label: measureLabel(m),
        input,
        sql: (i) => aggregateSql(m, i, dialect),
        quantile: quantileOf(m),
      });
    }
  }

  const bounds = dims.flatMap((d) => d.dim.bounds ?? []);
  const inner: string[] = [];
  for (const d of dims) {
    inner.push(`${d.dim.expr} AS __${d.role}`);
    if (d.dim.end) inner.push(`${d.dim.end} AS __${d.role}_end`);
  }
  measures.forEach((m, i) => {
    if (m.input) inner.push(`${m.input} AS __m${i}`);
  });
  if (inner.length === 0) inner.push('1 AS __one');
  const ctes = [];
  if (bounds.length) ctes.push(`bounds AS (SELECT ${bounds.join(', ')} FROM ${relation}${whereSql})`);
  ctes.push(
    `b AS NOT MATERIALIZED (SELECT ${inner.join(', ')} FROM ${relation}${bounds.length ? ' CROSS JOIN bounds' : ''}${whereSql})`,
  );

  const x = dims.find((d) => d.role === 'x');
  const top = spec.top && x ? spec.top : undefined;
  const firstMeasure = measures[0].sql(measures[0].input ? '__m0' : null);
  if (top)
    ctes.push(
      `top_x AS (SELECT __x FROM b WHERE __x IS NOT NULL GROUP BY __x ORDER BY ${firstMeasure} DESC NULLS LAST, __x LIMIT ${top.n})`,
    );
  const text = dialect === 'duckdb' ? 'VARCHAR' : 'text';
  const select: string[] = [];
  const roles: string[] = [];
  const names: string[] = [];
  for (const d of dims) {
    const xOthers =
      d.role === 'x' && top?.others
        ? `CASE WHEN __x IS NULL THEN NULL WHEN __x IN (SELECT __x FROM top_x) THEN CAST(__x AS ${text}) ELSE 'Others' END`
        : `__${d.role}`;
    select.push(`${xOthers} AS ${quoteIdent(d.label)}`);
    roles.push(d.role);
    names.push(d.label);
    if (d.dim.end && !(d.role === 'x' && top)) {
      select.push(`__${d.role}_end AS ${quoteIdent(`${d.label}_end`)}`);
      roles.push(`${d.role}_end`);
      names.push(`${d.label}_end`);
    }
  }
  const groupCount = select.length;
  // Several quantiles of one column (a box plot, median and p90) share one pass: DuckDB sorts a
  // group once for a list of quantiles, three times for three quantile_cont calls.
  const sharedQuantiles = new Map<string, number[]>();
  if (dialect === 'duckdb')
    measures.forEach((m, i) => {
      if (m.quantile === undefined || !m.input) return;
      sharedQuantiles.set(m.input, [...(sharedQuantiles.get(m.input) ?? []), i]);
    });
  for (const [input, members] of sharedQuantiles) if (members.length < 2) sharedQuantiles.delete(input);
  const outer = select.map((_, i) => quoteIdent(names[i]));
  measures.forEach((m, i) => {
    const group = m.input && m.quantile !== undefined ? sharedQuantiles.get(m.input) : undefined;
    if (group) {
      const first = group[0];
      if (i === first)
        select.push(
          `quantile_cont(__m${first}, [${group.map((j) => measures[j].quantile).join(', ')}])::DOUBLE[] AS __q${first}`,
        );
      outer.push(`g.__q${first}[${group.indexOf(i) + 1}] AS ${quoteIdent(m.label)}`);
    } else {
      select.push(`${m.sql(m.input ? `__m${i}` : null)} AS ${quoteIdent(m.label)}`);
      outer.push(quoteIdent(m.label));
    }
    roles.push(spec.kind === 'box' ? m.label : 'y');
    names.push(m.label);
  });
  const groupBy = groupCount ? ` GROUP BY ${Array.from({ length: groupCount }, (_, i) => i + 1).join(', ')}` : '';
  const topWhere = top && !top.others ? ' WHERE __x IN (SELECT __x FROM top_x)' : '';
  const order: string[] = [];
  if (groupCount) {
    // "Others" comes after the top values, whatever the order (sorted outside the grouping, by the output name).
    if (top?.others) order.push(`CASE WHEN g.${quoteIdent(x!.label)} = 'Others' THEN 1 ELSE 0 END`);
    if (spec.sort?.by === 'y') order.push(`${groupCount + 1} ${spec.sort.desc ? 'DESC' : 'ASC'} NULLS LAST`);
    const dir = spec.sort?.by === 'x' && spec.sort.desc ? 'DESC' : 'ASC';
    for (let i = 1; i <= groupCount; i++) order.push(`${i} ${dir} NULLS LAST`);
  }
  const grouped = `SELECT ${select.join(', ')} FROM b${topWhere}${groupBy}`;
  const orderBy = order.length ? ` ORDER BY ${order.join(', ')}` : '';
  const columnsOut = sharedQuantiles.size ? outer.join(', ') : '*';
  const sql = `WITH ${ctes.join(', ')} SELECT ${columnsOut} FROM (${grouped}) AS g${orderBy} LIMIT ${rowBudget + 1}`;
  return { sql, columns: names, roles, rowBudget };
}

/** Scatter: raw points (no aggregation); above the point budget, a reservoir sample taken in the engine. */
function compileScatter(input: CompileInput, whereSql: string, timezone: string): CompiledChart {
  const { spec, columns, relation, dialect } = input;
  void timezone;
  const budget = spec.pointBudget ?? DEFAULT_POINT_BUDGET;
  const x = columnOf(columns, spec.x!.column, 'x');
  const y = columnOf(columns, spec.y[0].column!, 'y');
  const color = spec.color ? columnOf(columns, spec.color.column, 'color') : null;
  const parts = [`${quoteIdent(x.name)} AS __x`, `${quoteIdent(y.name)} AS __y`];
  if (color) parts.push(`${quoteIdent(color.name)} AS __color`);
  const notNull = `${quoteIdent(x.name)} IS NOT NULL AND ${quoteIdent(y.name)} IS NOT NULL`;
  const filtered = whereSql ? `${whereSql} AND ${notNull}` : ` WHERE ${notNull}`;
  const b = `WITH b AS NOT MATERIALIZED (SELECT ${parts.join(', ')} FROM ${relation}${filtered})`;
  const out = [`__x AS ${quoteIdent(x.name)}`, `__y AS ${quoteIdent(y.name)}`];
  const names = [x.name, y.name];
  const roles = ['x', 'y'];
  if (color) {
    out.push(`__color AS ${quoteIdent(color.name)}`);
    names.push(color.name);
    roles.push('color');
  }
  const sample =
    dialect === 'duckdb'
      ? `${b} SELECT ${out.join(', ')} FROM b USING SAMPLE reservoir(${budget} ROWS) REPEATABLE (7)`
      : `${b} SELECT ${out.join(', ')} FROM b ORDER BY random() LIMIT ${budget}`;
  return {
    sql: `${b} SELECT ${out.join(', ')} FROM b LIMIT ${budget + 1}`,
    columns: names,
    roles,
    rowBudget: budget,
    sampling: {
      countSql: `${b} SELECT count(*) FROM b`,
      sampledSql: sample,
      budget,
      method: dialect === 'duckdb' ? `reservoir sample of ${budget} points` : `random sample of ${budget} points`,
    },
  };
}
