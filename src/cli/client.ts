import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { LlanoError } from '../common/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { adminNotice } from './admin-notice.js';
import type { CliIo } from './io.js';
import { readLogin } from './login-config.js';
import { serverUrl } from './server-url.js';
import { multipartFileBody, rawFileBody, type UploadProgress } from './multipart-file.js';

/**
 * How the CLI reaches Llano. With `--url`/`LLANO_URL` it calls a running server over HTTP
 * (token from `--token`/`LLANO_TOKEN`); otherwise it opens the workspace itself and sends the
 * same API requests to an in-process server as the local workspace owner. Either way every
 * command goes through the same routes and services as the web API.
 */
export interface ApiClient {
  request<T = unknown>(method: string, url: string, body?: unknown): Promise<T>;
  /** Uploads a file as multipart field `file`, streamed from disk. */
  upload<T = unknown>(url: string, filePath: string, onProgress?: UploadProgress): Promise<T>;
  /** A streamed response body (downloads). */
  stream(url: string): Promise<Readable>;
  /** The local workspace, when there is no server (for work that bypasses HTTP, such as serve). */
  workspace?: Workspace;
  close(): Promise<void>;
}

/** `POST /api/projects/KEY/datasets/NAME/upload`: a new version of a dataset from a file. */
const DATASET_UPLOAD = /^\/api\/projects\/[^/]+\/datasets\/[^/]+\/upload(\?|$)/;

function errorFrom(status: number, text: string): LlanoError {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (e?.message) return new LlanoError(e.code ?? 'error', status, e.message, e.details);
  } catch {
    // not JSON
  }
  return new LlanoError('error', status, text || `HTTP ${status}`);
}

export class HttpClient implements ApiClient {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  private async fetch(method: string, url: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(url, this.base), {
        method,
        ...init,
        headers: this.headers(init.headers as Record<string, string>),
      });
    } catch (e) {
      throw new LlanoError('unreachable', 503, `Cannot reach Llano at ${this.base}: ${(e as Error).message}`);
    }
    if (!res.ok) throw errorFrom(res.status, await res.text());
    return res;
  }

  async request<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await this.fetch(
      method,
      url,
      body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    );
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  }

  async upload<T>(url: string, filePath: string, onProgress?: UploadProgress): Promise<T> {
    // A dataset takes the file itself as the body: the server writes it to disk without parsing it.
    const dataset = DATASET_UPLOAD.test(url);
    const { contentType, length, body } = dataset
      ? rawFileBody(filePath, onProgress)
      : multipartFileBody(filePath, onProgress);
    if (dataset) url += `${url.includes('?') ? '&' : '?'}filename=${encodeURIComponent(path.basename(filePath))}`;
    // A streamed request body needs `duplex`, which TypeScript's RequestInit lacks.
    const init = {
      body: body as unknown as ReadableStream,
      duplex: 'half',
      headers: { 'content-type': contentType, 'content-length': String(length) },
    } as RequestInit;
    const res = await this.fetch('POST', url, init);
    return (await res.json()) as T;
  }

  async stream(url: string): Promise<Readable> {
    const res = await this.fetch('GET', url);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  }

  async close(): Promise<void> {}
}

/**
 * Sends API requests to an in-process server over the local workspace (no network). The server
 * is built at the first request: a dataset import needs none (see importLocalDataset).
 */
export class LocalClient implements ApiClient {
  private server: Promise<FastifyInstance> | undefined;

  constructor(
    readonly workspace: Workspace,
    private readonly io: CliIo,
  ) {}

  /**
   * Opens the workspace for one command: no scheduler and no recovery of other processes' work
   * (that is `serve`'s). The command that creates the workspace's `admin` prints its password.
   */
  static async open(io: CliIo, home?: string, replacesAdminPassword = false): Promise<LocalClient> {
    // Loaded here, not at the top: `llano --help` and remote commands need none of it.
    const { loadConfig } = await import('../common/config.js');
    const { startWorkspace } = await import('../app/start-workspace.js');
    const config = loadConfig(home ? { home } : {}, io.env, io.cwd);
    const { ws, boot } = await startWorkspace(config, { recover: false });
    const notice = adminNotice(boot, { passwordReplaced: replacesAdminPassword });
    if (notice) {
      io.err(notice);
      // A first command without a server (`llano project list` by someone who meant one) made a new
      // workspace here: say where, and how to reach a server instead (a trial read "no projects").
      io.err(
        `This command used a new local workspace in ${config.home} (no server was given): \`llano login URL\` or --url to work with a server\n`,
      );
    }
    return new LocalClient(ws, io);
  }

  /** The in-process server, built once (fastify is loaded here, not at the top). */
  private app(): Promise<FastifyInstance> {
    this.server ??= import('../server/app.js').then(({ buildServer }) =>
      buildServer(this.workspace, { localOwner: true }),
    );
    return this.server;
  }

  async request<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await (
      await this.app()
    ).inject({
      method: method as 'GET',
      url,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (res.statusCode >= 400) throw errorFrom(res.statusCode, res.body);
    if (res.statusCode === 204) return undefined as T;
    return ((res.headers['content-type'] ?? '').toString().includes('json') ? res.json() : res.body) as T;
  }

  /**
   * Streams the file into the in-process server; the upload limit of HTTP clients does not apply
   * to the owner's files. A dataset import reads the file where it lies instead (no copy).
   */
  async upload<T>(url: string, filePath: string, onProgress?: UploadProgress): Promise<T> {
    if (DATASET_UPLOAD.test(url)) {
      const { importLocalDataset } = await import('./local-dataset-import.js');
      return (await importLocalDataset(this.workspace, url, filePath, onProgress, (m) => this.io.err(m))) as T;
    }
    const { contentType, length, body } = multipartFileBody(filePath, onProgress);
    const res = await (
      await this.app()
    ).inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': contentType, 'content-length': String(length) },
    });
    if (res.statusCode >= 400) throw errorFrom(res.statusCode, res.body);
    return res.json<T>();
  }

  async stream(url: string): Promise<Readable> {
    const res = await (await this.app()).inject({ method: 'GET', url, payloadAsStream: true });
    if (res.statusCode >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res.stream()) chunks.push(c as Buffer);
      throw errorFrom(res.statusCode, Buffer.concat(chunks).toString());
    }
    return res.stream();
  }

  async close(): Promise<void> {
    if (this.server) await (await this.server).close();
    await this.workspace.close();
  }
}

export interface ClientOptions {
  url?: string;
  token?: string;
  home?: string;
  /** The command sets admin's password (so a new workspace's first one is not printed). */
  replacesAdminPassword?: boolean;
}

/**
 * The server and token a command uses: --url/LLANO_URL, else (unless --home/LLANO_HOME names a
 * local workspace) the server of `llano login`; the token from --token/LLANO_TOKEN, else the
 * saved one when the server is the saved one. Without any server, the local workspace.
 */
export async function openClient(io: CliIo, options: ClientOptions): Promise<ApiClient> {
  const explicit = options.url ?? io.env.LLANO_URL;
  const saved = explicit || !(options.home ?? io.env.LLANO_HOME) ? readLogin(io.env) : null;
  const url = explicit ? serverUrl(explicit) : saved?.url;
  if (url) {
    const savedToken = saved && sameServer(saved.url, url) ? saved.token : undefined;
    return new HttpClient(url, options.token ?? io.env.LLANO_TOKEN ?? savedToken);
  }
  return LocalClient.open(io, options.home, options.replacesAdminPassword);
}

const sameServer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
