import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FineRight, Principal } from '../catalog/access.js';
import type { ShareableKind } from '../catalog/sharing.js';
import { badRequest, unauthorized } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import type { AuditSpec } from './audit-spec.js';
import { RAW_UPLOAD_ACCEPTS } from './raw-upload.js';

/**
 * The least a caller needs to reach a route's handler; the server's access hook enforces it
 * (src/server/access-hook.ts) and the OpenAPI document shows it. Project levels apply to the
 * project named by the `{key}` URL parameter; a global admin passes every level.
 */
export const ACCESS_LEVELS = ['public', 'user', 'reader', 'writer', 'projectAdmin', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/**
 * One success response: the schema of its JSON body, `null` for no body (204), or its bodies
 * by media type (a schema, or null for bytes or text).
 */
export type SuccessResponse = z.ZodType | null | { content: Record<string, z.ZodType | null>; description?: string };
export type SuccessStatus = 200 | 201 | 202 | 204;

/** One documented API route: registered in Fastify and described in the OpenAPI document. */
export interface RouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  access: Access;
  /**
   * A fine right the caller also needs (writers and admins have all; a reader one granted to them
   * or their group): e.g. `access: 'reader', right: 'run-scenarios'`.
   */
  right?: FineRight;
  /** What a success answers, by status code (the handler sets any code but 200 itself). */
  response: Partial<Record<SuccessStatus, SuccessResponse>>;
  /** Non-JSON request (multipart upload) or response (stream): the handler reads and answers it itself. */
  raw?: boolean;
  /** The fields of a multipart/form-data request, for the document only. */
  multipart?: z.ZodType;
  /** Also takes the file itself as the body (src/server/raw-upload.ts), unparsed for the handler to stream. */
  rawUpload?: boolean;
  /** How a success enters the audit log (src/server/audit-spec.ts); a GET is recorded only when it declares one. */
  audit?: AuditSpec;
  /**
   * A `reader` route that also answers callers a dashboard or webapp is shared with (not members):
   * names the shared object the request reads, or null when it reads none (src/server/shared-read.ts).
   * With a `right` too, such viewers get a 403 saying the right is a member's (access-hook.ts).
   */
  shared?: SharedRead;
}

/** The shared object a request reads: `tileOf` for an insight read as a tile of a shared dashboard. */
export type SharedRead = (
  params: Record<string, string>,
  query: Record<string, unknown>,
) => { kind: ShareableKind; name: string; tile?: string } | null;

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface RouteInput<B, Q> {
  principal: Principal;
  params: Record<string, string>;
  body: B;
  query: Q;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Aborts when the client goes away before its answer is sent, so its queries can be interrupted. */
  signal: AbortSignal;
}

export interface DocumentedRoute {
  method: string;
  url: string;
  summary: string;
  tag: string;
  access: Access;
  right?: FineRight;
  body?: z.ZodType;
  query?: z.ZodType;
  multipart?: z.ZodType;
  rawUpload?: boolean;
  response: Partial<Record<SuccessStatus, SuccessResponse>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered with `route`, in order: the source of the OpenAPI document. */
    documentedRoutes: DocumentedRoute[];
  }
  interface FastifyContextConfig {
    access?: Access;
    right?: FineRight;
    audit?: AuditSpec;
    shared?: SharedRead;
    /**
     * The route's callers send keys of an API service, not user tokens: the route checks them
     * and audits its calls itself, in batches (src/api-services/runtime.ts; a row per call
     * written by the audit hook would cap a service at the catalog's write rate).
     */
    serviceCaller?: boolean;
    /** The body may be a file sent as is, left unread for the handler (src/server/raw-upload.ts). */
    rawUpload?: boolean;
    /** The content types the route takes, named by the 415 answer to any other. */
    accepts?: string[];
  }
}

/** What a 401 says, to people calling with curl or the CLI as much as to the web UI: how to authenticate. */
export const AUTHENTICATION_REQUIRED =
  'Authentication required: log in (`llano login`, or POST /api/auth/login) or pass a session token or API key (--token, or an Authorization: Bearer header)';
/** The 401 for a request without a valid principal: how to authenticate, or why its token was refused. */
export const unauthenticated = (request: FastifyRequest) =>
  unauthorized(request.headers.authorization ? TOKEN_REJECTED : AUTHENTICATION_REQUIRED);

const TOKEN_REJECTED =
  'The token is not valid (expired, revoked, or its user disabled): log in again (`llano login`, or POST /api/auth/login) or pass another API key';

/**
 * Registers a route whose handler receives the authenticated principal and validated
 * input. Whatever the handler returns is sent as JSON (undefined → 204).
 */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  def: RouteDef<B, Q>,
  handler: (input: RouteInput<Infer<B>, Infer<Q>>) => Promise<unknown>,
): void {
  const auth = def.access !== 'public';
  if (!app.hasDecorator('documentedRoutes')) app.decorate('documentedRoutes', []);
  app.documentedRoutes.push({
    method: def.method,
    url: def.url,
    summary: def.summary,
    tag: def.tag,
    access: def.access,
    ...(def.right ? { right: def.right } : {}),
    body: def.body,
    query: def.query,
    multipart: def.multipart,
    ...(def.rawUpload ? { rawUpload: true } : {}),
    response: def.response,
  });
  app.route({
    method: def.method,
    url: def.url.replace(/\{(\w+)\}/g, ':$1'),
    config: {
      access: def.access,
      audit: def.audit,
      ...(def.right ? { right: def.right } : {}),
      ...(def.shared ? { shared: def.shared } : {}),
      ...(def.rawUpload ? { rawUpload: true } : {}),
      accepts: [
        ...(def.multipart ? ['multipart/form-data'] : []),
        ...(def.rawUpload ? RAW_UPLOAD_ACCEPTS : []),
        ...(def.multipart || def.rawUpload ? [] : ['application/json']),
      ],
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      if (auth && !principal) throw unauthenticated(request);
      const body =
        def.body && !def.raw ? parseOr400(def.body, request.body ?? {}, 'request body') : (undefined as Infer<B>);
      const query = def.query ? parseOr400(def.query, request.query ?? {}, 'query') : (undefined as Infer<Q>);
      const client = new AbortController();
      const gone = () => {
        if (!reply.raw.writableFinished) client.abort();
      };
      reply.raw.once('close', gone);
      // A client that left while the request was read or authenticated closed before the listener above.
      if (request.raw.socket?.destroyed) gone();
      const result = await handler({
        principal: principal!,
        params: request.params as Record<string, string>,
        body: body as Infer<B>,
        query: query as Infer<Q>,
        request,
        reply,
        signal: client.signal,
      });
      if (reply.sent) return reply;
      if (result === undefined) return reply.code(204).send();
      return result;
    },
  });
}

/** A PUT names its object twice, in the URL and in the body: they must agree. */
export function assertSameName(kind: string, bodyName: string, urlName: string): void {
  if (bodyName !== urlName) throw badRequest(`The body names ${kind} ${bodyName}, the URL ${urlName}`);
}
