import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  ARRAY,
  DOUBLE,
  DuckDBDataChunk,
  FLOAT,
  INTEGER,
  timestampValue,
  type DuckDBAppender,
  type DuckDBArrayValue,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { DuckDb } from '../../engine/duckdb.js';
import type { RowTableSpec } from './tables.js';
import { TREC_SPECTRUM_TABLE_NAME, TREC_TABLE_NAME } from './tables.js';
import { SPECTRUM_KEY_COLUMNS, TREC_RAW_COLUMNS, type SpectrumBatch, type TrecBatch } from './trec-batch.js';

/**
 * Writes the simulated tables through DuckDB: rows go into staging tables through
 * appenders (the Trec table as columnar chunks), then each table is copied to one
 * Parquet or CSV file. DuckDB spills to a temporary folder beyond its memory limit, so
 * the largest table never has to fit in memory.
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

const RAW_TYPE: Record<string, DuckDBType> = { INTEGER, DOUBLE, FLOAT };

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
function fillColumn(chunk: DuckDBDataChunk, c: number, values: Float64Array | Int32Array, offset: number, n: number): void {
  const vector = chunk.getColumnVector(c);
  const items = vectorItems(vector, n);
  if (items) items.set(values.subarray(offset, offset + n));
  else for (let i = 0; i < n; i++) vector.setItem(i, values[offset + i]);
  vector.flush();
}

/** Appends Trec batches into the staging table `trec_raw`, one DuckDB data chunk at a time. */
export class TrecWriter {
  rows = 0;
  private readonly types = TREC_RAW_COLUMNS.map(([, type]) => RAW_TYPE[type]);
  private readonly chunk: DuckDBDataChunk;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly chunkRows: number,
  ) {
    this.chunk = DuckDBDataChunk.create(this.types, chunkRows);
  }

  static async create(conn: DuckDBConnection, chunkRows: number): Promise<TrecWriter> {
    const columns = TREC_RAW_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
    await conn.run(`CREATE OR REPLACE TABLE trec_raw (${columns})`);
    return new TrecWriter(await conn.createAppender('trec_raw'), chunkRows);
  }

  append(batch: TrecBatch): void {
    const chunk = this.chunk;
    for (let offset = 0; offset < batch.length; offset += this.chunkRows) {
      const n = Math.min(this.chunkRows, batch.length - offset);
      chunk.reset();
      chunk.rowCount = n;
      for (let c = 0; c < TREC_RAW_COLUMNS.length; c++) fillColumn(chunk, c, batch.columns[TREC_RAW_COLUMNS[c][0]], offset, n);
      this.appender.appendDataChunk(chunk);
    }
    this.rows += batch.length;
  }

  close(): void {
    this.appender.closeSync();
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

/** The SELECT that turns `trec_raw` into `trec_measurement`: codes back to names, epoch milliseconds to timestamps. */
export function trecSelectSql(lookups: TrecLookups): string {
  const bands = list(Array.from({ length: 11 }, (_, b) => `ALMA_RB_${String(b).padStart(2, '0')}`));
  const frontEnds = list(Array.from({ length: lookups.frontEndCount + 1 }, (_, n) => `FE-${String(n).padStart(3, '0')}`));
  return `SELECT
    getvariable('sim_eb_uids')[eb + 1] AS uid,
    caldataid,
    scan,
    epoch_ms(start_ms::BIGINT) AS startvalidtime,
    epoch_ms(end_ms::BIGINT) AS endvalidtime,
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
  FROM trec_raw`;
}

/** `trec_spectrum`: one row per measurement with spectra, keyed like `trec_measurement`. */
export function spectrumSelectSql(): string {
  return `SELECT
    getvariable('sim_eb_uids')[eb + 1] AS uid,
    caldataid,
    getvariable('sim_antenna_names')[antenna + 1] AS antennaname,
    ${BASEBANDS}[baseband + 1] AS basebandname,
    trec_spectrum_x::FLOAT[] AS trec_spectrum_x,
    trec_spectrum_y::FLOAT[] AS trec_spectrum_y
  FROM spectrum_raw`;
}

/** Appends spectra into `spectrum_raw` as fixed-size FLOAT arrays. */
export class SpectrumWriter {
  rows = 0;
  private readonly chunk: DuckDBDataChunk;
  private readonly types: DuckDBType[];

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly channels: number,
    private readonly chunkRows: number,
  ) {
    this.types = [INTEGER, INTEGER, INTEGER, INTEGER, ARRAY(FLOAT, channels), ARRAY(FLOAT, channels)];
    this.chunk = DuckDBDataChunk.create(this.types, chunkRows);
  }

  static async create(conn: DuckDBConnection, channels: number, chunkRows: number): Promise<SpectrumWriter> {
    const keys = SPECTRUM_KEY_COLUMNS.map((k) => `${k} INTEGER`).join(', ');
    await conn.run(`CREATE OR REPLACE TABLE spectrum_raw (${keys}, trec_spectrum_x FLOAT[${channels}], trec_spectrum_y FLOAT[${channels}])`);
    return new SpectrumWriter(await conn.createAppender('spectrum_raw'), channels, chunkRows);
  }

  append(batch: SpectrumBatch): void {
    const chunk = this.chunk;
    const n0 = this.channels;
    for (let offset = 0; offset < batch.length; offset += this.chunkRows) {
      const n = Math.min(this.chunkRows, batch.length - offset);
      chunk.reset();
      chunk.rowCount = n;
      SPECTRUM_KEY_COLUMNS.forEach((key, c) => fillColumn(chunk, c, batch.keys[key], offset, n));
      [batch.x, batch.y].forEach((values, p) => {
        const vector = chunk.getColumnVector(SPECTRUM_KEY_COLUMNS.length + p);
        const child = vectorItems((vector as unknown as { childData?: unknown }).childData, n * n0);
        if (child) child.set(values.subarray(offset * n0, (offset + n) * n0));
        else {
          // The array vector only reads `items`, so a typed-array view avoids boxing every value.
          for (let i = 0; i < n; i++) {
            const start = (offset + i) * n0;
            vector.setItem(i, { items: values.subarray(start, start + n0) } as unknown as DuckDBArrayValue);
          }
        }
        vector.flush();
      });
      this.appender.appendDataChunk(chunk);
    }
    this.rows += batch.length;
  }

  close(): void {
    this.appender.closeSync();
  }
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

  private formatClause(): string {
    return this.format === 'parquet' ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)';
  }

  async copyTable(table: string, rows: number): Promise<WrittenTable> {
    const file = this.filePath(table);
    await this.conn.run(`COPY ${ident(table)} TO ${sqlString(file)} ${this.formatClause()}`);
    await this.conn.run(`DROP TABLE ${ident(table)}`);
    return { name: table, path: file, rows };
  }

  /** Copies `trec_raw` (and `spectrum_raw` when `spectrumRows` is set) to their files. */
  async copyTrec(lookups: TrecLookups, rows: number, spectrumRows: number | null): Promise<WrittenTable[]> {
    const setList = async (name: string, values: readonly string[]) => {
      await this.conn.run(`SET VARIABLE ${name} = ${list(values)}::VARCHAR[]`);
    };
    await setList('sim_eb_uids', lookups.ebUids);
    await setList('sim_antenna_names', lookups.antennaNames);
    await setList('sim_cartridge_serials', lookups.cartridgeSerials);
    const file = this.filePath(TREC_TABLE_NAME);
    await this.conn.run(`COPY (${trecSelectSql(lookups)}) TO ${sqlString(file)} ${this.formatClause()}`);
    await this.conn.run('DROP TABLE trec_raw');
    const written: WrittenTable[] = [{ name: TREC_TABLE_NAME, path: file, rows }];
    if (spectrumRows !== null) {
      const spectrumFile = this.filePath(TREC_SPECTRUM_TABLE_NAME);
      await this.conn.run(`COPY (${spectrumSelectSql()}) TO ${sqlString(spectrumFile)} ${this.formatClause()}`);
      await this.conn.run('DROP TABLE spectrum_raw');
      written.push({ name: TREC_SPECTRUM_TABLE_NAME, path: spectrumFile, rows: spectrumRows });
    }
    return written;
  }

  close(): void {
    this.conn.closeSync();
    this.db.close();
    rmSync(this.tempDirectory, { recursive: true, force: true });
  }
}
