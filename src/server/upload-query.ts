import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import type { ImportRequest } from '../datasets/import.js';

/**
 * The dataset upload route's options (query string, or form fields sent with the file), read
 * alike by the route and by the CLI's local import, which calls the route's service without the
 * HTTP server (src/cli/local-dataset-import.ts).
 */
export const UploadQuery = z.object({
  format: z
    .enum(['auto', 'csv', 'tsv', 'parquet', 'json', 'jsonl'])
    .optional()
    .describe(
      'json and jsonl read an array of records or JSON lines alike; CSV and JSON may be gzip- or zstd-compressed',
    ),
  delimiter: z.string().optional(),
  quote: z.string().optional(),
  header: z.enum(['true', 'false']).optional(),
  encoding: z.enum(['utf-8', 'latin-1', 'utf-16']).optional(),
  schema: z.string().optional().describe('JSON object of column type overrides, e.g. {"antenna":"VARCHAR"}'),
  filename: z
    .string()
    .optional()
    .describe('With the file sent as the body itself: its name, whose extension tells the format (obs.csv.gz)'),
});

/** The upload route, as the audit log names it. */
export const DATASET_UPLOAD_ROUTE = '/api/projects/{key}/datasets/{name}/upload';

function parseSchemaOverride(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw badRequest('schema must be a JSON object mapping column names to types');
}

/** The import settings of an upload: its query string, and form fields sent with the file. */
export function importOptions(
  opts: Record<string, string | undefined>,
): Pick<ImportRequest, 'format' | 'csv' | 'schema'> {
  return {
    format: (opts.format as 'auto') ?? undefined,
    csv: {
      ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
      ...(opts.quote ? { quote: opts.quote } : {}),
      ...(opts.header ? { header: opts.header === 'true' } : {}),
      ...(opts.encoding ? { encoding: opts.encoding as 'utf-8' } : {}),
    },
    schema: parseSchemaOverride(opts.schema),
  };
}
