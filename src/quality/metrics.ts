import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { badRequest } from '../common/errors.js';
import { quoteIdent } from '../common/names.js';
import { isNestedType, isNumericType, isTemporalType } from '../engine/column-types.js';
import type { DuckDb } from '../engine/duckdb.js';
import { openSandbox } from '../engine/duckdb-sandbox.js';
import { connectionType, sourceReader } from '../connectors/registry.js';
import { duckdbRelation, type ExternalTableSource, type TableSource } from '../engine/table-source.js';
import type { Metrics, SqlDialect } from './check-type.js';
import type { ParsedCheck, QualitySettings } from './quality-settings.js';

export interface MetricsPass {
  metrics: Metrics;
  /** Check name → rows breaking its column rule. */
  violations: Record<string, number>;
  columns: { name: string; type: string }[];
}

interface Column {
  name: string;
  type: string;
}

const TEXT = /^(VARCHAR|TEXT|CHAR|CHARACTER|STRING|CHARACTER VARYING|UUID)\b/i;

/**
 * Where metrics are computed: DuckDB for Parquet and files; for a connection's table, the
 * connection itself when its type can (PostgreSQL), else DuckDB on a Parquet copy.
 */
interface Engine {
  dialect: SqlDialect;
  columns(): Promise<Column[]>;
  one(sql: string): Promise<unknown[]>;
  /** Runs a user's SQL metric with the dataset visible under its name, read-only. */
  userMetric(dataset: string, sql: string): Promise<unknown>;
}

/**
 * The select list of the one metrics pass: record count; per column nulls, distinct, min, max
 * and mean (numeric), the newest value of time columns; and the violation count of every
 * column rule. Columns the dataset lacks make the rule count as every row (reported).
 */
function selectList(dialect: SqlDialect, columns: Column[], settings: QualitySettings, checks: ParsedCheck[]) {
  const double = dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
  const epochMs = (c: string) =>
    dialect === 'duckdb'
      ? `CAST(epoch(max(${c})) * 1000 AS DOUBLE)`
      : `CAST(extract(epoch from max(${c})) * 1000 AS double precision)`;
  const timeColumns = new Set(
    settings.metrics.timeColumns ?? columns.filter((c) => isTemporalType(c.type)).map((c) => c.name),
  );
  const items: { key: string; kind: 'number' | 'text' | 'violation' | 'freshness'; sql: string }[] = [
    { key: 'records', kind: 'number', sql: 'count(*)' },
  ];
  for (const col of columns) {
    const c = quoteIdent(col.name);
    items.push({ key: `nulls.${col.name}`, kind: 'number', sql: `count(*) - count(${c})` });
    if (isNestedType(col.type)) continue;
    items.push({ key: `distinct.${col.name}`, kind: 'number', sql: `count(DISTINCT ${c})` });
    if (isNumericType(col.type)) {
      items.push({ key: `min.${col.name}`, kind: 'number', sql: `CAST(min(${c}) AS ${double})` });
      items.push({ key: `max.${col.name}`, kind: 'number', sql: `CAST(max(${c}) AS ${double})` });
      items.push({ key: `mean.${col.name}`, kind: 'number', sql: `CAST(avg(${c}) AS ${double})` });
    } else if (isTemporalType(col.type) || TEXT.test(col.type)) {
      items.push({ key: `min.${col.name}`, kind: 'text', sql: `CAST(min(${c}) AS TEXT)` });
      items.push({ key: `max.${col.name}`, kind: 'text', sql: `CAST(max(${c}) AS TEXT)` });
    }
    if (timeColumns.has(col.name) && isTemporalType(col.type))
      items.push({ key: `freshness.${col.name}`, kind: 'freshness', sql: epochMs(c) });
  }
  const names = new Set(columns.map((c) => c.name));
  for (const check of checks) {
    if (!check.type.violations) continue;
    const column = String(check.params.column);
    items.push({
      key: check.name,
      kind: 'violation',
      sql: names.has(column) ? check.type.violations(check.params, quoteIdent(column), dialect) : 'count(*)',
    });
  }
  return items;
}

/** Metric names of every dataset, whatever its columns. */
const BUILT_IN_METRICS = ['records'];
/** Per-column metric kinds: `<kind>.<column>` (min/max of numeric, text and time columns, mean of numeric ones). */
const COLUMN_METRIC_KINDS = ['nulls', 'distinct', 'min', 'max', 'mean', 'freshness'];

/**
 * The metrics a dataset of these columns gets (the names its metrics pass computes), its SQL
 * metrics included: what a check or a metric tile may name. Unknown columns (a dataset not
 * built yet): only the names that do not depend on them.
 */
export function availableMetricNames(columns: readonly Column[] | null, settings: QualitySettings): string[] {
  const computed = columns ? selectList('duckdb', [...columns], settings, []).map((i) => i.key) : BUILT_IN_METRICS;
  return [...computed, ...settings.metrics.sql.map((m) => `sql.${m.name}`)];
}

/**
 * Why a metric name is not one of `available`, naming the column it reads when that column is
 * missing; null when it is. `columns` null: the dataset has no schema yet, so a per-column name
 * passes when its kind is one of the metrics pass's.
 */
export function unknownMetricReason(
  metric: string,
  dataset: { name: string; columns: readonly Column[] | null; metrics: readonly string[] },
): string | null {
  const { columns, metrics: available } = dataset;
  if (available.includes(metric)) return null;
  const [kind, ...rest] = metric.split('.');
  const column = rest.join('.');
  if (!columns && COLUMN_METRIC_KINDS.includes(kind) && column) return null;
  if (columns && COLUMN_METRIC_KINDS.includes(kind) && column && !columns.some((c) => c.name === column))
    return `metric ${metric} reads column ${column}, which dataset ${dataset.name} does not have (columns: ${columns.map((c) => c.name).join(', ')})`;
  const shapes = `${BUILT_IN_METRICS.join(', ')}, ${COLUMN_METRIC_KINDS.map((k) => `${k}.<column>`).join(', ')}, sql.<SQL metric name>`;
  return `there is no metric ${metric} in dataset ${dataset.name} (its metrics: ${available.join(', ')}; the built-in names are ${shapes})`;
}

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Text as the driver gave it; a value of another kind (a list from a user's SQL metric) is written as JSON. */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Computes a dataset's metrics and its column rules' violations in one pass, then its SQL metrics. */
export async function computeMetricsPass(
  duck: DuckDb,
  pass: { tempDir: string; source: TableSource; settings: QualitySettings; checks: ParsedCheck[] },
): Promise<MetricsPass> {
  const { tempDir, source, settings, checks } = pass;
  const dataset = settings.dataset;
  return withEngine(duck, tempDir, source, async (engine) => {
    const columns = await engine.columns();
    const items = selectList(engine.dialect, columns, settings, checks);
    const row = await engine.one(`SELECT ${items.map((i) => i.sql).join(', ')}`);
    const metrics: Metrics = {};
    const violations: Record<string, number> = {};
    items.forEach((item, i) => {
      const v = row[i];
      if (item.kind === 'violation') violations[item.key] = Number(v ?? 0);
      else if (item.kind === 'freshness')
        metrics[item.key] = v === null || v === undefined ? null : new Date(Number(v)).toISOString();
      else if (item.kind === 'text') metrics[item.key] = v === null || v === undefined ? null : asText(v);
      else metrics[item.key] = toNumber(v);
    });
    for (const m of settings.metrics.sql) {
      let value: unknown;
      try {
        value = await engine.userMetric(dataset, m.sql);
      } catch (e) {
        throw badRequest(`SQL metric ${m.name}: ${(e as Error).message}`);
      }
      // Numbers stay numbers (DuckDB hands big integers and decimals over as text).
      const asNumber = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      metrics[`sql.${m.name}`] =
        value === null || value === undefined
          ? null
          : typeof value === 'number'
            ? value
            : Number.isFinite(asNumber)
              ? asNumber
              : asText(value);
    }
    return { metrics, violations, columns };
  });
}

/** Copies a connection's table to a temporary Parquet file for the time of `fn`. */
async function withParquetCopy<T>(
  duck: DuckDb,
  tempDir: string,
  source: ExternalTableSource,
  fn: (copy: TableSource) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tempDir, 'metrics-'));
  try {
    const file = join(dir, 'copy.parquet');
    await sourceReader(source).materialize(duck, source, file);
    return await fn({ kind: 'parquet', paths: [file] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withEngine<T>(
  duck: DuckDb,
  tempDir: string,
  source: TableSource,
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  if (source.kind === 'external') {
    const tables = connectionType(source.type).tables;
    if (tables?.metrics) return tables.metrics(duck, source, fn);
    return withParquetCopy(duck, tempDir, source, (copy) => withEngine(duck, tempDir, copy, fn));
  }
  const relation = duckdbRelation(source);
  const files = source.kind === 'parquet' ? source.paths : [source.path];
  return duck.withConnection((conn) =>
    fn({
      dialect: 'duckdb',
      async columns() {
        const r = await duck.query(`DESCRIBE SELECT * FROM ${relation}`, undefined, conn);
        return r.rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
      },
      one: async (sql) => (await duck.query(`${sql} FROM ${relation}`, undefined, conn)).rows[0],
      async userMetric(dataset, sql) {
        // User SQL runs in a sandbox that can read this dataset's files and nothing else.
        const sandbox = await openSandbox(duck, tempDir, files);
        try {
          await sandbox.conn.run(`CREATE VIEW ${quoteIdent(dataset)} AS SELECT * FROM ${relation}`);
          const reader = await sandbox.conn.runAndReadAll(sql.replace(/;\s*$/, ''));
          const v = reader.getRowsJson()[0]?.[0];
          return v ?? null;
        } finally {
          await sandbox.close();
        }
      },
    }),
  );
}
