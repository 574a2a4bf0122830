import { createRequire } from 'node:module';

type Snappy = typeof import('snappy');
let loaded: Snappy | undefined;

/**
 * snappy, a native addon, loaded by the first page compressed or decompressed: a command that
 * writes no Parquet page itself (a local `llano dataset import`, where DuckDB writes) does not
 * pay its load. Synchronous, as the page writer is.
 */
export function snappy(): Snappy {
  loaded ??= createRequire(import.meta.url)('snappy') as Snappy;
  return loaded;
}
