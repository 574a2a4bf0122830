import { badRequest } from './errors.js';

/** The types of one family (steps, triggers, check types…), looked up by their key. */
export interface Registry<T> {
  /** What the family's keys are called in messages, e.g. "step type" or "reporter channel". */
  readonly kind: string;
  /** The item with this key; a 400 naming the known keys when there is none (the key usually comes from a request or stored JSON). */
  get(key: unknown): T;
  /** The item with this key, or undefined. */
  find(key: unknown): T | undefined;
  /** Every item, in registration order (the order the UI lists them in). */
  list(): readonly T[];
  keys(): string[];
}

/**
 * A registry that refuses a duplicate key when it is created, so two types claiming the same
 * name fail at start-up instead of one silently shadowing the other.
 */
export function createRegistry<T extends { type: string }>(kind: string, items: readonly T[]): Registry<T>;
export function createRegistry<T>(kind: string, items: readonly T[], keyOf: (item: T) => string): Registry<T>;
export function createRegistry<T>(
  kind: string,
  items: readonly T[],
  keyOf: (item: T) => string = (item) => (item as { type: string }).type,
): Registry<T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (byKey.has(key)) throw new Error(`Two ${kind}s are registered as ${JSON.stringify(key)}`);
    byKey.set(key, item);
  }
  const list = Object.freeze([...items]);
  const keys = [...byKey.keys()];
  const find = (key: unknown) => (typeof key === 'string' ? byKey.get(key) : undefined);
  return {
    kind,
    find,
    get(key) {
      const item = find(key);
      if (item === undefined) throw badRequest(`unknown ${kind} ${JSON.stringify(key)}; known: ${keys.join(', ')}`);
      return item;
    },
    list: () => list,
    keys: () => [...keys],
  };
}
