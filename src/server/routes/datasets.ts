import type { FastifyInstance } from 'fastify';
import type { MultipartFields } from '@fastify/multipart';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { deleteDataset, getDataset, listDatasets, listDatasetVersions, saveDataset } from '../../datasets/datasets.js';
import { datasetExport, datasetPage, datasetStats } from '../../datasets/explore.js';
import { importUpload, type ArrivingUpload, type ImportSettings } from '../../datasets/import.js';
import { datasetVersionPage, restoreDatasetVersion } from '../../datasets/restore.js';
import { CSV_FORMULA_MODES } from '../../engine/csv-formula-cells.js';
import { EXPORT_CONTENT_TYPES } from '../../engine/export-format.js';
import { DEFAULT_PAGE_ROWS, MAX_PAGE_ROWS, parseTableQuery } from '../../engine/table-query.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import {
  isRawUpload,
  RAW_UPLOAD_ACCEPTS,
  rawUploadFormat,
  receiveMultipartFile,
  receiveRawBody,
} from '../raw-upload.js';
import { route } from '../route.js';
import { DATASET_UPLOAD_ROUTE, importOptions, UploadQuery } from '../upload-query.js';
import { dataAccess } from '../audit-spec.js';

const P = '/api/projects/{key}';

const DatasetBody = z.object({ name: z.string() }).passthrough();
const DataQuery = z.object({
  offset: z.coerce.number().int().min(0).optional().describe('First row of the page (default 0)'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_ROWS)
    .optional()
    .describe(`Rows in the page (default ${DEFAULT_PAGE_ROWS})`),
  sort: z
    .string()
    .optional()
    .describe('Comma-separated columns, `-` or `:desc` for descending: `-trec_x,antenna` or `trec_x:desc,antenna`'),
  filter: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Repeatable `column:op:value`; ops eq ne lt le gt ge contains startswith in isnull notnull'),
  format: z
    .enum(['json', 'csv', 'jsonl', 'parquet', 'arrow'])
    .optional()
    .describe(
      'json: one page unless download=true; csv, jsonl (JSON lines), parquet, arrow (Arrow IPC stream): the whole (sorted, filtered) data, streamed',
    ),
  download: z
    .enum(['true', 'false'])
    .optional()
    .describe('with format=json: the whole data as one streamed JSON array of row objects'),
  formulas: z
    .enum(CSV_FORMULA_MODES)
    .optional()
    .describe(
      "with format=csv: escape (default) prefixes text cells starting with = + - @ tab or carriage return with ' so spreadsheets do not run them as formulas (numbers stay numbers); keep writes them as they are",
    ),
});
/** The upload's form: the file, and the options of the query string as form fields if preferred. */
const UploadForm = UploadQuery.extend({ file: z.file().describe('The data file') });

/** The text fields of a multipart form. */
const formFields = (fields: MultipartFields) =>
  Object.fromEntries(
    Object.entries(fields).flatMap(([k, v]) => (v && !Array.isArray(v) && 'value' in v ? [[k, String(v.value)]] : [])),
  );

/**
 * An upload whose file is arriving, with the settings known so far: none when they are invalid
 * so far (the error is then the one read again once the file is whole, as the client expects an
 * answer after sending its body). The upload's failure is always handled (importUpload awaits it).
 */
function arriving(settings: () => ImportSettings, received: Promise<void>): ArrivingUpload {
  const whole = received.then(settings);
  whole.catch(() => undefined);
  let early: ImportSettings | undefined;
  try {
    early = settings();
  } catch {
    early = undefined;
  }
  return { settings: early, whole };
}

export function datasetRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'dataset',
      plural: 'datasets',
      tag: 'datasets',
      nameField: 'name',
      body: DatasetBody,
      item: R.Dataset,
      readOnly: ['currentVersion', 'columns', 'rowCount', 'producedBy', 'partitioned'],
      summaries: {
        list: 'Datasets of the project with their current version',
        create:
          'Create a dataset (managed, a file on a filesystem connection, or a table/query of a database connection)',
        get: 'A dataset: definition, schema, row count, current version',
        replace: 'Replace a dataset definition',
        remove: 'Delete a dataset and its data (409 while recipes use it)',
      },
    },
    { list: listDatasets, get: getDataset, save: saveDataset, remove: deleteDataset },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/versions`,
      summary: 'Versions, newest first',
      tag: 'datasets',
      access: 'reader',
      response: { 200: z.array(R.ListedVersion) },
    },
    async ({ principal, params }) => listDatasetVersions(ws, principal, params.key, params.name),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/versions/{id}/data`,
      summary: 'A JSON page of rows of one version (404 for no such version, 409 when its data is no longer kept)',
      tag: 'datasets',
      query: DataQuery.pick({ offset: true, limit: true, sort: true, filter: true }),
      access: 'reader',
      response: { 200: R.DataPage },
      audit: dataAccess('dataset.read'),
    },
    async ({ principal, params, request, signal }) =>
      datasetVersionPage(ws, principal, params.key, params.name, params.id, parseTableQuery(request.query), signal),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/datasets/{name}/versions/{id}/restore`,
      summary:
        "Make an old version's data current again, as a new version (recipes reading the dataset become stale as after an import)",
      tag: 'datasets',
      access: 'writer',
      response: { 201: R.Dataset },
    },
    async ({ principal, params, reply }) => {
      const d = await restoreDatasetVersion(ws, principal, params.key, params.name, params.id);
      void reply.code(201);
      return d;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/stats`,
      summary: 'Column statistics',
      tag: 'datasets',
      access: 'reader',
      response: { 200: z.array(R.ColumnStats) },
      audit: dataAccess('dataset.stats'),
    },
    async ({ principal, params, signal }) => datasetStats(ws, principal, params.key, params.name, signal),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/data`,
      summary:
        'Rows: a JSON page, or the whole (sorted, filtered) data streamed as CSV, JSON, JSON lines, Parquet or Arrow IPC',
      tag: 'datasets',
      query: DataQuery,
      raw: true,
      access: 'reader',
      audit: dataAccess('dataset.read'),
      response: {
        200: {
          description: 'A JSON page, or the whole data as a download in the asked format',
          content: {
            // A page of rows; with download=true&format=json, every row as an object.
            'application/json': z.union([R.DataPage, z.array(z.record(z.string(), z.unknown()))]),
            'text/csv': null,
            'application/x-ndjson': null,
            'application/vnd.apache.parquet': null,
            'application/vnd.apache.arrow.stream': null,
          },
        },
      },
    },
    async ({ principal, params, query, request, reply, signal }) => {
      const format = query.format ?? 'json';
      if (format === 'json' && query.download !== 'true')
        return datasetPage(ws, principal, params.key, params.name, parseTableQuery(request.query), signal);
      const { sort, filters } = parseTableQuery({ sort: query.sort, filter: query.filter });
      const stream = await datasetExport(ws, principal, params.key, params.name, {
        format,
        sort,
        filters,
        formulas: query.formulas,
      });
      void reply
        .header('content-type', EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${params.name}.${format}"`);
      return reply.send(stream);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: DATASET_UPLOAD_ROUTE,
      summary:
        'Upload a file as a new version (the file itself as the body, e.g. text/csv with ?filename=, or multipart field `file`); creates the dataset if needed',
      tag: 'datasets',
      query: UploadQuery,
      raw: true,
      multipart: UploadForm,
      rawUpload: true,
      access: 'writer',
      response: { 201: R.Dataset },
    },
    async ({ principal, params, query, request, reply }) => {
      const d = await importUpload(ws, principal, params.key, params.name, async (filePath) => {
        if (isRawUpload(request)) {
          const settings = () => ({
            fileName: query.filename,
            ...importOptions({ format: rawUploadFormat(request), ...query }),
          });
          return arriving(settings, receiveRawBody(request, filePath, ws.config.maxUploadMb * 1024 * 1024));
        }
        if (!request.isMultipart())
          throw badRequest(
            `Send the file as the body (content type ${RAW_UPLOAD_ACCEPTS.join(', ')}; its name in ?filename=) or as multipart/form-data in a field named file`,
          );
        const part = await request.file();
        if (!part || part.fieldname !== 'file') throw badRequest('The multipart body needs a field named file');
        // The fields sent before the file are known now, any sent after it once the file is whole.
        const settings = () => ({
          fileName: part.filename,
          ...importOptions({ ...formFields(part.fields), ...query }),
        });
        return arriving(settings, receiveMultipartFile(part.file, filePath, ws.config.maxUploadMb));
      });
      void reply.code(201);
      return d;
    },
  );
}
