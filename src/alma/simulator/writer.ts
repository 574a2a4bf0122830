import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { DuckDb } from '../../engine/duckdb.js';
import type { RowTableSpec } from './tables.js';

/**
 * Writes the simulated row tables through DuckDB: rows go into staging tables through
 * appenders, then each table is copied to one Parquet or CSV file. The Trec tables do not
 * pass through here (they stream through `TrecSink`); `adopt` only moves their finished
 * files into place, or converts them to CSV.
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
    if (this.format === 'csv') return '(FORMAT csv, HEADER true)';
    // zstd: ~15 % smaller files than the default snappy for the same encoding time.
    return '(FORMAT parquet, COMPRESSION zstd)';
  }

  async copyTable(table: string, rows: number): Promise<WrittenTable> {
    const file = this.filePath(table);
    await this.conn.run(`COPY ${ident(table)} TO ${sqlString(file)} ${this.formatClause()}`);
    await this.conn.run(`DROP TABLE ${ident(table)}`);
    return { name: table, path: file, rows };
  }

  /** A Parquet file written elsewhere (the Trec tables) as this run's format: moved as is, or converted to CSV. */
  async adopt(table: string, parquetFile: string, rows: number): Promise<WrittenTable> {
    const file = this.filePath(table);
    if (this.format === 'parquet') renameSync(parquetFile, file);
    else {
      await this.conn.run(`COPY (SELECT * FROM read_parquet(${sqlString(parquetFile)})) TO ${sqlString(file)} ${this.formatClause()}`);
      rmSync(parquetFile, { force: true });
    }
    return { name: table, path: file, rows };
  }

  /** Where a table's Parquet file is built before `adopt` (inside the run's temporary folder). */
  stagingPath(table: string): string {
    mkdirSync(this.tempDirectory, { recursive: true });
    return path.join(this.tempDirectory, `${table}.parquet`);
  }

  close(): void {
    this.conn.closeSync();
    this.db.close();
    rmSync(this.tempDirectory, { recursive: true, force: true });
  }
}
