import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { quoteLiteral } from '../common/names.js';

export type { PostgresConnectionInfo } from './postgres-connection.js';

export const CSV_ENCODINGS = ['utf-8', 'latin-1', 'utf-16'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** How to read a delimited text file; anything left out is detected. */
export const csvOptionsSchema = z.object({
  delimiter: z.string().min(1).max(4).optional(),
  quote: z.string().max(1).optional(),
  escape: z.string().max(1).optional(),
  header: z.boolean().optional(),
  encoding: z.enum(CSV_ENCODINGS).optional(),
});
export type CsvOptions = z.infer<typeof csvOptionsSchema>;

/** A table of a database connection: `name`, in `schema` when the database has schemas. */
export const tableRefSchema = z.object({
  schema: z.string().min(1).optional(),
  name: z.string().min(1),
});
export type TableRef = z.infer<typeof tableRefSchema>;
export const postgresTableRefSchema = tableRefSchema;
export type PostgresTableRef = TableRef;

/**
 * Where a dataset's rows are. `parquet` is a managed dataset (one or more Parquet files,
 * e.g. one per partition); `file` a single file read in place; `external` a table or a
 * query (exactly one of `table` and `query`) of a connection DuckDB does not read itself:
 * only the connection type named by `type` knows how (see src/connectors), with `connection`
 * its settings.
 */
export const tableSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('parquet'), paths: z.array(z.string().min(1)) }),
  z.object({
    kind: z.literal('file'),
    path: z.string().min(1),
    format: z.enum(['csv', 'parquet', 'jsonl']),
    csv: csvOptionsSchema.optional(),
  }),
  z
    .object({
      kind: z.literal('external'),
      type: z.string().min(1),
      connection: z.record(z.string(), z.unknown()),
      table: tableRefSchema.optional(),
      query: z.string().min(1).optional(),
    })
    .refine((s) => (s.table === undefined) !== (s.query === undefined), {
      message: 'A database source needs exactly one of table and query',
    }),
]);
export type TableSource = z.infer<typeof tableSourceSchema>;
export type FileTableSource = Extract<TableSource, { kind: 'parquet' | 'file' }>;
export type ExternalTableSource = Extract<TableSource, { kind: 'external' }>;

/** The `read_csv` named arguments for explicit options (detected ones are simply left out). */
export function csvReadOptions(csv: CsvOptions = {}): string[] {
  const options: string[] = [];
  if (csv.delimiter !== undefined) options.push(`delim = ${quoteLiteral(csv.delimiter)}`);
  if (csv.quote !== undefined) options.push(`quote = ${quoteLiteral(csv.quote)}`);
  if (csv.escape !== undefined) options.push(`escape = ${quoteLiteral(csv.escape)}`);
  if (csv.header !== undefined) options.push(`header = ${csv.header}`);
  if (csv.encoding !== undefined) options.push(`encoding = ${quoteLiteral(csv.encoding)}`);
  return options;
}

/** The DuckDB FROM expression reading a file or Parquet source. External sources are not read by DuckDB. */
export function duckdbRelation(source: TableSource): string {
  switch (source.kind) {
    case 'parquet':
      if (source.paths.length === 0) throw badRequest('This dataset has no data yet: build it first');
      return `read_parquet([${source.paths.map(quoteLiteral).join(', ')}])`;
    case 'file':
      if (source.format === 'parquet') return `read_parquet(${quoteLiteral(source.path)})`;
      if (source.format === 'jsonl') return `read_json(${quoteLiteral(source.path)}, format = 'newline_delimited')`;
      return `read_csv(${[quoteLiteral(source.path), ...csvReadOptions(source.csv)].join(', ')})`;
    case 'external':
      throw badRequest(
        `A ${source.type} source is read through its connection; materialize it to Parquet to use it in DuckDB`,
      );
  }
}
