import { z } from 'zod';
import {
  AnalyticsInputError,
  CHANGE_POINT_METHODS,
  COST_KINDS,
  PENALTY_KINDS,
  detectChangePoints,
  robustScale,
} from '../analytics/index.js';
import { badRequest } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import type { AnalyticsEndpoint } from './types.js';

/** Points one analytics call may send (a series, or a history). */
export const MAX_SERIES_POINTS = 100_000;

const Series = z.array(z.number()).min(1).max(MAX_SERIES_POINTS);

const ChangePointsBody = z.strictObject({
  values: Series,
  method: z.enum(CHANGE_POINT_METHODS).optional(),
  cost: z.enum(COST_KINDS).optional(),
  penalty: z.union([z.number().positive(), z.enum(PENALTY_KINDS)]).optional(),
  minSize: z.number().int().min(1).optional(),
  maxChanges: z.number().int().min(0).optional(),
});

const ScoreBody = z
  .strictObject({
    value: z.number().optional(),
    values: Series.optional(),
    history: z.array(z.number()).min(3).max(MAX_SERIES_POINTS),
    threshold: z.number().positive().optional(),
  })
  .refine((b) => (b.value === undefined) !== (b.values === undefined), {
    message: 'send exactly one of value and values',
  });

/** Runs a function of src/analytics on the posted numbers. Pure and fast: no engine, no catalog. */
export function runAnalyticsEndpoint(endpoint: AnalyticsEndpoint, body: unknown): unknown {
  try {
    if (endpoint.function === 'change-points') {
      const { values, ...options } = parseOr400(ChangePointsBody, body, 'request body');
      const r = detectChangePoints(values, options);
      return { changepoints: r.changepoints, segments: r.segments, method: r.method, penalty: r.penalty };
    }
    const b = parseOr400(ScoreBody, body, 'request body');
    const threshold = b.threshold ?? 3.5;
    const { median, scale } = robustScale(b.history);
    const values = b.values ?? [b.value!];
    const scores = values.map((x) => (scale > 0 ? (x - median) / scale : x === median ? 0 : null));
    const flags = scores.map((z) => z === null || Math.abs(z) > threshold);
    return b.value !== undefined
      ? { score: scores[0], outlier: flags[0], median, scale, threshold }
      : { scores, outliers: flags, median, scale, threshold };
  } catch (error) {
    if (error instanceof AnalyticsInputError) throw badRequest(error.message);
    throw error;
  }
}
