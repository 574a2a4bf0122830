import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  deleteCodeEnvironment,
  getCodeEnvironment,
  listCodeEnvironments,
  listInterpreters,
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
/** Where a venv or R library stands (`not built`, `building`, `ready`, `failed`) and what it holds. */
const PackagesStatus = loose({
  status: z.string(),
  hash: z.string(),
  packages: z.array(z.string()).optional(),
  error: z.string().optional(),
  builtAt: z.string().optional(),
});
const Interpreter = z.object({
  language: z.enum(['typescript', 'python', 'r']),
  path: z.string(),
  version: z.string(),
  source: z.enum(['default', 'setting', 'path', 'pyenv']),
  default: z.boolean(),
});

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
      item: loose({
        name: z.string(),
        language: z.string(),
        packages: z.array(z.string()),
        interpreter: z.string().optional(),
        venv: PackagesStatus.optional(),
        library: PackagesStatus.optional(),
        ...Stored,
      }),
      readOnly: ['venv', 'library', 'buildJobId'],
      summaries: {
        list: 'Code environments of the project: interpreter (one of the machine’s, or a virtual environment), R library, and the packages each run records',
        create:
          'Add a code environment {name, language, interpreter, packages, python: {venv, requirements}, r: {library, requirements}}; a virtual environment or R library is built by a job (`buildJobId`)',
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
      method: 'GET',
      url: '/api/code-interpreters',
      summary:
        'Interpreters of the machine a code environment may name (Python 3 on the PATH, pyenv’s, LLANO_PYTHON and LLANO_PYTHON_INTERPRETERS; Rscript; Node), with their versions',
      tag: 'recipes',
      access: 'user',
      response: { 200: z.array(Interpreter) },
    },
    async () => listInterpreters(ws),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/projects/{key}/code-environments/{name}/rebuild',
      summary:
        'Build the virtual environment (Python) or R library of a code environment again (pip or install.packages installs its requirements afresh); answers the job',
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
