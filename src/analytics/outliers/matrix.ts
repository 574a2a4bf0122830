import { AnalyticsInputError } from '../common/errors.js';

/** Rows × columns of numbers, row-major in one Float64Array (e.g. rows of trec_x, trec_y, tsys). */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Builds a row-major matrix from equally long columns. */
export function matrixFromColumns(columns: readonly ArrayLike<number>[]): Matrix {
  if (columns.length === 0) throw new AnalyticsInputError('at least one column is needed');
  const rows = columns[0].length;
  if (columns.some((c) => c.length !== rows)) throw new AnalyticsInputError('all columns must have the same length');
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const column = columns[j];
    for (let i = 0; i < rows; i++) data[i * cols + j] = column[i];
  }
  return { rows, cols, data };
}

/** True when every value of row i is finite. */
export function rowIsFinite(m: Matrix, i: number): boolean {
  for (let j = 0; j < m.cols; j++) if (!Number.isFinite(m.data[i * m.cols + j])) return false;
  return true;
}
