import { badRequest } from '../../common/errors.js';

export interface StorageFlags {
  connection: string;
  path?: string;
  format?: string;
  table?: string;
  query?: string;
}

const FORMAT_BY_EXTENSION: Record<string, string> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  parquet: 'parquet',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/**
 * The storage of a dataset read in place through a connection, from `dataset create` flags:
 * a file (`--path`, format from its extension unless `--format`) or a table (`--table
 * [schema.]name`) or query (`--query SQL`) of a database connection. Exactly one of the three.
 */
export function storageFromFlags(flags: StorageFlags): Record<string, unknown> {
  const given = (['path', 'table', 'query'] as const).filter((k) => flags[k] !== undefined);
  if (given.length !== 1)
    throw badRequest('Say where the rows are with exactly one of --path FILE, --table [SCHEMA.]NAME or --query SQL');
  if (flags.path !== undefined) {
    const extension = flags.path.toLowerCase().split('.').pop() ?? '';
    const format = flags.format ?? FORMAT_BY_EXTENSION[extension];
    if (!format) throw badRequest(`--format: cannot tell the format of ${flags.path}; give csv, parquet or jsonl`);
    return { type: 'file', connection: flags.connection, path: flags.path, format };
  }
  if (flags.format !== undefined) throw badRequest('--format applies to --path only');
  if (flags.query !== undefined) return { type: 'database', connection: flags.connection, query: flags.query };
  const table = flags.table ?? '';
  const dot = table.indexOf('.');
  const ref = dot > 0 ? { schema: table.slice(0, dot), name: table.slice(dot + 1) } : { name: table };
  return { type: 'database', connection: flags.connection, table: ref };
}
