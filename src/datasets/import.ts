import { rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
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
  /**
   * `filePath` is an upload still arriving: settles once it is whole (rejects when the upload
   * failed), with the settings known then (a form's fields sent after its file included).
   */
  whole?: Promise<ImportSettings>;
}

/** The import settings sent with a file. */
export type ImportSettings = Omit<ImportRequest, 'filePath' | 'whole'>;

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
  let settings = settingsOf(request);
  checkSchemaTypes(settings.schema ?? def.schema);

  const pending = await beginVersion(ws, projectKey, name);
  try {
    const fileImport = (whole?: Promise<unknown>) =>
      importFile(ws.duck, {
        sourcePath: request.filePath,
        fileName: settings.fileName,
        format: settings.format ?? formatFromName(settings.fileName),
        csv: settings.csv,
        schema: settings.schema ?? def.schema,
        targetPath: pending.path,
        onProgress: settings.onProgress,
        limits: { maxColumns: ws.config.maxColumns, maxJsonDepth: ws.config.maxJsonDepth },
        whole,
      });
    let result = await fileImport(request.whole);
    // A form field sent after the file changed the settings the import began with: again, with them.
    const late = await request.whole;
    if (late && !isDeepStrictEqual(settingsOf(late), settings)) {
      settings = settingsOf(late);
      checkSchemaTypes(settings.schema ?? def.schema);
      result = await fileImport();
    }
    if (!existing) {
      await ws.catalog.objects
        .put({
          projectKey,
          kind: DATASET_KIND,
          name,
          body: { ...def, ...(settings.schema ? { schema: settings.schema } : {}) },
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
      lineage: { source: 'upload', fileName: settings.fileName },
    });
  } catch (err) {
    await failVersion(ws, pending, { forget: true });
    throw err;
  }
  await ws.catalog.projects.touch(projectKey);
  return getDataset(ws, principal, projectKey, name);
}

function checkSchemaTypes(schema: Record<string, string> | undefined): void {
  if (schema && Object.values(schema).some((t) => typeof t !== 'string' || !/^[A-Za-z][A-Za-z0-9_ (),]*$/.test(t)))
    throw badRequest('Invalid column type in schema override');
}

/** The settings part of a request (what `whole` answers again once the file is whole), each field present. */
function settingsOf({ fileName, format, csv, schema, onProgress }: ImportSettings): ImportSettings {
  return { fileName, format, csv, schema, onProgress };
}

/** An upload as its file starts arriving (see `importUpload`). */
export interface ArrivingUpload {
  /** The settings sent before the file (the query string, a form's fields ahead of its file); none when not valid yet. */
  settings?: ImportSettings;
  /** Settles once the file is whole on disk, with the settings then known; rejects when the upload failed. */
  whole: Promise<ImportSettings>;
}

/**
 * Imports an uploaded file (writer). Rights are checked before `receive` starts writing the
 * upload to the temporary file it is given, so a refused caller's body is never read; `receive`
 * answers as soon as the file starts arriving, and the import overlaps its arrival (see
 * `importFile`). The answer waits for the whole body, whose failure (cut short, too large) is
 * the error whatever the import did. The file is deleted in any case.
 */
export async function importUpload(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  receive: (filePath: string) => Promise<ArrivingUpload>,
): Promise<DatasetInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const filePath = ws.tempPath('-upload');
  let whole: Promise<ImportSettings> | undefined;
  try {
    const upload = await receive(filePath);
    whole = upload.whole;
    const settings = upload.settings ?? (await whole);
    return await importDataset(ws, principal, projectKey, name, { ...settings, filePath, whole });
  } catch (error) {
    await whole;
    throw error;
  } finally {
    await whole?.catch(() => undefined);
    await rm(filePath, { force: true });
  }
}
