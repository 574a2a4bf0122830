import type { InsightData } from './insight-types.js';

/** Insight data as the engine answers it, for the tests of the options drawn from it (unsampled, version v1). */
export const insightDataOf = (columns: string[], roles: string[], rows: unknown[][]): InsightData => ({
  columns,
  roles,
  rows,
  sampled: false,
  truncated: false,
  sql: '',
  version: 'v1',
});
