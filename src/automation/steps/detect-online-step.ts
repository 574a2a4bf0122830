import { z } from 'zod';
import { analyticsErrorAsBadRequest, detectOnline, validateOnlineDetection } from '../online-detection.js';
import { defineStep } from './define-step.js';

const column = z.string().min(1).max(200);

/**
 * Scores the rows added to a dataset since the last run with per-series online anomaly
 * detectors (state kept in the catalog), appends their alarms to a dataset, and fails or warns
 * the run on an alarm so that its reporters fire. Rows arriving after a newer row of their series
 * was scored (late rows) are skipped, logged, counted in the detail (`lateRows`) and warn the run.
 */
export const detectOnlineStep = defineStep('detect-online', {
  label: 'Detect anomalies online',
  params: z.object({
    dataset: z.string().min(1).describe('Dataset whose new rows to score'),
    groupBy: z.array(column).default([]).describe('Columns whose values name a series (e.g. antenna, band)'),
    orderBy: column.describe(
      "Time (or sequence) column: rows are scored in its order, each series once per row; a row older than its series' last scored row is late: counted, not scored",
    ),
    column: column.describe('Numeric column to score'),
    output: z
      .string()
      .min(1)
      .describe(
        'Dataset the alarms are appended to (created on the first run), with the row that caused each (cause_<orderBy>, cause_<column>)',
      ),
    resetDataset: z
      .string()
      .min(1)
      .optional()
      .describe("Events that start a series over (e.g. device changes): the detector forgets the series' past"),
    resetKeys: z
      .array(column)
      .optional()
      .describe('Columns of the reset dataset matching groupBy, in the same order (default: the same names)'),
    resetTime: column.optional().describe('Time column of the reset dataset (default: the orderBy name)'),
    falseAlarmRate: z
      .number()
      .min(1e-12)
      .max(0.5)
      .default(1e-4)
      .describe('Target false alarms per row on normal data; lower is quieter and slower to alarm'),
    onAlarm: z
      .enum(['fail', 'warn', 'ignore'])
      .default('warn')
      .describe('What a new alarm does to the run: fail it, make it WARNING, or only record the alarm'),
  }),
  examples: [
    {
      title: 'Watch receiver temperatures per antenna and band, starting over at each cartridge swap',
      params: {
        dataset: 'trec',
        groupBy: ['antenna', 'band'],
        orderBy: 'ts',
        column: 'trec_x',
        output: 'trec_alarms',
        resetDataset: 'cartridge_swaps',
        resetTime: 'swapped_at',
        onAlarm: 'warn',
      },
    },
  ],
  validate: (ctx, p) => validateOnlineDetection(ctx.ws, ctx.projectKey, p),
  async run(ctx, p) {
    const result = await detectOnline(
      ctx.ws,
      ctx.principal,
      { projectKey: ctx.projectKey, scenarioId: ctx.scenarioId, runId: ctx.runId },
      p,
      (m) => ctx.log('info', m),
    ).catch((err: unknown) => {
      throw analyticsErrorAsBadRequest(err);
    });
    const { alarms } = result;
    for (const a of alarms.slice(0, 20)) {
      const cause = a.cause && a.cause.at !== a.at ? `, caused by ${a.cause.at} ${p.column} = ${a.cause.value}` : '';
      ctx.log(
        'warn',
        `alarm: ${[...a.series, a.at].join(' ')} ${p.column} = ${a.value} (score ${a.score.toFixed(6)}${cause})`,
      );
    }
    ctx.log(
      'info',
      `${result.rowsFed} new rows in ${result.series} series, ${result.resets} resets, ${alarms.length} alarms → ${p.output}` +
        (result.lateRows ? `, ${result.lateRows} late rows not scored` : ''),
    );
    const detail = {
      series: result.series,
      rows: result.rowsFed,
      resets: result.resets,
      alarms: alarms.length,
      lateRows: result.lateRows,
    };
    const messages: string[] = [];
    if (alarms.length > 0 && p.onAlarm !== 'ignore') {
      const message = `${alarms.length} alarm${alarms.length > 1 ? 's' : ''} in ${p.dataset}.${p.column} (see ${p.output})`;
      if (p.onAlarm === 'fail') throw new Error(message);
      messages.push(message);
    }
    // Late rows are never scored: the run says so whatever onAlarm is, or they would go unnoticed.
    if (result.lateRows > 0)
      messages.push(
        `${result.lateRows} late row${result.lateRows > 1 ? 's' : ''} in ${result.lateSeries} series not scored (see the log)`,
      );
    if (messages.length === 0) return { detail };
    return { outcome: 'WARNING', message: messages.join('; '), detail };
  },
});
