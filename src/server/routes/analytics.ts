import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CHANGE_POINT_METHODS, COST_KINDS, NOISE_MODELS, PENALTY_KINDS } from '../../analytics/index.js';
import { analyseDataset, type ColumnAnalysis } from '../../datasets/column-analytics.js';
import { DEFAULT_OUTLIER_METHOD, OUTLIER_METHODS } from '../../engine/column-analyses.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const name = z.string().min(1);
const Series = { dataset: name, column: name, time: name.optional() };

/** The request bodies: the options of `llano analytics …` with their CLI defaults. */
const BODIES = {
  changepoints: z.object({
    ...Series,
    method: z.enum([...CHANGE_POINT_METHODS, 'bocpd']).default('auto'),
    cost: z.enum(COST_KINDS).default('mean'),
    penalty: z.union([z.enum(PENALTY_KINDS), z.number().min(0)]).default('mbic'),
    minSize: z.number().int().min(1).optional(),
    noiseScale: z.number().positive().optional(),
    noiseModel: z.enum(NOISE_MODELS).default('long-run'),
    maxChanges: z.number().int().min(0).optional(),
  }),
  outliers: z.object({
    dataset: name,
    columns: z.array(name).min(1),
    group: z.array(name).default([]),
    // Rows scored in this column's order (the answer keeps the dataset's row order).
    time: name.optional(),
    method: z.enum(OUTLIER_METHODS).default(DEFAULT_OUTLIER_METHOD),
    threshold: z.number().min(0).optional(),
  }),
  trend: z.object(Series),
  anomalies: z.object({
    ...Series,
    falseAlarmRate: z.number().gt(0).max(0.5).default(1e-4),
    probation: z.number().int().min(0).max(1_000_000_000).optional(),
    // The cycle the baseline follows: auto (looked for in the probation), 0 for none, or its length in rows.
    period: z.union([z.literal('auto'), z.literal(0), z.number().int().min(2).max(100_000)]).default('auto'),
  }),
};

const num = z.number();
const Segment = z.looseObject({ start: num, end: num, n: num, mean: num, std: num });
const RESPONSES = {
  changepoints: z.looseObject({
    changepoints: z.array(num),
    segments: z.array(Segment),
    method: z.string(),
    times: z.array(z.unknown()).optional(),
  }),
  outliers: z.looseObject({
    method: z.string(),
    rows: z.array(z.looseObject({ row: num, score: z.union([num, z.string()]).nullable(), flag: z.boolean() })),
  }),
  trend: z.looseObject({
    n: num,
    mannKendall: z.looseObject({ s: num, z: num, pValue: num, tau: num }),
    theilSen: z.looseObject({ slope: num, unit: z.string() }),
  }),
  anomalies: z.looseObject({
    rows: z.array(
      z.looseObject({
        row: num,
        value: num.nullable(),
        score: num.nullable(),
        alarm: z.boolean(),
        // On an alarm: the row that caused it (itself for a spike, an earlier one for a step).
        cause: z.looseObject({ row: num, value: num }).optional(),
      }),
    ),
  }),
};

const SUMMARIES: Record<keyof typeof BODIES, string> = {
  changepoints:
    'Change points of a dataset column (rows in `time` order), computed in the server like `llano analytics changepoints`',
  outliers: 'Outlier score and flag of every row of a dataset (within `group`), like `llano analytics outliers`',
  trend: 'Mann–Kendall test and Theil–Sen slope of a dataset column, like `llano analytics trend`',
  anomalies:
    'Causal anomaly likelihood and alarm flag of every row of a dataset column, like `llano analytics anomalies`',
};

/** POST /api/projects/{key}/analytics/{changepoints|outliers|trend|anomalies} over a dataset (project readers). */
export function analyticsRoutes(app: FastifyInstance, ws: Workspace): void {
  for (const kind of Object.keys(BODIES) as (keyof typeof BODIES)[]) {
    route(
      app,
      {
        method: 'POST',
        url: `/api/projects/{key}/analytics/${kind}`,
        summary: SUMMARIES[kind],
        tag: 'analytics',
        body: BODIES[kind],
        access: 'reader',
        response: { 200: RESPONSES[kind] },
      },
      async ({ principal, params, body, signal }) => {
        const { dataset, ...options } = body as { dataset: string };
        const analysis = { kind, ...options } as ColumnAnalysis;
        return analyseDataset(ws, principal, params.key, dataset, analysis, signal);
      },
    );
  }
}
