import { invalidName } from './errors.js';

/** Project keys look like `ALMA_OPS`: upper-case letters, digits and underscores, starting with a letter. */
export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Names of datasets, recipes, connections, scenarios…: they are also SQL identifiers
 * and folder names, so only letters, digits and underscores, starting with a letter or
 * underscore. This rules out `../`, slashes, spaces, quotes and SQL metacharacters.
 */
export const OBJECT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Usernames: letters, digits, dot, dash, underscore. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function assertProjectKey(key: string): string {
  if (typeof key !== 'string' || !PROJECT_KEY.test(key)) {
    throw invalidName(
      `Invalid project key ${JSON.stringify(key)}: use upper-case letters, digits and underscores, starting with a letter (e.g. ALMA_OPS)`,
    );
  }
  return key;
}

export function assertObjectName(name: string, what = 'name'): string {
  if (typeof name !== 'string' || !OBJECT_NAME.test(name)) {
    throw invalidName(
      `Invalid ${what} ${quotedName(name)}: use letters, digits and underscores, starting with a letter or underscore`,
    );
  }
  return name;
}

export function assertUsername(name: string): string {
  if (typeof name !== 'string' || !USERNAME.test(name)) {
    throw invalidName(`Invalid username ${quotedName(name)}: use letters, digits, '.', '-' and '_'`);
  }
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
