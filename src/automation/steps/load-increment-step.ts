import { rmSync } from 'node:fs';
import { z } from 'zod';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import { importDataset } from '../../datasets/import.js';
import { resolveSource } from '../../datasets/datasets.js';
import { duckdbRelation } from '../../engine/table-source.js';
import { workspaceSlot } from '../../workspace/workspace.js';
import { assertDatasetsExist } from './common.js';
import type { StepContext, StepResult } from '../types.js';
import { defineStep } from './define-step.js';

const column = z.string().min(1).max(200);

/**
 * Loads into one dataset in this process run one after the other: two scenarios appending to the
 * same table at the same minute would otherwise each build on the same version and one load be lost.
 */
const loadQueues = workspaceSlot('automation.load-increment-queues', () => new Map<string, Promise<unknown>>());

const params = z.object({
  source: z.string().min(1).describe('Staging dataset holding the rows not loaded yet (and possibly loaded ones)'),
  target: z.string().min(1).describe('Managed dataset the slice is appended to'),
  timeColumn: column.describe('Time column of both datasets: the load cursor'),
  hours: z
    .number()
    .positive()
    .max(24 * 366)
    .describe('Length of the slice, from the newest time already in the target'),
  match: z
    .object({ column, values: z.array(z.string().max(200)).min(1).max(100) })
    .strict()
    .optional()
    .describe('Only rows whose column is one of these values (a job that loads its own rows of a shared table)'),
});

interface LoadParams {
  source: string;
  target: string;
  timeColumn: string;
  hours: number;
  match?: { column: string; values: string[] };
}

/**
 * Appends the next slice of a staging dataset to a dataset: the source rows whose time is in
 * (newest time already loaded, that + `hours`]. The incremental load of an ETL job, where the
 * staging dataset stands for the upstream system. A slice with no rows is an empty load: the
 * step warns and the dataset keeps its version.
 */
export const loadIncrementStep = defineStep('load-increment', {
  label: 'Load the next increment',
  params,
  examples: [
    {
      title: 'Load the next day of receiver temperatures',
      params: {
        source: 'staging_trec_measurement',
        target: 'trec_measurement',
        timeColumn: 'startvalidtime',
        hours: 24,
      },
    },
  ],
  validate: (ctx, p) => assertDatasetsExist(ctx, [p.source, p.target]),
  async run(ctx, p) {
    await ctx.ws.catalog.projects.authorize(ctx.principal, ctx.projectKey, 'writer');
    const key = `${ctx.projectKey}/${p.target}`;
    const queues = loadQueues(ctx.ws);
    const previous = queues.get(key) ?? Promise.resolve();
    const mine: Promise<StepResult> = previous.catch(() => undefined).then(() => loadSlice(ctx, p));
    queues.set(key, mine);
    try {
      return await mine;
    } finally {
      if (queues.get(key) === mine) queues.delete(key);
    }
  },
});

async function loadSlice(ctx: StepContext, p: LoadParams): Promise<StepResult> {
  const source = duckdbRelation((await resolveSource(ctx.ws, ctx.projectKey, p.source)).source);
  const targetSource = (await resolveSource(ctx.ws, ctx.projectKey, p.target)).source;
  const t = quoteIdent(p.timeColumn);
  const where = p.match
    ? `CAST(${quoteIdent(p.match.column)} AS VARCHAR) IN (${p.match.values.map(quoteLiteral).join(', ')})`
    : 'TRUE';
  const hasTarget = targetSource.kind !== 'parquet' || targetSource.paths.length > 0;
  const target = hasTarget ? duckdbRelation(targetSource) : null;
  const micros = Math.round(p.hours * 3_600_000_000);
  // The cursor: the newest time loaded, or just before the first staged row when nothing is.
  const cursorSql = `coalesce(${target ? `(SELECT max(${t}) FROM ${target} WHERE ${where})` : 'NULL'},
    (SELECT min(${t}) FROM ${source} WHERE ${where}) - INTERVAL 1 MICROSECOND)`;
  const window = await ctx.ws.duck.query(
    `WITH c AS (SELECT ${cursorSql} AS cur)
     SELECT CAST(cur AS VARCHAR), CAST(cur + to_microseconds(${micros}) AS VARCHAR),
       (SELECT count(*) FROM ${source} WHERE ${where} AND ${t} > cur AND ${t} <= cur + to_microseconds(${micros}))
     FROM c`,
  );
  const [from, to, n] = window.rows[0] as [string | null, string | null, number | bigint];
  const rows = Number(n);
  if (from === null || to === null || rows === 0) {
    const message = `empty load: no rows of ${p.source} after ${from ?? 'the start'} within ${p.hours} h`;
    ctx.log('warn', message);
    return { outcome: 'WARNING' as const, message, detail: { rows: 0, from, to } };
  }
  const file = ctx.ws.tempPath('-load.parquet');
  try {
    const slice = `SELECT * FROM ${source} WHERE ${where} AND ${t} > CAST(${quoteLiteral(from)} AS TIMESTAMP)
      AND ${t} <= CAST(${quoteLiteral(to)} AS TIMESTAMP)`;
    const all = target ? `SELECT * FROM ${target} UNION ALL BY NAME ${slice}` : slice;
    await ctx.ws.duck.run(`COPY (${all}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    const info = await importDataset(ctx.ws, ctx.principal, ctx.projectKey, p.target, {
      filePath: file,
      fileName: `${p.target}.parquet`,
      format: 'parquet',
    });
    ctx.log('info', `${p.target}: ${rows} rows of ${p.source} in (${from}, ${to}] appended`);
    return {
      message: `${rows} rows loaded`,
      detail: { rows, from, to, rowCount: info.rowCount ?? null },
    };
  } finally {
    rmSync(file, { force: true });
  }
}
