import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { CatalogTables } from './tables.js';

type Db = Kysely<CatalogTables>;

/** Marks a named value in the query `build` makes once; no catalog value starts with a NUL character. */
const PLACEHOLDER = '\u0000llano-value:';

/** A parameter of the compiled query: one of the named values, or a constant of the query itself (a LIMIT…). */
type Slot<V> = { name: V } | { constant: unknown };

/**
 * A catalog query built and compiled once per dialect, then run with new values. Kysely builds
 * and compiles every query anew, which costs about as much as SQLite takes to run a small
 * statement; a build step runs some twenty, always the same texts with other values.
 *
 * `build` gets `value(name)`, a placeholder to put where each named value goes (as a value,
 * never inside SQL text), and must make the same query whatever the values: a list whose length
 * varies (`in` with an array) does not fit. The query runs on the database or transaction given.
 */
export function reusedQuery<V extends string, R>(
  build: (db: Db, value: (name: V) => never) => Compilable<R>,
): (db: Db, values: Record<V, unknown>) => Promise<QueryResult<R>> {
  // By dialect adapter: a transaction compiles as its database does.
  const compiled = new WeakMap<object, { query: CompiledQuery<R>; slots: Slot<V>[] }>();
  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let reused = compiled.get(adapter);
    if (!reused) {
      const query = build(db, (name) => `${PLACEHOLDER}${name}` as never).compile();
      const slots = query.parameters.map((p): Slot<V> =>
        typeof p === 'string' && p.startsWith(PLACEHOLDER)
          ? { name: p.slice(PLACEHOLDER.length) as V }
          : { constant: p },
      );
      reused = { query, slots };
      compiled.set(adapter, reused);
    }
    const parameters = reused.slots.map((s) => ('name' in s ? values[s.name] : s.constant));
    return db.executeQuery<R>({ ...reused.query, parameters });
  };
}
