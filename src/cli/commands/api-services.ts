import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ApiDeployment, ApiServiceInfo, EndpointTestResult, ServiceKeyInfo } from '../../api-services/types.js';
import type { Config } from '../../common/config.js';
import { badRequest, LlanoError } from '../../common/errors.js';
import { enc, globals, print, printRecord, projectOf, withClient } from '../command-kit.js';
import type { CliIo } from '../io.js';
import { readLogin } from '../login-config.js';
import type { CommandModule } from './index.js';

function jsonBody(opts: { body?: string; file?: string }): unknown {
  const text = opts.file ? readFileSync(opts.file, 'utf8') : (opts.body ?? '{}');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`${opts.file ? opts.file : '--body'} is not JSON: ${(e as Error).message}`);
  }
}

/** Calls an endpoint as its callers do: over HTTP with the service key, or in-process on a local workspace. */
async function callEndpoint(io: CliIo, cmd: Command, path: string[], key: string, body: unknown): Promise<unknown> {
  const g = globals(cmd);
  const base = g.url ?? io.env.LLANO_URL ?? ((g.home ?? io.env.LLANO_HOME) ? undefined : readLogin(io.env)?.url);
  if (base) {
    let res: Response;
    try {
      res = await fetch(new URL(`/services/${path.map(enc).join('/')}`, base), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new LlanoError('unreachable', 503, `Cannot reach Llano at ${base}: ${(e as Error).message}`);
    }
    const answer = (await res.json()) as { error?: { code: string; message: string } };
    if (!res.ok)
      throw new LlanoError(answer.error?.code ?? 'error', res.status, answer.error?.message ?? `HTTP ${res.status}`);
    return answer;
  }
  return withClient(io, cmd, async (c) => {
    const { apiRuntime } = await import('../../api-services/runtime.js');
    const [projectKey, service, endpoint] = path;
    return apiRuntime(c.workspace!).call({ projectKey, service, endpoint, token: key, body });
  });
}

/** `llano api-service …` and `llano api-node`. */
export const apiServiceCommands: CommandModule = (program, io) => {
  const base = (g: Parameters<typeof projectOf>[1]) => `/api/projects/${projectOf(io, g)}/api-services`;
  const svc = program
    .command('api-service')
    .description('API services of a project: endpoints other systems call (--project KEY)');

  svc
    .command('list')
    .description('API services of the project')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', base(g)), {
          columns: ['id', 'name', 'endpoints', 'revision', 'active version'],
          rows: (s: ApiServiceInfo) => [s.id, s.name ?? '', s.endpoints.length, s.revision, s.activeVersion ?? ''],
        }),
      ),
    );
  svc
    .command('create')
    .description(
      'Create a service from a JSON file (`{"id","endpoints":[{"id","type":"sql-query","sql","parameters"}]}`)',
    )
    .requiredOption('--file <file>', 'the service as JSON')
    .action(async (opts: { file: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const saved = await c.request<ApiServiceInfo>('POST', base(g), jsonBody({ file: opts.file }));
        io.out(`Created API service ${saved.id} (revision ${saved.revision}); deploy it to serve it\n`);
      }),
    );
  svc
    .command('show <id>')
    .description('An API service: its endpoints and settings')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => printRecord(io, g, await c.request('GET', `${base(g)}/${enc(id)}`))),
    );
  svc
    .command('deploy <id>')
    .description('Deploy the service as saved: a new version, which takes the traffic unless --no-activate')
    .option('--no-activate', 'keep the traffic on the current version')
    .action(async (id: string, opts: { activate: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const d = await c.request<{ version: number; active: boolean }>('POST', `${base(g)}/${enc(id)}/deploy`, {
          activate: opts.activate,
        });
        if (g.json) return print(io, g, d);
        io.out(`Deployed ${id} version ${d.version}${d.active ? ' (active)' : ''}\n`);
      }),
    );
  svc
    .command('deployments <id>')
    .description('Deployed versions of a service, which one is active')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `${base(g)}/${enc(id)}/deployments`), {
          columns: ['version', 'active', 'revision', 'endpoints', 'created', 'by'],
          rows: (d: ApiDeployment) => [
            d.version,
            d.active ? 'yes' : '',
            d.revision,
            d.endpoints.length,
            d.createdAt,
            d.createdBy,
          ],
        }),
      ),
    );
  svc
    .command('activate <id> <version>')
    .description('Switch the traffic to a deployed version (roll back to an older one)')
    .action(async (id: string, version: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const n = Number(version);
        if (!Number.isInteger(n) || n < 1) throw badRequest('version: a deployed version number');
        await c.request('POST', `${base(g)}/${enc(id)}/active`, { version: n });
        io.out(`API service ${id} now answers with version ${n}\n`);
      }),
    );
  const key = svc.command('key').description('Caller keys of a service (project admins)');
  key
    .command('create <id>')
    .description('Create a caller key for a service; the key is shown once')
    .requiredOption('--name <name>', 'who uses the key')
    .action(async (id: string, opts: { name: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const k = await c.request<ServiceKeyInfo & { key: string }>('POST', `${base(g)}/${enc(id)}/keys`, {
          name: opts.name,
        });
        if (g.json) return print(io, g, k);
        io.out(`${k.key}\nKey ${k.id} of ${id}: shown this once, keep it now\n`);
      }),
    );
  key
    .command('list <id>')
    .description('Caller keys of a service')
    .action(async (id: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) =>
        print(io, g, await c.request('GET', `${base(g)}/${enc(id)}/keys`), {
          columns: ['id', 'name', 'prefix', 'created', 'revoked'],
          rows: (k: ServiceKeyInfo) => [k.id, k.name, k.prefix, k.createdAt, k.revokedAt ?? ''],
        }),
      ),
    );
  key
    .command('revoke <id> <keyId>')
    .description('Revoke a caller key of a service')
    .action(async (id: string, keyId: string, _o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        await c.request('DELETE', `${base(g)}/${enc(id)}/keys/${enc(keyId)}`);
        io.out(`Revoked key ${keyId} of ${id}\n`);
      }),
    );
  svc
    .command('call <id> <endpoint>')
    .description('Call an endpoint as its callers do, with a key of the service (--key or LLANO_SERVICE_KEY)')
    .option('--body <json>', 'the request body (default {})')
    .option('--file <file>', 'the request body from a JSON file')
    .option('--key <key>', 'a key of the service')
    .action(
      async (id: string, endpoint: string, opts: { body?: string; file?: string; key?: string }, cmd: Command) => {
        const g = globals(cmd);
        const serviceKey = opts.key ?? io.env.LLANO_SERVICE_KEY;
        if (!serviceKey) throw badRequest('Pass a key of the service with --key (or LLANO_SERVICE_KEY)');
        const project = decodeURIComponent(projectOf(io, g));
        print(
          io,
          { ...g, json: true },
          await callEndpoint(io, cmd, [project, id, endpoint], serviceKey, jsonBody(opts)),
        );
      },
    );
  svc
    .command('test <id> <endpoint>')
    .description('Run the saved tests of an endpoint (or --body: one request) against the saved definition')
    .option('--body <json>', 'a request body to try instead of the saved tests')
    .option('--test <name>', 'only this saved test')
    .action(async (id: string, endpoint: string, opts: { body?: string; test?: string }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const results = await c.request<EndpointTestResult[]>(
          'POST',
          `${base(g)}/${enc(id)}/endpoints/${enc(endpoint)}/test`,
          { ...(opts.body ? { body: jsonBody(opts) } : {}), ...(opts.test ? { test: opts.test } : {}) },
        );
        print(io, g, results, {
          columns: ['test', 'status', 'ms', 'answer'],
          rows: (r: EndpointTestResult) => [r.name, r.status, r.durationMs, JSON.stringify(r.body).slice(0, 80)],
        });
      }),
    );

  program
    .command('api-node')
    .description(
      'Serve only the API services (/services/*) from the catalog’s deployed versions, apart from the UI server',
    )
    .option('--port <port>', 'port to listen on (default 8081)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .action(async (opts: { port?: string; host?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ home?: string }>();
      const { loadConfig } = await import('../../common/config.js');
      const { startWorkspace } = await import('../../app/start-workspace.js');
      const { buildApiNode } = await import('../../server/api-node.js');
      const overrides: Partial<Config> = g.home ? { home: g.home } : {};
      const config = loadConfig(overrides, io.env, io.cwd);
      // Recovery and the scheduler are the UI server's; an API node only answers callers.
      const started = await startWorkspace(config, { recover: false });
      const app = await buildApiNode(started.ws);
      const address = await app.listen({ port: opts.port ? Number(opts.port) : 8081, host: opts.host ?? config.host });
      io.out(`Llano API node is running at ${address}\nWorkspace: ${config.home}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      io.out('Stopping…\n');
      await app.close();
      await started.close();
    });
};
