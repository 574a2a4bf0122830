/**
 * The comparison operators of the table query language (`column:op:value`), shared by the
 * server's parser and the web UI's filter editor. Node-free, so the UI imports it as a value.
 */
export const FILTER_OPS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'startswith',
  'in',
  'isnull',
  'notnull',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
