// The work behind `llano analytics anomalies` (analytics.ts), loaded only when it runs.
import path from 'node:path';
import { AnalyticsInputError, createAnomalyLikelihood } from '../../analytics/index.js';
import { badRequest } from '../../common/errors.js';
import { readColumnsAsJson, readNumericColumns } from '../../engine/column-reader.js';
import { DuckDb } from '../../engine/duckdb.js';
import type { CliIo } from '../io.js';

type Flags = Record<string, string | undefined>;

function anomalyFlags(raw: Flags) {
  const column = raw.column ?? '';
  if (!column) throw badRequest('--column: must name the numeric column to score');
  if (raw.time === '') throw badRequest('--time: must not be empty');
  const format = raw.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw badRequest(`--format: expected one of csv, json, not "${format}"`);
  const rateText = raw.falseAlarmRate ?? '0.0001';
  const falseAlarmRate = Number(rateText);
  if (rateText.trim() === '' || !(falseAlarmRate > 0 && falseAlarmRate <= 0.5))
    throw badRequest(`--false-alarm-rate: expected a number in (0, 0.5] (alarms per point), not "${rateText}"`);
  return { column, time: raw.time, format, falseAlarmRate };
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : `${v as string}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * `llano analytics anomalies`: one line per row (in --time order) with the anomaly likelihood
 * and the alarm flag, each row scored with the rows before it only. Rows whose value is missing
 * are printed with an empty score and are not fed to the detector.
 */
export async function anomalies(io: CliIo, file: string, raw: Record<string, string>): Promise<void> {
  const flags = anomalyFlags(raw);
  const source = path.resolve(io.cwd, file);
  const db = await DuckDb.open(':memory:', { threads: 1 });
  try {
    const read = await readNumericColumns(db, source, [flags.column], { orderBy: flags.time });
    const values = read.values[flags.column];
    const times = flags.time
      ? (await readColumnsAsJson(db, source, [flags.time], { orderBy: flags.time }))[flags.time]
      : null;
    const detector = createAnomalyLikelihood({ falseAlarmRate: flags.falseAlarmRate });
    const lines: string[] = [];
    if (flags.format === 'csv')
      lines.push(['row', ...(times ? [flags.time] : []), 'value', 'score', 'alarm'].join(','));
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const step = Number.isFinite(value) ? detector.update(value) : null;
      const score = step ? step.score : null;
      const alarm = step ? step.alarm : false;
      if (flags.format === 'csv') {
        const cells = [i, ...(times ? [times[i]] : []), step ? value : '', score ?? '', alarm];
        lines.push(cells.map(csvCell).join(','));
      } else {
        const row = { row: i, ...(times ? { time: times[i] } : {}), value: step ? value : null, score, alarm };
        lines.push(JSON.stringify(row));
      }
    }
    io.out(lines.join('\n') + '\n');
  } catch (err) {
    if (err instanceof AnalyticsInputError) throw badRequest(err.message);
    throw err;
  } finally {
    await db.close();
  }
}
