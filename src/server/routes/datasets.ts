import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, tooLarge } from '../../common/errors.js';
import { deleteDataset, getDataset, listDatasets, saveDataset } from '../../datasets/datasets.js';
import { datasetExport, datasetRows, datasetStats } from '../../datasets/explore.js';
import { importDataset } from '../../datasets/import.js';
import { listVersions } from '../../datasets/versions.js';
import { EXPORT_CONTENT_TYPES } from '../../engine/export-format.js';
import { parseTableQuery } from '../../engine/table-query.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const P = '/api/projects/{key}';

const DatasetBody = z.object({ name: z.string() }).passthrough();
const DataQuery = z.object({
  offset: z.string().optional(),
  limit: z.string().optional(),
  sort: z.string().optional().describe('Comma-separated columns, `-` for descending: `-trec_x,antenna`'),
  filter: z.union([z.string(), z.array(z.string())]).optional().describe('Repeatable `column:op:value`; ops eq ne lt le gt ge contains startswith in isnull notnull'),
  format: z.enum(['json', 'csv', 'jsonl', 'parquet']).optional().describe('json: one page unless download=true; csv, jsonl (JSON lines), parquet: the whole (sorted, filtered) data, streamed'),
  download: z.enum(['true', 'false']).optional().describe('with format=json: the whole data as one streamed JSON array of row objects'),
});
const UploadQuery = z.object({
  format: z.enum(['auto', 'csv', 'tsv', 'parquet', 'json', 'jsonl']).optional().describe('json and jsonl read an array of records or JSON lines alike; CSV and JSON may be gzip- or zstd-compressed'),
  delimiter: z.string().optional(),
  quote: z.string().optional(),
  header: z.enum(['true', 'false']).optional(),
  encoding: z.enum(['utf-8', 'latin-1', 'utf-16']).optional(),
  schema: z.string().optional().describe('JSON object of column type overrides, e.g. {"antenna":"VARCHAR"}'),
});

function parseSchemaOverride(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((t) => typeof t === 'string')) return v;
  } catch {
    // fall through
  }
  throw badRequest('schema must be a JSON object mapping column names to types');
}

export function datasetRoutes(app: FastifyInstance, ws: Workspace): void {
  route(app, { method: 'GET', url: `${P}/datasets`, summary: 'Datasets of the project with their current version', tag: 'datasets' }, async ({ principal, params }) => listDatasets(ws, principal, params.key));
  route(app, { method: 'POST', url: `${P}/datasets`, summary: 'Create a dataset (managed, a file on a filesystem connection, or a PostgreSQL table/query)', tag: 'datasets', body: DatasetBody }, async ({ principal, params, body, reply }) => {
    const d = await saveDataset(ws, principal, params.key, body, { expectRevision: 0 });
    void reply.code(201);
    return d;
  });
  route(app, { method: 'GET', url: `${P}/datasets/{name}`, summary: 'A dataset: definition, schema, row count, current version', tag: 'datasets' }, async ({ principal, params }) => getDataset(ws, principal, params.key, params.name));
  route(app, { method: 'PUT', url: `${P}/datasets/{name}`, summary: 'Replace a dataset definition', tag: 'datasets', body: DatasetBody }, async ({ principal, params, body }) => {
    if (body.name !== params.name) throw badRequest(`The body names dataset ${body.name}, the URL ${params.name}`);
    return saveDataset(ws, principal, params.key, body);
  });
  route(app, { method: 'DELETE', url: `${P}/datasets/{name}`, summary: 'Delete a dataset and its data (409 while recipes use it)', tag: 'datasets' }, async ({ principal, params }) => {
    await deleteDataset(ws, principal, params.key, params.name);
    return undefined;
  });
  route(app, { method: 'GET', url: `${P}/datasets/{name}/versions`, summary: 'Versions, newest first', tag: 'datasets' }, async ({ principal, params }) => {
    await ws.catalog.projects.authorize(principal, params.key, 'reader');
    await getDataset(ws, principal, params.key, params.name);
    return listVersions(ws, params.key, params.name);
  });
  route(app, { method: 'GET', url: `${P}/datasets/{name}/stats`, summary: 'Column statistics', tag: 'datasets' }, async ({ principal, params }) => datasetStats(ws, principal, params.key, params.name));
  route(app, { method: 'GET', url: `${P}/datasets/{name}/data`, summary: 'Rows: a JSON page, or the whole (sorted, filtered) data streamed as CSV, JSON, JSON lines or Parquet', tag: 'datasets', query: DataQuery, raw: true }, async ({ principal, params, query, request, reply }) => {
    const format = query.format ?? 'json';
    if (format === 'json' && query.download !== 'true') {
      const page = await datasetRows(ws, principal, params.key, params.name, parseTableQuery(request.query));
      return { columns: page.columns.map((c) => c.name), types: page.columns.map((c) => c.type), rows: page.rows, total: page.total, offset: Number(query.offset ?? 0) };
    }
    const { sort, filters } = parseTableQuery({ sort: query.sort, filter: query.filter });
    const stream = await datasetExport(ws, principal, params.key, params.name, format, { sort, filters });
    void reply.header('content-type', EXPORT_CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${params.name}.${format}"`);
    return reply.send(stream);
  });
  route(app, { method: 'POST', url: `${P}/datasets/{name}/upload`, summary: 'Upload a file (multipart field `file`) as a new version; creates the dataset if needed', tag: 'datasets', query: UploadQuery, raw: true }, async ({ principal, params, query, request, reply }) => {
    // Check rights before reading a possibly large body.
    await ws.catalog.projects.authorize(principal, params.key, 'writer');
    if (!request.isMultipart()) throw badRequest('Send the file as multipart/form-data in a field named file');
    const part = await request.file();
    if (!part || part.fieldname !== 'file') throw badRequest('The multipart body needs a field named file');
    const tmp = ws.tempPath('-upload');
    try {
      await pipeline(part.file, createWriteStream(tmp));
      if (part.file.truncated) throw tooLarge(`Upload exceeds the limit of ${ws.config.maxUploadMb} MB`);
      const fields = Object.fromEntries(Object.entries(part.fields).flatMap(([k, v]) => (v && !Array.isArray(v) && 'value' in v ? [[k, String(v.value)]] : [])));
      const opts = { ...fields, ...query } as Record<string, string | undefined>;
      const d = await importDataset(ws, principal, params.key, params.name, {
        filePath: tmp,
        fileName: part.filename,
        format: (opts.format as 'auto') ?? undefined,
        csv: {
          ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
          ...(opts.quote ? { quote: opts.quote } : {}),
          ...(opts.header ? { header: opts.header === 'true' } : {}),
          ...(opts.encoding ? { encoding: opts.encoding as 'utf-8' } : {}),
        },
        schema: parseSchemaOverride(opts.schema),
      });
      void reply.code(201);
      return d;
    } finally {
      await rm(tmp, { force: true });
    }
  });
}
