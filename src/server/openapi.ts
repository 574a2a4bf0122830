import { z } from 'zod';
import { documentedRoutes } from './route.js';

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

function jsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

/** The OpenAPI 3 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of documentedRoutes) {
    const params = [...r.url.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query: unknown[] = [];
    if (r.query) {
      const js = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        query.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...params, ...query],
      responses: {
        '200': {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: jsonSchema(r.response) } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: jsonSchema(ErrorSchema) } } },
      },
      ...(r.auth ? { security: [{ bearer: [] }, { cookie: [] }] } : { security: [] }),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    (paths[r.url] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Llano API',
      version,
      description: 'Every error is {"error":{"code","message"}} with a 4xx/5xx status.',
    },
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
