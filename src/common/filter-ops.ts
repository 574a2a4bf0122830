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

/** Each operator in words, as a filter is read out: `band in 3, 6`, `day ≥ 2025-01-01`. */
export const FILTER_OP_WORDS: Record<FilterOp, string> = {
  eq: '=',
  ne: '≠',
  lt: '<',
  le: '≤',
  gt: '>',
  ge: '≥',
  contains: 'contains',
  startswith: 'starts with',
  in: 'in',
  isnull: 'is empty',
  notnull: 'is not empty',
};
