/** A copy of `object` without `keys`: to leave fields out of an answer or out of a hash. */
export function omit<T extends object, K extends keyof T>(object: T, ...keys: K[]): Omit<T, K> {
  const left: readonly PropertyKey[] = keys;
  return Object.fromEntries(Object.entries(object).filter(([key]) => !left.includes(key))) as Omit<T, K>;
}
