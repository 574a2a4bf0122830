import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PARTITION_STATES, PartitioningSchema } from '../../datasets/partitioning.js';
import {
  getDatasetPartitioning,
  removeDatasetPartitioning,
  setDatasetPartitioning,
} from '../../flow/partitions/partitions-service.js';
import { listPartitionsWithChecks } from '../../quality/partition-checks.js';
import type { Workspace } from '../../workspace/workspace.js';
import { route } from '../route.js';

const P = '/api/projects/{key}';

const Partition = z.looseObject({
  id: z.string(),
  rows: z.number().nullable(),
  state: z.enum(PARTITION_STATES),
  builtAt: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  reason: z.string().optional(),
  checks: z
    .object({
      outcome: z.enum(['OK', 'WARNING', 'ERROR']),
      runAt: z.string(),
      failed: z.array(z.object({ check: z.string(), outcome: z.enum(['WARNING', 'ERROR']), message: z.string() })),
    })
    .nullable()
    .optional(),
});

/** Partitioned datasets: their dimensions and their partitions. Builds of partitions go through `POST …/builds`. */
export function partitionRoutes(app: FastifyInstance, ws: Workspace): void {
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/partitioning`,
      summary: 'How a dataset is partitioned (404 when it is not)',
      tag: 'datasets',
      access: 'reader',
      response: { 200: PartitioningSchema },
    },
    ({ principal, params }) => getDatasetPartitioning(ws, principal, params.key, params.name),
  );
  route(
    app,
    {
      method: 'PUT',
      url: `${P}/datasets/{name}/partitioning`,
      summary:
        'Partition a dataset by time (hour, day, month, year) and discrete dimensions: {"dimensions":[{"name":"day","type":"time","period":"day","column":"day"},{"name":"band","type":"discrete","column":"band"}]}',
      tag: 'datasets',
      body: PartitioningSchema,
      access: 'writer',
      response: { 200: PartitioningSchema },
    },
    ({ principal, params, body }) => setDatasetPartitioning(ws, principal, params.key, params.name, body),
  );
  route(
    app,
    {
      method: 'DELETE',
      url: `${P}/datasets/{name}/partitioning`,
      summary: 'Make a dataset unpartitioned (built whole from then on; its versions keep their data)',
      tag: 'datasets',
      access: 'writer',
      response: { 204: null },
    },
    async ({ principal, params }) => {
      await removeDatasetPartitioning(ws, principal, params.key, params.name);
      return undefined;
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: `${P}/datasets/{name}/partitions`,
      summary:
        'Partitions of a partitioned dataset with rows, state (ready, stale, missing, building, failed) and the outcome of their last checks',
      tag: 'datasets',
      access: 'reader',
      response: { 200: z.array(Partition) },
    },
    ({ principal, params }) => listPartitionsWithChecks(ws, principal, params.key, params.name),
  );
}
