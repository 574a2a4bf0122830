import { createReadStream, rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { exportProjectZip } from '../../transfer/project-export.js';
import { importProjectZip } from '../../transfer/project-import.js';
import { requireProjectCreator } from '../../workspace/projects-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import { receiveMultipartFile } from '../raw-upload.js';
import { route } from '../route.js';

const Flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const ExportQuery = z.object({ data: Flag, revisions: Flag });
const ImportQuery = z.object({
  key: z.string().optional().describe('Import under this key instead of the exported one'),
  as: z.string().optional().describe('The same as key'),
});
const ImportForm = z.object({ file: z.file().describe('The ZIP of an exported project') });
const Imported = z.looseObject({
  key: z.string(),
  objects: z.number(),
  revisions: z.number(),
  datasetsWithData: z.number(),
  partitionedDatasets: z.number(),
  attachments: z.number().describe('Wiki attachments restored'),
  discussions: z.number().describe('Discussion threads restored'),
  taggedObjects: z.number().describe('Objects whose tags or description kept beside them were restored'),
  skippedMembers: z.array(z.string()).describe('Members with no account here: not added'),
  authorsWithoutAccount: z
    .array(z.string())
    .describe('Authors of attachments and discussions with no account here: kept as the names they were'),
  notCarried: z
    .array(
      z.looseObject({
        what: z.string(),
        count: z.number(),
        note: z.string(),
        items: z.array(z.string()).optional(),
      }),
    )
    .describe('What the export could not carry (secrets, keys, run history…): set it up again here'),
});

/** `?key=NEW` or its alias `?as=NEW` (not two different keys). */
function newKeyOf(query: z.infer<typeof ImportQuery>): string | undefined {
  if (query.key !== undefined && query.as !== undefined && query.key !== query.as)
    throw badRequest(`key and as name two different keys (${query.key}, ${query.as}): give one`);
  return query.key ?? query.as;
}

/** A project as a ZIP of readable files, and back (src/transfer/). */
export function projectTransferRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/projects/{key}/export',
      summary:
        'The project as a ZIP of readable files: project.json (with `notCarried`, what the export leaves out), one JSON per object (SQL and Markdown beside it), partitionings, wiki attachments, discussions, with data=true the datasets as Parquet (partitioned ones by partition), with revisions=true every revision',
      tag: 'projects',
      query: ExportQuery,
      raw: true,
      access: 'projectAdmin',
      response: { 200: { description: 'The ZIP archive', content: { 'application/zip': null } } },
      audit: {
        action: 'project.export',
        category: 'access',
        detail: (r) => ({ ...(r.query as Record<string, string>) }),
      },
    },
    async ({ principal, params, query, reply }) => {
      const zipPath = await exportProjectZip(ws, principal, params.key, query);
      const stream = createReadStream(zipPath);
      stream.once('close', () => rmSync(zipPath, { force: true }));
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${params.key}.zip"`)
        .send(stream);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/projects/import',
      summary:
        'Create a project from an exported ZIP (multipart field `file`); `key` (or `as`) renames it. 409 when the key exists; 400 for entries outside the folder, over the size limit, or a file missing or corrupt (nothing is imported then). The answer lists what the export could not carry',
      tag: 'projects',
      query: ImportQuery,
      raw: true,
      multipart: ImportForm,
      access: 'user',
      response: { 201: Imported },
    },
    async ({ principal, query, request, reply }) => {
      // Refused before the file is received, not after.
      await requireProjectCreator(ws, principal);
      if (!request.isMultipart()) throw badRequest('Send the ZIP as multipart/form-data in a field named file');
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw badRequest('The multipart body needs a field named file');
      const zipPath = ws.tempPath('-import.zip');
      try {
        await receiveMultipartFile(part.file, zipPath, ws.config.maxUploadMb);
        const result = await importProjectZip(ws, principal, zipPath, newKeyOf(query));
        request.auditNote = { project: result.key, objectName: result.key };
        void reply.code(201);
        return result;
      } finally {
        rmSync(zipPath, { force: true });
      }
    },
  );
}
