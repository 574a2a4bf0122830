import type { z } from 'zod';
import { badRequest } from './errors.js';

export interface ParseOptions {
  /** How the sentence starts; `Invalid <what>` unless given ('' for none). */
  prefix?: string;
  /** How a field path is written to the reader (CLI flags: `--time-column`). */
  field?: (path: string) => string;
}

/** Every problem zod found, as `field: message; …`; a problem with the whole value is named `what`. */
export function describeIssues(error: z.ZodError, what: string, field: (path: string) => string = (p) => p): string {
  return error.issues
    .map((i) => `${i.path.length ? field(i.path.map(String).join('.')) : what}: ${i.message}`)
    .join('; ');
}

/**
 * Parses `value` with `schema`, or throws a 400 naming each field at fault:
 * `Invalid recipe: inputs: expected array, received string`.
 */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  options: ParseOptions = {},
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const prefix = options.prefix ?? `Invalid ${what}`;
  const issues = describeIssues(parsed.error, what, options.field);
  throw badRequest(prefix ? `${prefix}: ${issues}` : issues);
}

/** `timeColumn` → `time column`: a field name as words, for a field without a title. */
