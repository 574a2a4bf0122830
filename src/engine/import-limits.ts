import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../common/errors.js';
import { jsonDepth, tooDeepMessage } from '../common/json-depth.js';
import { readContentHead, type Compression } from './compression.js';

/** Bounds on what one imported file may hold (settings LLANO_MAX_COLUMNS and LLANO_MAX_JSON_DEPTH). */
export interface ImportLimits {
  maxColumns?: number;
  maxJsonDepth?: number;
}

/**
 * Levels of JSON nesting an import turns into typed STRUCT and LIST columns (DuckDB's
 * `maximum_depth`, the record itself being level 1); anything deeper is kept as JSON text.
 * DuckDB's time to read nested lists back from Parquet grows exponentially with their depth
 * (one value measured: 16 levels 0.6 s, 20 levels 5 s, 24 levels over a minute), so a few
 * bytes nested 30 deep would otherwise stall every later read of the dataset.
 */
export const JSON_TYPED_DEPTH = 12;

/** How much of a JSON file is checked for its nesting depth before DuckDB reads it. */
const DEPTH_PROBE_BYTES = 1 << 20;

export function tooManyColumnsMessage(columns: number, limit: number): string {
  return `The file has ${columns.toLocaleString('en-US')} columns, more than the limit of ${limit.toLocaleString('en-US')} (LLANO_MAX_COLUMNS)`;
}

/**
 * Refuses a JSON file whose first megabyte is nested deeper than `maxDepth`: such a file
 * (8 KB nested 2,000 deep) kept DuckDB's type detection and Parquet writer busy for minutes.
 * Deeper records further down are caught by {@link JSON_TYPED_DEPTH}.
 */
export async function checkJsonDepth(
  conn: DuckDBConnection,
  path: string,
  compression: Compression | undefined,
  maxDepth: number,
): Promise<void> {
  const head = await readContentHead(conn, path, compression, DEPTH_PROBE_BYTES);
  if (jsonDepth(head.toString('utf8'), maxDepth) > maxDepth) throw badRequest(tooDeepMessage('The file', maxDepth));
}
