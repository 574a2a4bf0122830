import { rm } from 'node:fs/promises';
import type { Principal } from '../catalog/access.js';
import { badRequest, conflict, LlanoError } from '../common/errors.js';
import { writesDataset, type RecipeOutputsLike } from '../common/recipe-outputs.js';
import { withoutCompressionExtension } from '../engine/compression.js';
import { importFile, type ImportFormat } from '../engine/import-file.js';
import type { WriteProgress as ImportProgress } from '../engine/parquet-output.js';
import type { CsvOptions } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { DATASET_KIND, getDataset, parseDatasetDefinition } from './datasets.js';
import type { DatasetDefinition, DatasetInfo } from './definitions.js';
import { beginVersion, commitVersion, failVersion } from './versions.js';

export interface ImportRequest {
  /** The file on disk (an upload already streamed to a temporary file, or a CLI path). */
  filePath: string;
  fileName?: string;
  format?: ImportFormat;
  csv?: CsvOptions;
  /** Column type overrides (column → DuckDB type). */
  schema?: Record<string, string>;
  onProgress?: (p: ImportProgress) => void;
}

/** The format an extension promises (`obs.csv.gz` is a CSV file); `auto` lets the content decide. */
export function formatFromName(fileName: string | undefined): ImportRequest['format'] {
  const ext = withoutCompressionExtension(fileName ?? '')
    .toLowerCase()
    .split('.')
    .pop();
  if (ext === 'parquet') return 'parquet';
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'csv' || ext === 'txt') return 'csv';
  return 'auto';
}

/**
 * Imports a file as a new version of a managed dataset, creating the dataset if needed.
 * Readers see the previous version until the new one is complete; on any error nothing is
 * created and the previous version stays current.
 */
export async function importDataset(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  request: ImportRequest,
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const existing = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, name);
  if (existing && existing.body.storage.type !== 'managed')
    throw conflict(`Dataset ${name} is read in place from a connection; import into a managed dataset instead`);
  const def = existing?.body ?? parseDatasetDefinition({ name, storage: { type: 'managed' } });
  const producer = (await ws.catalog.objects.list<RecipeOutputsLike>(projectKey, 'recipe')).find((r) =>
    writesDataset(r.body, name),
  );
  if (producer) throw conflict(`Dataset ${name} is written by recipe ${producer.name}; import into another dataset`);
  const schema = request.schema ?? def.schema;
  if (schema && Object.values(schema).some((t) => typeof t !== 'string' || !/^[A-Za-z][A-Za-z0-9_ (),]*$/.test(t)))
    throw badRequest('Invalid column type in schema override');

  const pending = await beginVersion(ws, projectKey, name);
  try {
    const result = await importFile(ws.duck, {
      sourcePath: request.filePath,
      fileName: request.fileName,
      format: request.format ?? formatFromName(request.fileName),
      csv: request.csv,
      schema,
      targetPath: pending.path,
      onProgress: request.onProgress,
      limits: { maxColumns: ws.config.maxColumns, maxJsonDepth: ws.config.maxJsonDepth },
    });
    if (!existing) {
      await ws.catalog.objects
        .put({
          projectKey,
          kind: DATASET_KIND,
          name,
          body: { ...def, ...(request.schema ? { schema: request.schema } : {}) },
          author: principal.username,
          expectRevision: 0,
        })
        .catch(async (error: unknown) => {
          // Another upload created it meanwhile: this file is its next version, as if it had come second.
          const created = await ws.catalog.objects.get<DatasetDefinition>(projectKey, DATASET_KIND, name);
          if (!(error instanceof LlanoError && error.status === 409) || created?.body.storage.type !== 'managed')
            throw error;
        });
    }
    await commitVersion(ws, pending, {
      rowCount: result.rowCount,
      contentHash: result.contentHash,
      columns: result.columns,
      lineage: { source: 'upload', fileName: request.fileName },
    });
  } catch (err) {
    await failVersion(ws, pending, { forget: true });
    throw err;
  }
  await ws.catalog.projects.touch(projectKey);
  return getDataset(ws, principal, projectKey, name);
}

/**
 * Imports an uploaded file (writer). Rights are checked before `receive` writes the
 * upload to the temporary file it is given, so a refused caller's body is never read;
 * `receive` answers the import settings sent with the file. The file is deleted in any case.
 */
export async function importUpload(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  receive: (filePath: string) => Promise<Omit<ImportRequest, 'filePath'>>,
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const filePath = ws.tempPath('-upload');
  try {
    return await importDataset(ws, principal, projectKey, name, { ...(await receive(filePath)), filePath });
  } finally {
    await rm(filePath, { force: true });
  }
}
