import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { OBJECT_NAME, OBJECT_NAME_RULE } from '../common/names.js';
import { omit } from '../common/omit.js';
import { parseOr400 } from '../common/parse.js';
import { badRequest, LlanoError } from '../common/errors.js';
import { jsonDepth, tooDeepMessage } from '../common/json-depth.js';
import type { Workspace } from '../workspace/workspace.js';
import { notebookFromIpynb, notebookToIpynb } from './ipynb.js';
import { getNotebook, saveNotebook } from './notebooks-service.js';
import type { NotebookInfo } from './notebook-types.js';
import { displayName } from '../common/display-text.js';

export const ImportSchema = z.object({
  /** The notebook's id in the project; else the file's `metadata.llano.id`, else its file name. */
  id: z.string().regex(OBJECT_NAME, OBJECT_NAME_RULE).optional(),
  name: displayName().optional(),
  /** The .ipynb file: its JSON, as an object or as text. */
  ipynb: z.unknown().refine((v) => v !== undefined, 'the .ipynb file is required'),
  /** The file's name: the id when neither `id` nor the file gives one. */
  fileName: z.string().max(500).optional(),
  /** Replace a notebook of that id (a new revision) instead of refusing (409). */
  replace: z.boolean().default(false),
  /** When the id is taken, import beside it as `<id>_2`, `<id>_3`… instead of refusing (409). */
  copy: z.boolean().default(false),
});

/** Most ids tried by an import as a copy before it gives up (409). */
const MAX_COPIES = 100;

/** A file name as a notebook id: `Trec QA (v2).ipynb` → `Trec_QA_v2`. */
export function idFromFileName(fileName: string): string | undefined {
  const stem = fileName
    .replace(/\.ipynb$/i, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!stem) return undefined;
  return (/^[A-Za-z_]/.test(stem) ? stem : `_${stem}`).slice(0, 128);
}

/** Imports a Jupyter notebook (nbformat 4) as a project notebook (writer); 400 naming what is wrong in a malformed file. */
export async function importNotebook(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  fileName?: string,
): Promise<NotebookInfo> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const body = parseOr400(ImportSchema, input, 'import');
  const named = fileName ?? body.fileName;
  const fallbackId = named ? idFromFileName(named) : undefined;
  // A file's text (an upload) skipped the JSON body's depth check: metadata nested thousands deep would be kept, then overflow the stack on export.
  const maxDepth = ws.config.maxJsonDepth;
  if (typeof body.ipynb === 'string' && jsonDepth(body.ipynb, maxDepth) > maxDepth)
    throw badRequest(tooDeepMessage('The .ipynb file', maxDepth));
  const notebook = notebookFromIpynb(body.ipynb, { name: body.name, id: body.id, fallbackId });
  if (body.replace || !body.copy)
    return saveNotebook(
      ws,
      principal,
      projectKey,
      notebook,
      body.replace
        ? {}
        : {
            expectRevision: 0,
          },
    );
  // Two imports of one file at once each find a free id: the save itself refuses a taken one.
  for (let n = 1; ; n++) {
    const id = n === 1 ? notebook.id : `${notebook.id.slice(0, 120)}_${n}`;
    try {
      return await saveNotebook(ws, principal, projectKey, { ...notebook, id }, { expectRevision: 0 });
    } catch (err) {
      if (!(err instanceof LlanoError && err.status === 409) || n >= MAX_COPIES) throw err;
    }
  }
}

/** A notebook as an nbformat 4 file (reader). */
export async function exportNotebook(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  id: string,
): Promise<Record<string, unknown>> {
  const stored = await getNotebook(ws, principal, projectKey, id);
  return notebookToIpynb(omit(stored, 'projectKey', 'revision', 'updatedAt', 'updatedBy'));
}
