import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FineRight, Principal } from '../catalog/access.js';
import type { Workspace } from '../workspace/workspace.js';
import { withoutReadOnlyFields } from './read-only-fields.js';
import { assertSameName, route, type SharedRead } from './route.js';

/** The service functions behind one kind of project object; each authorises its caller. */
export interface ObjectService {
  list(ws: Workspace, principal: Principal, projectKey: string): Promise<unknown>;
  get(ws: Workspace, principal: Principal, projectKey: string, name: string): Promise<unknown>;
  save(
    ws: Workspace,
    principal: Principal,
    projectKey: string,
    body: unknown,
    options?: { expectRevision?: number },
  ): Promise<unknown>;
  remove(ws: Workspace, principal: Principal, projectKey: string, name: string): Promise<void>;
}

export interface ObjectRoutes {
  /** Singular, for messages: `recipe`. */
  kind: string;
  /** The URL segment: `/api/projects/{key}/recipes`. */
  plural: string;
  tag: string;
  /** The body field, and URL parameter, that names an object (`id` for scenarios). */
  nameField: 'name' | 'id';
  body: z.ZodType<Record<string, unknown>>;
  /** What list (an array of them), create, get and replace answer. */
  item: z.ZodType;
  /** Fields the kind's GET adds beyond revision, updatedAt and updatedBy: dropped when sent back. */
  readOnly?: readonly string[];
  /** Lets readers with this fine right create, replace and delete too (dashboards: manage-dashboards). */
  writeRight?: FineRight;
  /** Lets non-members get one object when it is shared with them (dashboards; insights as their tiles). */
  sharedGet?: SharedRead;
  summaries: { list: string; create: string; get: string; replace: string; remove: string };
}

/**
 * The five routes of a kind of project object: list, create (201; refused if it exists),
 * get, replace (the URL and the body must name the same object; a body read with get can be
 * sent back, its `revision` then guards against overwriting someone else's save) and delete (204).
 * Project readers may read them, writers change them.
 */
export function objectRoutes(app: FastifyInstance, ws: Workspace, def: ObjectRoutes, service: ObjectService): void {
  const base = `/api/projects/{key}/${def.plural}`;
  const one = `${base}/{${def.nameField}}`;
  const { tag, body, summaries, item } = def;
  const write = def.writeRight ? { access: 'reader' as const, right: def.writeRight } : { access: 'writer' as const };
  route(
    app,
    { method: 'GET', url: base, summary: summaries.list, tag, access: 'reader', response: { 200: z.array(item) } },
    async ({ principal, params }) => service.list(ws, principal, params.key),
  );
  route(
    app,
    { method: 'POST', url: base, summary: summaries.create, tag, body, ...write, response: { 201: item } },
    async ({ principal, params, body, reply }) => {
      const created = await service.save(ws, principal, params.key, withoutReadOnlyFields(body, def.readOnly).body, {
        expectRevision: 0,
      });
      void reply.code(201);
      return created;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: one,
      summary: summaries.get,
      tag,
      access: 'reader',
      response: { 200: item },
      ...(def.sharedGet ? { shared: def.sharedGet } : {}),
    },
    async ({ principal, params }) => service.get(ws, principal, params.key, params[def.nameField]),
  );
  route(
    app,
    { method: 'PUT', url: one, summary: summaries.replace, tag, body, ...write, response: { 200: item } },
    async ({ principal, params, body }) => {
      assertSameName(def.kind, String(body[def.nameField]), params[def.nameField]);
      const { body: saved, expectRevision } = withoutReadOnlyFields(body, def.readOnly);
      return service.save(ws, principal, params.key, saved, expectRevision === undefined ? {} : { expectRevision });
    },
  );
  route(
    app,
    { method: 'DELETE', url: one, summary: summaries.remove, tag, ...write, response: { 204: null } },
    async ({ principal, params }) => {
      await service.remove(ws, principal, params.key, params[def.nameField]);
      return undefined;
    },
  );
}
