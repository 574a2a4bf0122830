import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every `llano` command loads src/cli/main.ts and, through it, every command module. What those
 * import at load time (not inside an action) is paid by every command, `analytics changepoints`
 * on a 100-point file included (issue 12: ≤ 300 ms). The engine, the catalog's drivers, zod and
 * password hashing must therefore be imported inside the actions that use them.
 */
const HEAVY = ['@duckdb/node-api', 'pg', 'better-sqlite3', 'argon2', 'apache-arrow', 'kysely', 'fastify', 'zod'];

const SRC = path.resolve(import.meta.dirname, '../src');

/** Static value imports of a file (`import type` and dynamic `import()` are free at load time). */
function loadTimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s+(?!type\b)([^;']*?)\s*from\s*'([^']+)'|^import\s+'([^']+)'/gm)]
    .filter(([, what]) => !what || !/^\{[^}]*\}$/.test(what.trim()) || !typeOnly(what))
    .map((m) => m[2] ?? m[3]);
}

/** `{ type A, type B }`: erased by the compiler. */
const typeOnly = (braces: string) =>
  braces
    .trim()
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((s) => s.startsWith('type '));

/** The chain of files by which `start` loads a package of `heavy`, or null. */
function heavyChain(start: string, heavy = HEAVY): string[] | null {
  const from = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of loadTimeImports(file)) {
      const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')) : spec;
      if (from.has(target)) continue;
      from.set(target, file);
      if (heavy.some((h) => target === h || target.startsWith(`${h}/`))) {
        const chain = [target];
        for (let f = from.get(target); f; f = from.get(f)) chain.push(path.relative(SRC, f));
        return chain;
      }
      if (spec.startsWith('.') && existsSync(target)) queue.push(target);
    }
  }
  return null;
}

describe('what every CLI command loads before it runs', () => {
  it('is neither the engine, a database driver, password hashing nor the server', () => {
    expect(heavyChain(path.join(SRC, 'cli/main.ts'))).toBeNull();
  });

  it('the check itself finds a heavy import', () => {
    expect(heavyChain(path.join(SRC, 'engine/duckdb.ts'))?.[0]).toBe('@duckdb/node-api');
  });
});

/**
 * What `llano serve` loads before `/api/health` answers (issue 12: ≤ 1.5 s): libraries that only
 * some requests use are imported by their first use.
 */
describe('what the server loads before it listens', () => {
  it('is not Arrow, the mailer or esbuild', () => {
    const onFirstUse = ['apache-arrow', 'nodemailer', 'esbuild'];
    expect(heavyChain(path.join(SRC, 'app/start-workspace.ts'), onFirstUse)).toBeNull();
    expect(heavyChain(path.join(SRC, 'server/app.ts'), onFirstUse)).toBeNull();
  });
});

/**
 * A local `llano dataset import` opens the workspace and imports: it builds no HTTP server, and
 * reaches PostgreSQL's driver only when a PostgreSQL catalog or connection is used (issue 12: the
 * CLI import ≤ 1.15× of DuckDB's own copy, where these were a third of its start).
 */
describe('what a local dataset import loads', () => {
  it('is neither the HTTP server, the PostgreSQL driver, password hashing nor snappy', () => {
    for (const start of ['app/start-workspace.ts', 'cli/local-dataset-import.ts'])
      expect(heavyChain(path.join(SRC, start), ['fastify', '@fastify/multipart', 'pg', 'argon2', 'snappy'])).toBeNull();
  });
});
