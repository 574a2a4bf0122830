import { z } from 'zod';
import type { FineRight } from '../catalog/access.js';
import type { Access, DocumentedRoute, SuccessResponse } from './route.js';
import { RAW_UPLOAD_ACCEPTS } from './raw-upload.js';

type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI 3.1 document that Llano writes and its docs page reads. */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  'x-llano-access': Access;
  /** A fine right that lets a reader through (writers and admins have it): run-scenarios, export-data, manage-dashboards. */
  'x-llano-right'?: FineRight;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security: Record<string, string[]>[];
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, unknown>;
}

const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

const ACCESS_TEXT: Record<Access, string> = {
  public: 'anyone, without credentials',
  user: 'any signed-in user',
  reader: 'readers of the project and above',
  writer: 'writers of the project and above',
  projectAdmin: 'admins of the project',
  admin: 'global admins',
};

/** JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of a zod schema, without `$schema` (the document sets the dialect). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const js = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete js.$schema;
  return js;
}

function responseObject(status: number, spec: SuccessResponse) {
  const description = (spec && 'content' in spec && spec.description) || STATUS_TEXT[status] || 'Success';
  if (spec === null) return { description };
  const content: Record<string, z.ZodType | null> = 'content' in spec ? spec.content : { 'application/json': spec };
  return {
    description,
    content: Object.fromEntries(
      Object.entries(content).map(([type, schema]) => [
        type,
        { schema: schema ? jsonSchema(schema, 'output') : type.startsWith('text/') ? { type: 'string' } : {} },
      ]),
    ),
  };
}

/** `GET /api/projects/{key}/datasets/{name}` → `getProjectsKeyDatasetsName`: unique per method and path. */
function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function operation(r: DocumentedRoute): OpenApiOperation {
  const params: OpenApiOperation['parameters'] = [...r.url.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (r.query) {
    const js = jsonSchema(r.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, { description, ...schema }] of Object.entries(js.properties ?? {}))
      params.push({
        name,
        in: 'query',
        required: js.required?.includes(name) ?? false,
        ...(typeof description === 'string' ? { description } : {}),
        schema,
      });
  }
  const op: OpenApiOperation = {
    operationId: operationId(r.method, r.url),
    summary: r.summary,
    tags: [r.tag],
    'x-llano-access': r.access,
    ...(r.right ? { 'x-llano-right': r.right } : {}),
    parameters: params,
    responses: {
      ...Object.fromEntries(
        Object.entries(r.response).map(([status, spec]) => [status, responseObject(Number(status), spec)]),
      ),
      default: {
        description: 'Error: 400 bad input, 401 no credentials, 403 not allowed, 404 not found (or not a member), …',
        content: { 'application/json': { schema: jsonSchema(ErrorSchema, 'output') } },
      },
    },
    security: r.access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
  };
  if (r.body)
    op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
  if (r.multipart)
    op.requestBody = {
      required: true,
      content: {
        'multipart/form-data': { schema: jsonSchema(r.multipart, 'input') },
        // The file itself as the body (src/server/raw-upload.ts): bytes, so no schema but their type.
        ...(r.rawUpload
          ? Object.fromEntries(
              RAW_UPLOAD_ACCEPTS.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
            )
          : {}),
      },
    };
  return op;
}

/** The OpenAPI 3.1 document of the routes registered with `route`, from the zod schemas that validate them. */
export function openApiDocument(version: string, routes: readonly DocumentedRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const r of routes) (paths[r.url] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Llano API',
      version,
      description:
        'Every error is {"error":{"code","message"}} with a 4xx/5xx status. Each operation names who may call it in x-llano-access: ' +
        Object.entries(ACCESS_TEXT)
          .map(([level, text]) => `${level} = ${text}`)
          .join('; ') +
        ' (a global admin passes every level). An operation with x-llano-right also needs that fine right (writers and admins have every right; a reader one granted to them or their group).',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token from POST /api/auth/login or an API key',
        },
        cookie: { type: 'apiKey', in: 'cookie', name: 'llano_session' },
      },
    },
    paths,
  };
}

export { ACCESS_TEXT };
