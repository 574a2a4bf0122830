import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { exportNotebook, importNotebook } from '../../notebooks/notebook-files.js';
import { deleteNotebook, getNotebook, listNotebooks, saveNotebook } from '../../notebooks/notebooks-service.js';
import {
  RunAllSchema,
  RunCellSchema,
  SessionSchema,
  followNotebookSession,
  interruptNotebookSession,
  restartNotebookSession,
  runAllCells,
  runNotebookCell,
} from '../../notebooks/run-cells.js';
import { notebookToRecipe, ToRecipeSchema } from '../../notebooks/to-recipe.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';
import { openEventStream } from '../sse.js';

const P = '/api/projects/{key}/notebooks';
const loose = z.looseObject;
const Body = z.object({ id: z.string() }).passthrough();
const Output = loose({ type: z.enum(['text', 'table', 'chart', 'image', 'error']) });
const Cell = loose({ type: z.string(), source: z.string(), outputs: z.array(Output).optional() });
const Notebook = loose({
  id: z.string(),
  name: z.string(),
  cells: z.array(Cell),
  projectKey: z.string(),
  revision: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const CellRun = loose({
  index: z.number(),
  type: z.string(),
  outputs: z.array(Output),
  executionCount: z.number().nullable(),
  durationMs: z.number(),
  revision: z.number().optional(),
});
const RunAll = loose({ cells: z.array(CellRun), failedAt: z.number().nullable(), revision: z.number().optional() });
const Stopped = loose({ stopped: z.number() });
const Interrupted = loose({ stopped: z.number(), restarted: z.array(z.string()) });
const ImportForm = z.object({
  file: z.string().describe('The .ipynb file'),
  id: z.string().optional(),
  name: z.string().optional(),
  replace: z.enum(['true', 'false']).optional(),
  copy: z.enum(['true', 'false']).optional().describe('When the id is taken, import as <id>_2, <id>_3…'),
});
const ImportJson = z.looseObject({ ipynb: z.unknown(), id: z.string().optional() });

/** Most bytes of an uploaded .ipynb read (outputs included). */
const MAX_IPYNB_BYTES = 50 * 1024 * 1024;

export function notebookRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'notebook',
      plural: 'notebooks',
      tag: 'notebooks',
      nameField: 'id',
      body: Body,
      item: Notebook,
      summaries: {
        list: 'Notebooks of the project',
        create: 'Create a notebook: cells of SQL, TypeScript, Python and Markdown (outputs kept, large tables cut)',
        get: 'One notebook with its cells and their outputs',
        replace: 'Replace a notebook (a new revision)',
        remove: 'Delete a notebook (its kernels stop, its history stays)',
      },
    },
    { list: listNotebooks, get: getNotebook, save: saveNotebook, remove: deleteNotebook },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/{id}/cells/{index}/run`,
      summary:
        "Run one cell (0-based): SQL on the project's datasets in its SQL sandbox, TypeScript and Python in the session's kernel; answers its outputs (`save` keeps them in the notebook)",
      tag: 'notebooks',
      body: RunCellSchema,
      access: 'writer',
      response: { 200: CellRun },
    },
    async ({ principal, params, body, signal }) =>
      runNotebookCell(ws, principal, params.key, params.id, Number(params.index), body, signal),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/{id}/run-all`,
      summary: 'Run every cell in order, stopping at the first that fails',
      tag: 'notebooks',
      body: RunAllSchema,
      access: 'writer',
      response: { 200: RunAll },
    },
    async ({ principal, params, body, signal }) => runAllCells(ws, principal, params.key, params.id, body, signal),
  );
  for (const [action, summary, answer, handler] of [
    [
      'interrupt',
      'Interrupt the session’s running cells: they end with what they printed and an error; the kernels keep their variables (`restarted` names a kernel that would not stop and was restarted)',
      Interrupted,
      interruptNotebookSession,
    ],
    [
      'restart',
      'Restart the session’s kernels: they stop now and start fresh, without variables, on the next run',
      Stopped,
      restartNotebookSession,
    ],
  ] as const)
    route(
      app,
      {
        method: 'POST',
        url: `${P}/{id}/${action}`,
        summary,
        tag: 'notebooks',
        body: SessionSchema,
        access: 'writer',
        response: { 200: answer },
      },
      async ({ principal, params, body }) => handler(ws, principal, params.key, params.id, body),
    );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/{id}/events`,
      summary: 'Live outputs of the session’s running cells as server-sent events (`POST …/run` answers them too)',
      tag: 'notebooks',
      query: z.object({ session: z.string().optional().describe('The kernel session (default: `default`)') }),
      raw: true,
      access: 'writer',
      response: {
        200: {
          description:
            'Server-sent events: `ready` once following, then per cell `cell-start`, `output` (an output as it comes: printed text continues the last text of its stream) and `cell-end`',
          content: { 'text/event-stream': null },
        },
      },
    },
    async ({ principal, params, query, reply, request }) => {
      const { session, follow } = await followNotebookSession(ws, principal, params.key, params.id, query);
      const stream = openEventStream(request, reply);
      stream.onClose(follow((e) => stream.send(e.type, e)));
      stream.send('ready', { session });
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/{id}/export`,
      summary:
        'The notebook as a Jupyter file (nbformat 4; code cells carry their language, SQL cells the %%sql magic)',
      tag: 'notebooks',
      query: z.object({ format: z.enum(['ipynb']).default('ipynb') }),
      raw: true,
      access: 'reader',
      response: { 200: { description: 'The .ipynb file', content: { 'application/x-ipynb+json': R.AnyObject } } },
    },
    async ({ principal, params, reply }) => {
      const ipynb = await exportNotebook(ws, principal, params.key, params.id);
      void reply
        .header('content-type', 'application/x-ipynb+json')
        .header('content-disposition', `attachment; filename="${params.id}.ipynb"`);
      return reply.send(JSON.stringify(ipynb, null, 1));
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/import`,
      summary:
        'Import a Jupyter notebook (nbformat 4): a multipart field `file`, or JSON `{id, name, ipynb, replace}`; a malformed file is a 400 naming what is wrong',
      tag: 'notebooks',
      body: ImportJson,
      multipart: ImportForm,
      raw: true,
      access: 'writer',
      response: { 201: Notebook },
    },
    async ({ principal, params, request, reply }) => {
      let imported;
      if (request.isMultipart()) {
        const part = await request.file({ limits: { fileSize: MAX_IPYNB_BYTES } });
        if (!part || part.fieldname !== 'file') throw badRequest('The multipart body needs a field named file');
        const text = (await part.toBuffer()).toString('utf8');
        const field = (name: string) => {
          const f = part.fields[name];
          return f && !Array.isArray(f) && 'value' in f ? String(f.value) : undefined;
        };
        imported = await importNotebook(
          ws,
          principal,
          params.key,
          {
            id: field('id'),
            name: field('name'),
            replace: field('replace') === 'true',
            copy: field('copy') === 'true',
            ipynb: text,
          },
          part.filename,
        );
      } else {
        imported = await importNotebook(ws, principal, params.key, request.body ?? {});
      }
      void reply.code(201);
      return imported;
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: `${P}/{id}/to-recipe`,
      summary:
        'Turn a SQL cell into a SQL recipe, or TypeScript or Python cells into a code recipe, writing `output` (inputs: the datasets the cells read, or as given)',
      tag: 'notebooks',
      body: ToRecipeSchema,
      access: 'writer',
      response: { 201: R.Recipe },
    },
    async ({ principal, params, body, reply }) => {
      const recipe = await notebookToRecipe(ws, principal, params.key, params.id, body);
      void reply.code(201);
      return recipe;
    },
  );
}
