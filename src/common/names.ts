import { invalidName } from './errors.js';

/** The longest project key, object name and username (each a folder name and an identifier too). */
export const MAX_PROJECT_KEY = 64;
export const MAX_OBJECT_NAME = 128;
export const MAX_USERNAME = 64;

/** Project keys look like `ALMA_OPS`: upper-case letters, digits and underscores, starting with a letter. */
export const PROJECT_KEY = new RegExp(`^[A-Z][A-Z0-9_]{0,${MAX_PROJECT_KEY - 1}}$`);

/**
 * Names of datasets, recipes, connections, scenarios…: they are also SQL identifiers
 * and folder names, so only letters, digits and underscores, starting with a letter or
 * underscore. This rules out `../`, slashes, spaces, quotes and SQL metacharacters.
 */
export const OBJECT_NAME = new RegExp(`^[A-Za-z_][A-Za-z0-9_]{0,${MAX_OBJECT_NAME - 1}}$`);
/** What OBJECT_NAME asks, in words (schemas that check a name with it say this). */
export const OBJECT_NAME_RULE = `use letters, digits and underscores, starting with a letter or underscore (at most ${MAX_OBJECT_NAME} characters)`;

/** Usernames: letters, digits, dot, dash, underscore. */
export const USERNAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${MAX_USERNAME - 1}}$`);

/**
 * Why `value` is not a valid name, or null: a name of allowed characters that is only too long
 * hears of its length, not of the characters (a trial read "use letters, digits…" for a long key).
 */
function nameProblem(value: unknown, pattern: RegExp, max: number, rule: string): string | null {
  if (typeof value === 'string' && pattern.test(value)) return null;
  if (typeof value === 'string' && value.length > max && pattern.test(value.slice(0, max)))
    return `at most ${max} characters, not ${value.length}`;
  return rule;
}

export function assertProjectKey(key: string): string {
  const problem = nameProblem(
    key,
    PROJECT_KEY,
    MAX_PROJECT_KEY,
    `use upper-case letters, digits and underscores, starting with a letter, at most ${MAX_PROJECT_KEY} characters (e.g. ALMA_OPS)`,
  );
  if (problem) throw invalidName(`Invalid project key ${quotedName(key)}: ${problem}`);
  return key;
}

export function assertObjectName(name: string, what = 'name'): string {
  const problem = nameProblem(name, OBJECT_NAME, MAX_OBJECT_NAME, OBJECT_NAME_RULE);
  if (problem) throw invalidName(`Invalid ${what} ${quotedName(name)}: ${problem}`);
  return name;
}

export function assertUsername(name: string): string {
  const problem = nameProblem(
    name,
    USERNAME,
    MAX_USERNAME,
    `use letters, digits, '.', '-' and '_', at most ${MAX_USERNAME} characters`,
  );
  if (problem) throw invalidName(`Invalid username ${quotedName(name)}: ${problem}`);
  return name;
}

/** Double-quotes an identifier for SQL (DuckDB and PostgreSQL). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Single-quotes a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/** A rejected name as an error message quotes it: at most 80 characters (a 3 MB name is not echoed). */
export function quotedName(name: unknown): string {
  const text = JSON.stringify(name) ?? String(name);
  return text.length > 82 ? `${text.slice(0, 80)}…" (${String(name).length} characters)` : text;
}
