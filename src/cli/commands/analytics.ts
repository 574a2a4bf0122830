import type { Command } from 'commander';
import { COST_KINDS } from '../../analytics/changepoint/costs.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from './index.js';

const DATASET_FLAG = '--dataset <name>';
const DATASET_HELP = 'analyse this dataset of the project (--project KEY) in the server instead of a FILE';

/** The commands' work, loaded when one runs (DuckDB and the algorithms are not needed for `--help`). */
const actions = () => import('./analytics-actions.js');

/** `llano analytics …`: change points, outliers and trends of a CSV or Parquet column. */
export const analyticsCommands: CommandModule = (program, io: CliIo) => {
  const analytics = program
    .command('analytics')
    .description(
      'Change points, outliers and trends of columns in a CSV or Parquet file, or of a dataset (--dataset NAME --project KEY, computed by the server)',
    );

  analytics
    .command('changepoints [file]')
    .description('Change points of one column (JSON: changepoints, segments)')
    .requiredOption('--column <name>', 'numeric column')
    .option('--time <name>', 'order rows by this column and report its value at each change')
    .option(
      '--method <method>',
      'auto (FPOP for the mean cost, PELT otherwise), pelt, fpop, binseg, optimal-partitioning or bocpd (its own model: no --cost or --penalty); the output names the one that ran',
      'auto',
    )
    .option('--cost <cost>', COST_KINDS.join(', '), 'mean')
    .option('--penalty <penalty>', 'bic, mbic, aic, hq or a number', 'mbic')
    .option('--min-size <n>', 'minimum segment length (default 5)')
    .option('--noise-scale <x>', 'noise standard deviation in the column’s units (default: estimated)')
    .option('--noise-model <model>', 'long-run (trend- and autocorrelation-aware) or white', 'long-run')
    .option('--max-changes <n>', 'at most this many change points (any method)')
    .option(DATASET_FLAG, DATASET_HELP)
    .action(async (file: string | undefined, raw: Record<string, string>, cmd: Command) =>
      (await actions()).changePoints(io, file, raw, cmd),
    );

  analytics
    .command('outliers [file]')
    .description('Outlier score and flag of every row (optionally within groups)')
    .option('--column <name>', 'numeric column (or several, comma-separated)')
    .option('--columns <list>', 'comma-separated numeric columns (same as --column)')
    .option('--group <list>', 'comma-separated columns whose values form the group key')
    .option(
      '--time <name>',
      'score the rows in the order of this date, timestamp or numeric column (within each group); rows are printed in file order',
    )
    .option(
      '--method <method>',
      // No default here: the actions' DEFAULT_OUTLIER_METHOD (this file stays free of the engine's imports).
      'local (default: robust z against the running median, along the rows in file order, or --time order: holds with shifts and trends), mad (robust z of the whole column: for rows in no series order), iqr, iforest or lof',
    )
    .option('--threshold <x>', 'flag threshold (defaults: mad and local 3.5, iqr 1.5, iforest 0.6, lof 1.5)')
    .option('--format <format>', 'json or csv', 'json')
    .option(DATASET_FLAG, DATASET_HELP)
    .action(async (file: string | undefined, raw: Record<string, string>, cmd: Command) =>
      (await actions()).outliers(io, file, raw, cmd),
    );

  analytics
    .command('trend [file]')
    .description('Mann–Kendall test and Theil–Sen slope of one column')
    .requiredOption('--column <name>', 'numeric column')
    .option('--time <name>', 'numeric, date or timestamp column (dates count in days); default: row number')
    .option(DATASET_FLAG, DATASET_HELP)
    .action(async (file: string | undefined, raw: Record<string, string>, cmd: Command) =>
      (await actions()).trend(io, file, raw, cmd),
    );

  analytics
    .command('anomalies [file]')
    .description(
      "Causal anomaly score in [0, 1] and alarm flag of every row (CSV, or JSON Lines). `row` is the row's 0-based position in the file (its line is row + 2 with the header), also with --time; an alarm names the row that caused it (cause_row, its time and value)",
    )
    .requiredOption('--column <name>', 'numeric column')
    .option(
      '--time <name>',
      'score the rows in the order of this column and print it (rows keep their file position in `row`)',
    )
    .option('--format <format>', 'csv or json (one JSON object per line)', 'csv')
    .option('--false-alarm-rate <rate>', 'target false alarms per point on normal data', '0.0001')
    .option(
      '--probation <rows>',
      'first rows that only learn the series: scored 0.5, never an alarm (lower it for short files)',
      '400',
    )
    .option(
      '--period <rows>',
      'the cycle the scores allow for, in rows: auto (looked for in the probation), 0 for none, or a number',
      'auto',
    )
    .option(DATASET_FLAG, DATASET_HELP)
    .action(async (file: string | undefined, raw: Record<string, string>, cmd: Command) =>
      (await import('./analytics-anomalies.js')).anomalies(io, file, raw, cmd),
    );
};
