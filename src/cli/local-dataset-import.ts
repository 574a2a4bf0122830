import path from 'node:path';
import { LOCAL_ADMIN } from '../catalog/access.js';
import { recordAudit } from '../catalog/audit-log.js';
import { parseOr400 } from '../common/parse.js';
import type { DatasetInfo } from '../datasets/definitions.js';
import { importDataset } from '../datasets/import.js';
import { DATASET_UPLOAD_ROUTE, importOptions, UploadQuery } from '../server/upload-query.js';
import type { Workspace } from '../workspace/workspace.js';
import type { UploadProgress } from './multipart-file.js';

/**
 * A local `llano dataset import`: what the upload route does with an upload (`url` is that
 * route's, `POST /api/projects/KEY/datasets/NAME/upload?…`), done without the in-process HTTP
 * server. Building that server (fastify, its plugins, every route) was about a third of the
 * command's start, more than importing a small file. The file is read where it lies (no copy, and
 * no upload limit: the owner imports their own file), with the route's options and checks, and the
 * import is written to the audit log as the route's hook writes it (via `cli`).
 */
export async function importLocalDataset(
  ws: Workspace,
  url: string,
  filePath: string,
  onProgress: UploadProgress | undefined,
  warn: (message: string) => void,
): Promise<DatasetInfo> {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  const [key, name] = [3, 5].map((i) => decodeURIComponent(pathname.split('/')[i]));
  // In the route's order: the caller's role first (its access hook), then the query.
  await ws.catalog.projects.authorize(LOCAL_ADMIN, key, 'writer');
  const query = parseOr400(UploadQuery, Object.fromEntries(searchParams), 'query');
  const dataset = await importDataset(ws, LOCAL_ADMIN, key, name, {
    ...importOptions(query),
    filePath: path.resolve(filePath),
    fileName: path.basename(filePath),
    // Progress is the engine's, in bytes of the file read.
    onProgress: (p) => {
      if (p.totalBytes !== undefined) onProgress?.(p.bytes ?? 0, p.totalBytes);
    },
  });
  await recordAudit(ws.catalog.db, {
    actor: LOCAL_ADMIN.username,
    via: 'cli',
    action: 'dataset.upload',
    category: 'change',
    project: key,
    objectKind: 'dataset',
    objectName: name,
    route: `POST ${DATASET_UPLOAD_ROUTE}`,
    status: 201,
  }).catch((error: unknown) =>
    // The import is done: a catalog that cannot take the row is said, never silent, and not an error of the import.
    warn(`warning: the audit log could not record this import: ${(error as Error).message}\n`),
  );
  // The route's answer is this, sent as JSON: the same values as the API gives.
  return JSON.parse(JSON.stringify(dataset)) as DatasetInfo;
}
