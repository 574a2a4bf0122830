import { z } from 'zod';
import { ANALYTICS_FUNCTIONS, PARAMETER_TYPES } from './types.js';

/** Service and endpoint ids appear in URLs (`/services/KEY/{service}/{endpoint}`). */
const Id = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a letter, then letters, digits, - or _ (at most 64 characters)');

const SavedTest = z.strictObject({
  name: z.string().min(1).max(100),
  body: z.record(z.string(), z.unknown()),
});

const base = {
  id: Id,
  description: z.string().max(2000).optional(),
  tests: z.array(SavedTest).max(50).optional(),
};

const Parameter = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a SQL-style name (letters, digits, _)'),
  type: z.enum(PARAMETER_TYPES),
  required: z.boolean().optional(),
  description: z.string().max(500).optional(),
});

export const MAX_SQL_ROWS = 10_000;

export const EndpointSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('sql-query'),
    sql: z.string().min(1).max(100_000),
    parameters: z.array(Parameter).max(100).default([]),
    maxRows: z.number().int().min(1).max(MAX_SQL_ROWS).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('lookup'),
    dataset: z.string().min(1),
    key: z.array(z.string().min(1)).min(1).max(8),
    columns: z.array(z.string().min(1)).min(1).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('analytics'), function: z.enum(ANALYTICS_FUNCTIONS) }),
  z.strictObject({ ...base, type: z.literal('typescript-function'), code: z.string().min(1).max(200_000) }),
]);

export const ApiServiceSchema = z.strictObject({
  id: Id,
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  endpoints: z.array(EndpointSchema).max(100),
  rateLimit: z.strictObject({ requestsPerSecond: z.number().int().min(1).max(1_000_000) }).optional(),
});

export const DEFAULT_REQUESTS_PER_SECOND = 100;
