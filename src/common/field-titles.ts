import type { z } from 'zod';
import { jsonSchemaOf } from './json-schema.js';

// Apart from parse.ts, which the CLI loads for every command: JSON Schema needs zod's value
// import (~50–100 ms of start-up), which only the scenario forms' error wording uses.
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
