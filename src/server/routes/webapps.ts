import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Workspace } from '../../workspace/workspace.js';
import { webappActivity } from '../../webapps/webapp-activity.js';
import { WEBAPP_TEMPLATES } from '../../webapps/webapp-templates.js';
import { deleteWebapp, getWebapp, listWebapps, saveWebapp } from '../../webapps/webapps-service.js';
import { objectRoutes } from '../object-routes.js';
import { route } from '../route.js';

const P = '/api/projects/{key}';
const Body = z.object({ id: z.string() }).passthrough();
const Webapp = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  files: z.record(z.string(), z.string()),
  url: z.string(),
  projectKey: z.string(),
  revision: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const Activity = z.object({
  lines: z.array(z.object({ at: z.string(), stream: z.string(), line: z.string() })),
  functions: z.array(z.string()),
  running: z.array(z.object({ kind: z.string(), pid: z.number().nullable(), startedAt: z.string() })),
});
const Template = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  needsDataset: z.boolean(),
  kind: z.string(),
  files: z.record(z.string(), z.string()),
});

export function webappRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'webapp',
      plural: 'webapps',
      tag: 'webapps',
      nameField: 'id',
      body: Body,
      item: Webapp,
      readOnly: ['url'],
      summaries: {
        list: 'Webapps of the project (served at /webapps/{key}/{id}/)',
        create:
          'Create a webapp: files (index.html, scripts, an optional backend.ts of named handlers) or kind python with app.py (a WSGI app)',
        get: 'One webapp with its files',
        replace: 'Replace a webapp (a new revision; its running backend restarts on the next call)',
        remove: 'Delete a webapp (its history stays; its processes stop)',
      },
    },
    { list: listWebapps, get: getWebapp, save: saveWebapp, remove: deleteWebapp },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/webapps/{id}/logs`,
      summary:
        "A webapp's backend or Python log on this server (newest last), its backend functions and its running processes",
      tag: 'webapps',
      access: 'writer',
      response: { 200: Activity },
    },
    async ({ principal, params }) => webappActivity(ws, principal, params.key, params.id),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/webapp-templates',
      summary:
        'Webapps to start from (blank, dataset explorer, chart + filters); __DATASET__ marks the dataset to pick',
      tag: 'webapps',
      access: 'user',
      response: { 200: z.array(Template) },
    },
    () => Promise.resolve(WEBAPP_TEMPLATES),
  );
}
