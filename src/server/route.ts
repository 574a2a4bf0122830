import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, unauthorized } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';

/** One documented API route: registered in Fastify and described in the OpenAPI document. */
export interface RouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  /** false for the few public routes (health, login). */
  auth?: boolean;
  /** Documented response shape, for readers of the OpenAPI document. */
  response?: z.ZodType;
  /** Non-JSON request (multipart upload) or response (stream). */
  raw?: boolean;
}

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
  auth: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
}

export const documentedRoutes: DocumentedRoute[] = [];

/**
 * Registers a route whose handler receives the authenticated principal and validated
 * input. Whatever the handler returns is sent as JSON (undefined → 204).
 */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  def: RouteDef<B, Q>,
  handler: (input: RouteInput<Infer<B>, Infer<Q>>) => Promise<unknown>,
): void {
  const auth = def.auth !== false;
  if (!documentedRoutes.some((r) => r.method === def.method && r.url === def.url)) {
    documentedRoutes.push({
      method: def.method,
      url: def.url,
      summary: def.summary,
      tag: def.tag,
      auth,
      body: def.body,
      query: def.query,
      response: def.response,
    });
  }
  app.route({
    method: def.method,
    url: def.url.replace(/\{(\w+)\}/g, ':$1'),
    handler: async (request, reply) => {
      const principal = request.principal;
      if (auth && !principal) throw unauthorized();
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
