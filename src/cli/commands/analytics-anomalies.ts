// The work behind `llano analytics anomalies` (analytics.ts), loaded only when it runs.
import path from 'node:path';
import type { Command } from 'commander';
import { badRequest } from '../../common/errors.js';
import { anomalyRows, asBadRequest, type AnomalyRow } from '../../engine/column-analyses.js';
import { DuckDb } from '../../engine/duckdb.js';
import type { CliIo } from '../io.js';
import { viaServer } from './analytics-actions.js';

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
  const probationText = raw.probation ?? '400';
  const probation = Number(probationText);
  if (!/^\d+$/.test(probationText.trim()) || !Number.isSafeInteger(probation))
    throw badRequest(`--probation: expected a whole number of rows, not "${probationText}"`);
  const periodText = (raw.period ?? 'auto').trim();
  const period: number | 'auto' = periodText === 'auto' ? 'auto' : Number(periodText);
  if (period !== 'auto' && (!/^\d+$/.test(periodText) || period === 1 || period > 100_000))
    throw badRequest(
      `--period: expected auto, 0 (no cycle) or a whole number of rows from 2 to 100000, not "${periodText}"`,
    );
  return { column, time: raw.time, format, falseAlarmRate, probation, period };
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : `${v as string}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * `llano analytics anomalies`: one line per row (in --time order) with the anomaly likelihood
 * and the alarm flag, each row scored with the rows before it only. `row` is the row's 0-based
 * position in the input file (its line is `row` + 2 with the header), also with --time. An alarm
 * names the row that caused it (`cause_row`, its time and value): the alarm row itself for an
 * isolated spike, or an earlier row of the recent window when the alarm could only be known a few
 * rows later (a step). Rows whose value is missing are printed with an empty score and are not
 * fed to the detector. With `--dataset D` the server scores a dataset of the project (see
 * analytics-actions.ts `viaServer`).
 */
export async function anomalies(io: CliIo, file: string | undefined, raw: Record<string, string>, cmd: Command) {
  const flags = anomalyFlags(raw);
  const request = {
    column: flags.column,
    time: flags.time,
    falseAlarmRate: flags.falseAlarmRate,
    probation: flags.probation,
    period: flags.period,
  };
  const remote = await viaServer<{ rows: AnomalyRow[] }>(io, cmd, file, raw, 'anomalies', request);
  let rows: AnomalyRow[];
  if (remote) rows = remote.rows;
  else {
    const db = await DuckDb.open(':memory:', { threads: 1 });
    try {
      rows = await asBadRequest(() => anomalyRows(db, path.resolve(io.cwd, file!), request));
    } finally {
      await db.close();
    }
  }
  const lines: string[] = [];
  if (flags.format === 'csv') {
    const time = flags.time ? [flags.time] : [];
    const causeTime = flags.time ? [`cause_${flags.time}`] : [];
    lines.push(
      ['row', ...time, 'value', 'score', 'alarm', 'cause_row', ...causeTime, 'cause_value'].map(csvCell).join(','),
    );
    for (const r of rows) {
      const c = r.cause;
      lines.push(
        [
          r.row,
          ...(flags.time ? [r.time] : []),
          r.value ?? '',
          r.score ?? '',
          r.alarm,
          c?.row ?? '',
          ...(flags.time ? [c?.time ?? ''] : []),
          c?.value ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    }
  } else for (const r of rows) lines.push(JSON.stringify(r));
  io.out(lines.join('\n') + '\n');
  // A short file is all probation: every score 0.5 and no alarm, which looks like a result.
  const scored = rows.filter((r) => r.score !== null).length;
  if (scored > 0 && scored <= flags.probation)
    io.err(
      `Note: all ${scored} scored rows are in the probation (the first ${flags.probation} rows only learn the series): ` +
        `no alarm is possible. Lower it for a short file, e.g. --probation ${Math.max(10, Math.floor(scored / 4))}.\n`,
    );
}
