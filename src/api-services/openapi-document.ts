import { MAX_SERIES_POINTS } from './analytics-endpoint.js';
import { MAX_BATCH_KEYS } from './lookup-index.js';
import type { DeployedEndpoint, ParameterType } from './types.js';

const PARAMETER_SCHEMA: Record<ParameterType, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
};

const ERROR = {
  description: 'An error: `{"error":{"code","message"}}`',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

function requestSchema(e: DeployedEndpoint): Record<string, unknown> {
  switch (e.type) {
    case 'sql-query':
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          e.parameters.map((p) => [p.name, { ...PARAMETER_SCHEMA[p.type], description: p.description }]),
        ),
        required: e.parameters.filter((p) => p.required !== false).map((p) => p.name),
      };
    case 'lookup': {
      const key = {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(e.key.map((k) => [k, { type: ['string', 'number', 'boolean'] }])),
        required: e.key,
      };
      return {
        oneOf: [
          key,
          {
            type: 'object',
            additionalProperties: false,
            properties: { keys: { type: 'array', items: key, maxItems: MAX_BATCH_KEYS } },
            required: ['keys'],
          },
        ],
      };
    }
    case 'analytics': {
      const series = { type: 'array', items: { type: 'number' }, maxItems: MAX_SERIES_POINTS };
      return e.function === 'change-points'
        ? {
            type: 'object',
            properties: {
              values: series,
              method: { type: 'string' },
              cost: { type: 'string' },
              penalty: {},
              minSize: { type: 'integer' },
              maxChanges: { type: 'integer' },
            },
            required: ['values'],
          }
        : {
            type: 'object',
            properties: { value: { type: 'number' }, values: series, history: series, threshold: { type: 'number' } },
            required: ['history'],
          };
    }
    default:
      return { type: 'object' };
  }
}

function responseSchema(e: DeployedEndpoint): Record<string, unknown> {
  if (e.type === 'sql-query')
    return {
      type: 'object',
      properties: {
        columns: { type: 'array', items: { type: 'string' } },
        rows: { type: 'array', items: { type: 'object' } },
        truncated: { type: 'boolean' },
      },
    };
  if (e.type === 'lookup')
    return {
      type: 'object',
      properties: {
        row: { type: ['object', 'null'] },
        rows: { type: 'array', items: { type: ['object', 'null'] } },
      },
    };
  return {};
}

/** The OpenAPI 3.1 document of one deployed version of a service: what its callers need, and nothing of its SQL. */
export function serviceOpenApi(
  projectKey: string,
  service: { id: string; name?: string; description?: string },
  version: number,
  endpoints: DeployedEndpoint[],
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const e of endpoints) {
    paths[`/services/${projectKey}/${service.id}/${e.id}`] = {
      post: {
        operationId: e.id,
        summary: e.description ?? `${e.type} endpoint ${e.id}`,
        requestBody: { required: true, content: { 'application/json': { schema: requestSchema(e) } } },
        responses: {
          200: { description: 'The answer', content: { 'application/json': { schema: responseSchema(e) } } },
          400: ERROR,
          401: ERROR,
          403: ERROR,
          413: ERROR,
          429: { ...ERROR, headers: { 'Retry-After': { schema: { type: 'integer' } } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: service.name ?? service.id,
      description: service.description ?? `API service ${service.id} of project ${projectKey}`,
      version: String(version),
    },
    paths,
    components: { securitySchemes: { serviceKey: { type: 'http', scheme: 'bearer' } } },
    security: [{ serviceKey: [] }],
  };
}
