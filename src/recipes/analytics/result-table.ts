import { DOUBLE, INTEGER, DuckDBDataChunk, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { quoteIdent } from '../../common/names.js';
import { fillColumn } from '../../engine/chunk-columns.js';

/** Column types a result table holds: numbers travel as doubles (NaN = NULL, ±Infinity kept), group ids and indexes as integers. */
export type ResultColumnType = 'DOUBLE' | 'INTEGER';

const DUCK_TYPES: Record<ResultColumnType, DuckDBType> = { DOUBLE, INTEGER };
const CHUNK = 2048;

/**
 * Columns of numbers grown row by row without a JS object per row; `write` appends them to a
 * temporary DuckDB table in data chunks of 2,048 rows (one native copy per chunk and column).
 */
export class ResultColumns<Name extends string> {
  private readonly data: Float64Array[];
  private length = 0;

  constructor(private readonly columns: readonly { name: Name; type: ResultColumnType }[]) {
    this.data = columns.map(() => new Float64Array(1024));
  }

  get rows(): number {
    return this.length;
  }

  /** Appends one row, values in the order of the columns. */
  push(...values: number[]): void {
    if (this.length === this.data[0].length) this.grow(this.length * 2);
    for (let j = 0; j < this.data.length; j++) this.data[j][this.length] = values[j];
    this.length++;
  }

  /** Appends `rows` rows given as columns, in the order of the columns. */
  append(columns: readonly Float64Array[], rows: number): void {
    if (this.length + rows > this.data[0].length) this.grow(Math.max(this.length + rows, this.length * 2));
    for (let j = 0; j < this.data.length; j++) this.data[j].set(columns[j].subarray(0, rows), this.length);
    this.length += rows;
  }

  /** Room for `rows` rows, filled by {@link column} in place (for results aligned with the input). */
  resize(rows: number): void {
    if (rows > this.data[0].length) this.grow(rows);
    this.length = rows;
  }

  column(name: Name): Float64Array {
    return this.data[this.columns.findIndex((c) => c.name === name)];
  }

  private grow(capacity: number): void {
    for (let j = 0; j < this.data.length; j++) {
      const bigger = new Float64Array(capacity);
      bigger.set(this.data[j].subarray(0, this.length));
      this.data[j] = bigger;
    }
  }

  /** Creates (or replaces) temporary table `table` and appends every row. */
  async write(conn: DuckDBConnection, table: string): Promise<void> {
    const defs = this.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (${defs})`);
    const appender = await conn.createAppender(table, 'main', 'temp');
    try {
      const types = this.columns.map((c) => DUCK_TYPES[c.type]);
      for (let from = 0; from < this.length; from += CHUNK) {
        const count = Math.min(CHUNK, this.length - from);
        const chunk = DuckDBDataChunk.create(types, count);
        this.columns.forEach((c, j) => fillColumn(chunk, j, this.data[j], from, count, c.type));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}
