import type { z } from 'zod';
import { badRequest } from './errors.js';

export interface ParseOptions {
  /** How the sentence starts; `Invalid <what>` unless given ('' for none). */
  prefix?: string;
  /** How a field path is written to the reader (CLI flags: `--time-column`). */
  field?: (path: string) => string;
}

/** Each problem zod found: its path (empty for the whole value), zod's message, and `field: message` with the whole value named `what`. */
export function listIssues(
  error: z.ZodError,
  what: string,
  field: (path: string) => string = (p) => p,
): { path: (string | number)[]; message: string; text: string }[] {
  return error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    return { path, message: i.message, text: `${path.length ? field(path.join('.')) : what}: ${i.message}` };
  });
}

/** Every problem zod found, as `field: message; …`; a problem with the whole value is named `what`. */
export function describeIssues(error: z.ZodError, what: string, field: (path: string) => string = (p) => p): string {
  return listIssues(error, what, field)
    .map((i) => i.text)
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
