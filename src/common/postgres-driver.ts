import { createRequire } from 'node:module';
import type pg from 'pg';

let driver: typeof pg | undefined;

/**
 * The `pg` module, loaded at its first use: a process that reaches no PostgreSQL (a local CLI
 * command over a SQLite catalog) skips its load, ~45 ms of CPU at every start. Required rather
 * than imported: pg is CommonJS, and `require` skips Node's scan of a CommonJS module's exports
 * for ESM.
 */
export function postgresDriver(): typeof pg {
  if (!driver) {
    driver = createRequire(import.meta.url)('pg') as typeof pg;
    // PostgreSQL returns BIGINT (int8) as strings by default; our counts fit in doubles.
    driver.types.setTypeParser(20, (v) => Number(v));
  }
  return driver;
}
