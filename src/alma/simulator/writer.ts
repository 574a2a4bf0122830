import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DOUBLE, DuckDBDataChunk, timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { DuckDb } from '../../engine/duckdb.js';
import type { RowTableSpec } from './tables.js';
import { TREC_SPECTRUM_TABLE_NAME, TREC_TABLE_NAME } from './tables.js';
import { TREC_EB_COLUMNS, TREC_UNIT_COLUMNS, type ColumnTable, type TrecEbColumn, type TrecPlan, type TrecUnitColumn } from './trec-batch.js';
import { PLAN_CATALOG, spectrumRowsSql, trecRowsSql } from './trec-sql.js';

/**
 * Writes the simulated tables through DuckDB: rows go into staging tables through
 * appenders, then each table is copied to one Parquet or CSV file. The Trec table is
 * never staged: its compact plan tables are, and one `COPY (SELECT …)` expands them into
 * the file, streaming (DuckDB spills to a temporary folder beyond its memory limit).
 */

export type OutputFormat = 'parquet' | 'csv';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export class RowTableWriter<Row> {
  rows = 0;
  private constructor(
    readonly spec: RowTableSpec<Row>,
    private readonly appender: DuckDBAppender,
  ) {}

  static async create<Row>(conn: DuckDBConnection, spec: RowTableSpec<Row>): Promise<RowTableWriter<Row>> {
    const columns = spec.columns.map(([name, type]) => `${ident(name)} ${type}`).join(', ');
    await conn.run(`CREATE OR REPLACE TABLE ${ident(spec.name)} (${columns})`);
    return new RowTableWriter(spec, await conn.createAppender(spec.name));
  }

  append(rows: readonly Row[]): void {
    const app = this.appender;
    for (const row of rows) {
      for (const [name, type] of this.spec.columns) {
        const v = row[name] as unknown;
        if (v === null || v === undefined) app.appendNull();
        else if (type === 'VARCHAR') app.appendVarchar(String(v));
        else if (type === 'INTEGER') app.appendInteger(v as number);
        else if (type === 'DOUBLE') app.appendDouble(v as number);
        else if (type === 'BOOLEAN') app.appendBoolean(v as boolean);
        else app.appendTimestamp(timestampValue(BigInt(Math.round(v as number)) * 1000n));
      }
      app.endRow();
    }
    this.rows += rows.length;
  }

  close(): void {
    this.appender.closeSync();
  }
}

type TypedNumbers = Float64Array | Float32Array | Int32Array;

/**
 * The typed array a numeric DuckDB vector flushes from. `items` is not public API, so
 * this checks its shape and returns null when a future version stores it differently.
 */
function vectorItems(vector: unknown, length: number): TypedNumbers | null {
  const items = (vector as { items?: unknown }).items;
  return (items instanceof Float64Array || items instanceof Float32Array || items instanceof Int32Array) && items.length === length ? items : null;
}

/**
 * Copies `n` numbers from `values[offset…]` into column `c` of the chunk: one typed-array
 * copy and one flush per column instead of a method call per value.
 */
function fillColumn(chunk: DuckDBDataChunk, c: number, values: Float64Array, offset: number, n: number): void {
  const vector = chunk.getColumnVector(c);
  const items = vectorItems(vector, n);
  if (items) items.set(values.subarray(offset, offset + n));
  else for (let i = 0; i < n; i++) vector.setItem(i, values[offset + i]);
  vector.flush();
}

/** Appends a `ColumnTable` (all DOUBLE) into a DuckDB table of the same name, one data chunk at a time. */
export class ColumnTableWriter<C extends string> {
  rows = 0;
  private readonly chunk: DuckDBDataChunk;

  private constructor(
    private readonly names: readonly C[],
    private readonly appender: DuckDBAppender,
    private readonly chunkRows: number,
  ) {
    this.chunk = DuckDBDataChunk.create(
      names.map(() => DOUBLE),
      chunkRows,
    );
  }

  /** `catalog`: an attached database (default: the connection's). */
  static async create<C extends string>(conn: DuckDBConnection, table: string, names: readonly C[], chunkRows: number, catalog?: string): Promise<ColumnTableWriter<C>> {
    const qualified = catalog ? `${ident(catalog)}.main.${ident(table)}` : ident(table);
    await conn.run(`CREATE OR REPLACE TABLE ${qualified} (${names.map((n) => `${ident(n)} DOUBLE`).join(', ')})`);
    return new ColumnTableWriter(names, await conn.createAppender(table, catalog ? 'main' : null, catalog ?? null), chunkRows);
  }

  append(table: ColumnTable<C>): void {
    const chunk = this.chunk;
    for (let offset = 0; offset < table.length; offset += this.chunkRows) {
      const n = Math.min(this.chunkRows, table.length - offset);
      chunk.reset();
      chunk.rowCount = n;
      for (let c = 0; c < this.names.length; c++) fillColumn(chunk, c, table.columns[this.names[c]], offset, n);
      this.appender.appendDataChunk(chunk);
    }
    this.rows += table.length;
  }

  close(): void {
    this.appender.closeSync();
  }
}

/**
 * Row group size of the Trec plan's units in the expansion `COPY`: one task per row group
 * (DuckDB splits a table scan by row group and keeps its order), so the expansion runs on
 * every thread and still writes rows in insertion order. Each becomes one Parquet row
 * group (~115 k measurement rows); with spectra on most EBs use `DENSE_SPECTRA_PLAN_ROW_GROUP_SIZE`,
 * since a spectrum row is ~1 KB (60 days with spectra on every EB: 1.6 GB peak RSS at
 * 8,192, 0.8 GB at 2,048).
 */
export const PLAN_ROW_GROUP_SIZE = 8192;
export const DENSE_SPECTRA_PLAN_ROW_GROUP_SIZE = 2048;

/** Appends Trec plans into `trec_eb` and `trec_unit`; the measurement rows only exist inside the COPY. */
export class TrecPlanWriter {
  rows = 0;
  private constructor(
    private readonly eb: ColumnTableWriter<TrecEbColumn>,
    private readonly unit: ColumnTableWriter<TrecUnitColumn>,
  ) {}

  static async create(conn: DuckDBConnection, chunkRows: number): Promise<TrecPlanWriter> {
    return new TrecPlanWriter(
      await ColumnTableWriter.create(conn, 'trec_eb', TREC_EB_COLUMNS, chunkRows),
      await ColumnTableWriter.create(conn, 'trec_unit', TREC_UNIT_COLUMNS, chunkRows),
    );
  }

  append(plan: TrecPlan): void {
    this.eb.append(plan.eb);
    this.unit.append(plan.unit);
    this.rows += plan.rows;
  }

  close(): void {
    this.eb.close();
    this.unit.close();
  }
}

export interface TrecLookups {
  ebUids: readonly string[];
  antennaNames: readonly string[];
  cartridgeSerials: readonly string[];
  frontEndCount: number;
}

function list(values: readonly (string | null)[]): string {
  return `[${values.map((v) => (v === null ? 'NULL' : sqlString(v))).join(', ')}]`;
}

const BASEBANDS = "['BB_1', 'BB_2', 'BB_3', 'BB_4']";

/** `trec_measurement`: the plan expanded by `trecRowsSql`, codes back to names, epoch milliseconds to timestamps. */
export function trecSelectSql(lookups: TrecLookups): string {
  const bands = list(Array.from({ length: 11 }, (_, b) => `ALMA_RB_${String(b).padStart(2, '0')}`));
  const frontEnds = list(Array.from({ length: lookups.frontEndCount + 1 }, (_, n) => `FE-${String(n).padStart(3, '0')}`));
  return `SELECT
    getvariable('sim_eb_uids')[eb + 1] AS uid,
    caldataid,
    scan,
    epoch_ms(start_ms) AS startvalidtime,
    epoch_ms(end_ms) AS endvalidtime,
    getvariable('sim_antenna_names')[antenna + 1] AS antennaname,
    ['12m', '7m', 'TP'][family + 1] AS array_family,
    ${bands}[band + 1] AS receiverband,
    ${BASEBANDS}[baseband + 1] AS basebandname,
    [NULL, 'LSB', 'USB'][sideband + 1] AS sideband,
    freq_lo_ghz, freq_hi_ghz,
    trec_x, trec_y, tsys_x, tsys_y, tatm_x, tatm_y, tau, water,
    groundtemperature, groundpressure, groundrelhumidity,
    getvariable('sim_cartridge_serials')[cartridge + 1] AS cartridge_serial,
    ${frontEnds}[frontend + 1] AS frontend_serial
  FROM (${trecRowsSql()})`;
}

/** `trec_spectrum`: one row per measurement with spectra, keyed like `trec_measurement`. */
export function spectrumSelectSql(channels: number): string {
  return `SELECT
    getvariable('sim_eb_uids')[eb + 1] AS uid,
    caldataid,
    getvariable('sim_antenna_names')[antenna + 1] AS antennaname,
    ${BASEBANDS}[baseband + 1] AS basebandname,
    trec_spectrum_x,
    trec_spectrum_y
  FROM (${spectrumRowsSql(channels)})`;
}

export interface WrittenTable {
  name: string;
  path: string;
  rows: number;
}

/** One DuckDB database for a simulation run, spilling into `<out>/.simulate-tmp`. */
export class SimulationWriter {
  private constructor(
    readonly db: DuckDb,
    readonly conn: DuckDBConnection,
    readonly out: string,
    readonly format: OutputFormat,
    private readonly tempDirectory: string,
  ) {}

  static async open(out: string, format: OutputFormat, memoryLimit: string): Promise<SimulationWriter> {
    mkdirSync(out, { recursive: true });
    const tempDirectory = path.join(out, '.simulate-tmp');
    const db = await DuckDb.open(':memory:', { threads: 2, memoryLimit, tempDirectory });
    // Output must not depend on thread scheduling: keep rows in insertion order.
    const conn = await db.connect();
    await conn.run('SET preserve_insertion_order = true');

    return new SimulationWriter(db, conn, out, format, tempDirectory);
  }

  filePath(table: string): string {
    return path.join(this.out, `${table}.${this.format}`);
  }

  /**
   * `rowGroupSize` 0 (the Trec expansions): one Parquet row group per source batch (one
   * plan row group, ~8 k units). Any other size makes DuckDB's parallel, order-preserving
   * COPY merge batches into row groups at points that depend on thread timing (it takes a
   * batch within one vector of the size as is), so the bytes would differ between runs.
   */
  private formatClause(rowGroupSize?: number): string {
    if (this.format === 'csv') return '(FORMAT csv, HEADER true)';
    // zstd: ~15 % smaller files than the default snappy for the same encoding time.
    return rowGroupSize !== undefined ? `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupSize})` : '(FORMAT parquet, COMPRESSION zstd)';
  }

  async copyTable(table: string, rows: number): Promise<WrittenTable> {
    const file = this.filePath(table);
    await this.conn.run(`COPY ${ident(table)} TO ${sqlString(file)} ${this.formatClause()}`);
    await this.conn.run(`DROP TABLE ${ident(table)}`);
    return { name: table, path: file, rows };
  }

  /** Expands the plan tables into `trec_measurement` (and `trec_spectrum` when `spectrumChannels` is set). */
  async copyTrec(
    lookups: TrecLookups,
    rows: number,
    spectrumChannels: number | null,
    onTable?: (table: string) => void,
    planRowGroupSize = PLAN_ROW_GROUP_SIZE,
  ): Promise<WrittenTable[]> {
    const setList = async (name: string, values: readonly string[]) => {
      await this.conn.run(`SET VARIABLE ${name} = ${list(values)}::VARCHAR[]`);
    };
    await setList('sim_eb_uids', lookups.ebUids);
    await setList('sim_antenna_names', lookups.antennaNames);
    await setList('sim_cartridge_serials', lookups.cartridgeSerials);
    // The expansion's source: units joined to their EB, in a file database with small row
    // groups (in-memory tables ignore ROW_GROUP_SIZE), one scan task each. A join inside
    // the COPY would make it single-threaded (a join output has no order-preserving batches).
    mkdirSync(this.tempDirectory, { recursive: true });
    await this.conn.run(`ATTACH ${sqlString(path.join(this.tempDirectory, 'plan.duckdb'))} AS ${PLAN_CATALOG} (ROW_GROUP_SIZE ${planRowGroupSize})`);
    await this.conn.run(
      `CREATE TABLE ${PLAN_CATALOG}.main.trec_plan AS SELECT u.*, e.* EXCLUDE (eb, seed), e.seed AS eb_seed FROM trec_unit u JOIN trec_eb e ON u.eb = e.eb ORDER BY u.rowid`,
    );
    await this.conn.run('DROP TABLE trec_unit');
    await this.conn.run('DROP TABLE trec_eb');
    const file = this.filePath(TREC_TABLE_NAME);
    await this.conn.run(`COPY (${trecSelectSql(lookups)}) TO ${sqlString(file)} ${this.formatClause(0)}`);
    const written: WrittenTable[] = [{ name: TREC_TABLE_NAME, path: file, rows }];
    if (spectrumChannels !== null) {
      onTable?.(TREC_SPECTRUM_TABLE_NAME);
      const spectrumFile = this.filePath(TREC_SPECTRUM_TABLE_NAME);
      const reader = await this.conn.runAndReadAll(`COPY (${spectrumSelectSql(spectrumChannels)}) TO ${sqlString(spectrumFile)} ${this.formatClause(0)}`);
      written.push({ name: TREC_SPECTRUM_TABLE_NAME, path: spectrumFile, rows: Number(reader.getRows()[0]?.[0] ?? 0) });
    }
    await this.conn.run(`DETACH ${PLAN_CATALOG}`);
    return written;
  }

  close(): void {
    this.conn.closeSync();
    this.db.close();
    rmSync(this.tempDirectory, { recursive: true, force: true });
  }
}
