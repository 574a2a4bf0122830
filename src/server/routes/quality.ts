import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  computeMetrics,
  getDatasetChecks,
  metricsHistory,
  runChecks,
  saveQualitySettings,
} from '../../quality/quality-service.js';
import type { Workspace } from '../../workspace/workspace.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const D = '/api/projects/{key}/datasets/{name}';
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });

/** Dataset metrics (history, compute) and checks (settings, run, results). */
export function qualityRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: `${D}/metrics`,
      summary: 'Metrics history of a dataset, newest first',
      tag: 'quality',
      query: Limit,
      access: 'reader',
      response: { 200: z.array(R.MetricsRecord) },
    },
    async ({ principal, params, query }) => metricsHistory(ws, principal, params.key, params.name, query.limit),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${D}/metrics/compute`,
      summary: 'Compute the metrics of the current version now',
      tag: 'quality',
      access: 'writer',
      response: { 200: R.MetricsRecord },
    },
    async ({ principal, params }) => computeMetrics(ws, principal, params.key, params.name),
  );
  route(
    app,
    {
      method: 'GET',
      url: `${D}/checks`,
      summary: 'Metric settings and checks of a dataset, with recent results',
      tag: 'quality',
      query: Limit,
      access: 'reader',
      response: { 200: R.DatasetChecks },
    },
    async ({ principal, params, query }) => getDatasetChecks(ws, principal, params.key, params.name, query.limit),
  );
  route(
    app,
    {
      method: 'PUT',
      url: `${D}/checks`,
      summary: 'Replace the metric settings and checks of a dataset',
      tag: 'quality',
      body: z.looseObject({}),
      access: 'writer',
      response: { 200: R.QualitySettings },
    },
    async ({ principal, params, body }) =>
      saveQualitySettings(ws, principal, params.key, { ...body, dataset: params.name }),
  );
  route(
    app,
    {
      method: 'POST',
      url: `${D}/checks/run`,
      summary: 'Run the checks on the current version (metrics are computed too)',
      tag: 'quality',
      access: 'writer',
      response: { 200: R.QualityRun },
    },
    async ({ principal, params }) => runChecks(ws, principal, params.key, params.name),
  );
}
