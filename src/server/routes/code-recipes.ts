import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  deleteCodeEnvironment,
  getCodeEnvironment,
  listCodeEnvironments,
} from '../../recipes/code/code-environments.js';
import { saveEnvironmentAndBuild, startEnvironmentBuild } from '../../flow/environment-builds.js';
import {
  deleteLibraryFile,
  getLibraryFile,
  listLibraryFiles,
  saveLibraryFile,
} from '../../recipes/code/code-libraries.js';
import type { Workspace } from '../../workspace/workspace.js';
import { objectRoutes } from '../object-routes.js';
import { route } from '../route.js';

const loose = z.looseObject;
const Stored = { revision: z.number(), updatedAt: z.string(), updatedBy: z.string() };
const Body = z.object({ name: z.string() }).passthrough();

/** What code recipes use besides the recipe itself: project library files and code environments. */
export function codeRecipeRoutes(app: FastifyInstance, ws: Workspace): void {
  objectRoutes(
    app,
    ws,
    {
      kind: 'library file',
      plural: 'libraries',
      tag: 'recipes',
      nameField: 'name',
      body: Body,
      item: loose({ name: z.string(), language: z.string(), content: z.string(), size: z.number(), ...Stored }),
      readOnly: ['language', 'size'],
      summaries: {
        list: 'Library files of the project: shared TypeScript, Python and R code that code recipes, notebook cells and webapp backends import',
        create: 'Add a library file (name ends in .ts, .js, .mjs, .py or .R)',
        get: 'One library file with its content',
        replace: 'Replace a library file (a new revision)',
        remove: 'Delete a library file (its history stays)',
      },
    },
    { list: listLibraryFiles, get: getLibraryFile, save: saveLibraryFile, remove: deleteLibraryFile },
  );
  objectRoutes(
    app,
    ws,
    {
      kind: 'code environment',
      plural: 'code-environments',
      tag: 'recipes',
      nameField: 'name',
      body: Body,
      item: loose({ name: z.string(), language: z.string(), packages: z.array(z.string()), ...Stored }),
      readOnly: ['venv', 'buildJobId'],
      summaries: {
        list: 'Code environments of the project: interpreter (the machine’s or a virtual environment) and the packages each run records',
        create:
          'Add a code environment {name, language, packages, python: {venv, requirements}}; a virtual environment is built by a job (`buildJobId`)',
        get: 'One code environment',
        replace: 'Replace a code environment (a new revision)',
        remove: 'Delete a code environment (its history stays)',
      },
    },
    {
      list: listCodeEnvironments,
      get: getCodeEnvironment,
      save: saveEnvironmentAndBuild,
      remove: deleteCodeEnvironment,
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/projects/{key}/code-environments/{name}/rebuild',
      summary:
        'Build the virtual environment of a Python code environment again (pip installs its requirements afresh); answers the job',
      tag: 'recipes',
      access: 'writer',
      response: { 202: loose({ jobId: z.string() }) },
    },
    async ({ principal, params, reply }) => {
      const started = await startEnvironmentBuild(ws, principal, params.key, params.name, { force: true });
      void reply.code(202);
      return started;
    },
  );
}
