import type { z } from 'zod';
import { jsonSchemaOf } from './json-schema.js';
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
const asWords = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * How the fields of an object schema are named to people: by their form title (`.meta({ title })`),
 * else their name as words. Nested paths keep their later parts (`retries.count` → `Retries: count`).
 */
export function fieldTitles(schema: z.ZodType): (path: string) => string {
  let properties: Record<string, { title?: string }> = {};
  try {
    properties = (jsonSchemaOf(schema) as { properties?: typeof properties }).properties ?? {};
  } catch {
    // A schema JSON Schema cannot describe: names as words.
  }
  return (path) => {
    const [first, ...rest] = path.split('.');
    const title = properties[first]?.title ?? asWords(first);
    const named = /^[A-Z]/.test(title) ? title : title.charAt(0).toUpperCase() + title.slice(1);
    return rest.length
      ? `${named}: ${rest.map((p) => (/^\d+$/.test(p) ? `item ${Number(p) + 1}` : asWords(p))).join(', ')}`
      : named;
  };
}
