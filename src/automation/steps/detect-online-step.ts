import { z } from 'zod';
import { analyticsErrorAsBadRequest, detectOnline, validateOnlineDetection } from '../online-detection.js';
import { defineStep } from './define-step.js';

const column = z.string().min(1).max(200);

/**
 * Scores the rows added to a dataset since the last run with per-series online anomaly
 * detectors (state kept in the catalog), appends their alarms to a dataset, and fails or warns
 * the run on an alarm so that its reporters fire. Rows arriving after a newer row of their series
 * was scored (late rows) are scored against the detector as it stands (not learned from), written
 * to the output with `late` true and their `alarm` flag, and counted in the message and the detail
 * (`lateRows`, `lateAlarms`); a late alarm counts as an alarm.
 */
export const detectOnlineStep = defineStep('detect-online', {
  label: 'Detect anomalies online',
  params: z.object({
    dataset: z.string().min(1).describe('Dataset whose new rows to score'),
    groupBy: z.array(column).default([]).describe('Columns whose values name a series (e.g. antenna, band)'),
    orderBy: column.describe(
      "Time (or sequence) column: rows are learned from in its order, each series once per row; a row older than its series' last one fed is late: scored against the detector as it stands, not learned from, and written to the output with late = true",
    ),
    column: column.describe('Numeric column to score'),
    output: z
      .string()
      .min(1)
      .describe(
        'Dataset the alarms and late rows are appended to (created on the first run), with the row that caused each alarm (cause_<orderBy>, cause_<column>) and the flags alarm and late',
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
      { projectKey: ctx.projectKey, scenarioId: ctx.scenarioId, runId: ctx.runId, signal: ctx.signal },
      p,
      (m) => ctx.log('info', m),
    ).catch((err: unknown) => {
      throw analyticsErrorAsBadRequest(err);
    });
    const alarms = [...result.alarms, ...result.late.filter((r) => r.alarm)];
    for (const a of alarms.slice(0, 20)) {
      const cause = a.cause && a.cause.at !== a.at ? `, caused by ${a.cause.at} ${p.column} = ${a.cause.value}` : '';
      ctx.log(
        'warn',
        `${a.late ? 'late row alarm' : 'alarm'}: ${[...a.series, a.at].join(' ')} ${p.column} = ${a.value} ` +
          `(score ${a.score!.toFixed(6)}${cause})`,
      );
    }
    const late = result.late.length;
    ctx.log(
      'info',
      `${result.rowsFed} new rows in ${result.series} series, ${result.resets} resets, ${result.alarms.length} alarms → ${p.output}`,
    );
    const detail = {
      series: result.series,
      rows: result.rowsFed,
      resets: result.resets,
      alarms: alarms.length,
      lateRows: late,
      lateAlarms: alarms.length - result.alarms.length,
      skipped: result.skipped,
    };
    const messages: string[] = [];
    if (alarms.length > 0 && p.onAlarm !== 'ignore') {
      const lateAlarms = detail.lateAlarms > 0 ? `, ${detail.lateAlarms} on late rows` : '';
      const message = `${alarms.length} alarm${alarms.length > 1 ? 's' : ''} in ${p.dataset}.${p.column}${lateAlarms} (see ${p.output})`;
      if (p.onAlarm === 'fail') throw new Error(message);
      messages.push(message);
    }
    if (late > 0) messages.push(`${late} late row${late > 1 ? 's' : ''} scored (see ${p.output})`);
    if (messages.length === 0) return { detail };
    // Late rows alone do not warn the run: they were scored; the message says how many.
    if (alarms.length === 0 || p.onAlarm === 'ignore') return { message: messages.join('; '), detail };
    return { outcome: 'WARNING', message: messages.join('; '), detail };
  },
});
