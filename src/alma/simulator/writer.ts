import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DOUBLE, DuckDBDataChunk, timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { DuckDb } from '../../engine/duckdb.js';
import type { RowTableSpec } from './tables.js';
import { TREC_SPECTRUM_TABLE_NAME, TREC_TABLE_NAME } from './tables.js';
import { ColumnTable, TREC_PLAN_COLUMNS, type TrecPlan, type TrecPlanColumn } from './trec-batch.js';
import { spectrumRowsSql, trecRowsSql } from './trec-sql.js';

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
 * The database holding the Trec plan: a file in the spill folder with small row groups
 * (DuckDB's in-memory tables ignore ROW_GROUP_SIZE). A table scan is split into one task
 * per row group and keeps its order, so the expansion `COPY` runs on every thread and
 * still writes rows in insertion order.
 */
export const PLAN_CATALOG = 'sim_plan';
const PLAN_ROW_GROUP_SIZE = 8192;

/** Appends Trec plans (units joined to their EBs) into `sim_plan.trec_plan`; the measurement rows only exist inside the COPY. */
export class TrecPlanWriter {
  rows = 0;
  private readonly joined = new ColumnTable<TrecPlanColumn>(TREC_PLAN_COLUMNS, 4096);
  private constructor(private readonly plan: ColumnTableWriter<TrecPlanColumn>) {}

  static async create(conn: DuckDBConnection, chunkRows: number): Promise<TrecPlanWriter> {
    return new TrecPlanWriter(await ColumnTableWriter.create(conn, 'trec_plan', TREC_PLAN_COLUMNS, chunkRows, PLAN_CATALOG));
  }

  append(plan: TrecPlan): void {
    this.plan.append(plan.joined(this.joined));
    this.rows += plan.rows;
  }

  close(): void {
    this.plan.close();
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
    mkdirSync(tempDirectory, { recursive: true });
    await conn.run(`ATTACH ${sqlString(path.join(tempDirectory, 'plan.duckdb'))} AS ${PLAN_CATALOG} (ROW_GROUP_SIZE ${PLAN_ROW_GROUP_SIZE})`);
    return new SimulationWriter(db, conn, out, format, tempDirectory);
  }

  filePath(table: string): string {
    return path.join(this.out, `${table}.${this.format}`);
  }

  /** `rowGroupSize` bounds what the Parquet writer buffers (spectra rows are ~1 KB each). */
  private formatClause(rowGroupSize?: number): string {
    if (this.format === 'csv') return '(FORMAT csv, HEADER true)';
    // zstd: ~15 % smaller files than the default snappy for the same encoding time.
    return rowGroupSize ? `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupSize})` : '(FORMAT parquet, COMPRESSION zstd)';
  }

  async copyTable(table: string, rows: number): Promise<WrittenTable> {
    const file = this.filePath(table);
    await this.conn.run(`COPY ${ident(table)} TO ${sqlString(file)} ${this.formatClause()}`);
    await this.conn.run(`DROP TABLE ${ident(table)}`);
    return { name: table, path: file, rows };
  }

  /** Expands the plan tables into `trec_measurement` (and `trec_spectrum` when `spectrumChannels` is set). */
  async copyTrec(lookups: TrecLookups, rows: number, spectrumChannels: number | null): Promise<WrittenTable[]> {
    const setList = async (name: string, values: readonly string[]) => {
      await this.conn.run(`SET VARIABLE ${name} = ${list(values)}::VARCHAR[]`);
    };
    await setList('sim_eb_uids', lookups.ebUids);
    await setList('sim_antenna_names', lookups.antennaNames);
    await setList('sim_cartridge_serials', lookups.cartridgeSerials);
    const file = this.filePath(TREC_TABLE_NAME);
    await this.conn.run(`COPY (${trecSelectSql(lookups)}) TO ${sqlString(file)} ${this.formatClause()}`);
    const written: WrittenTable[] = [{ name: TREC_TABLE_NAME, path: file, rows }];
    if (spectrumChannels !== null) {
      const spectrumFile = this.filePath(TREC_SPECTRUM_TABLE_NAME);
      const reader = await this.conn.runAndReadAll(`COPY (${spectrumSelectSql(spectrumChannels)}) TO ${sqlString(spectrumFile)} ${this.formatClause(16384)}`);
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
