// The work behind `llano analytics …` (analytics.ts): loaded only when one of them runs, so that
// other commands and `--help` do not load DuckDB or the algorithms.
import path from 'node:path';
import type { Command } from 'commander';
import { CHANGE_POINT_METHODS, COST_KINDS, NOISE_MODELS, parsePenalty } from '../../analytics/index.js';
import { badRequest } from '../../common/errors.js';
import {
  asBadRequest,
  changePointReport,
  outlierJson,
  outlierScores,
  DEFAULT_OUTLIER_METHOD,
  OUTLIER_METHODS,
  trendReport,
  type ChangePointRequest,
} from '../../engine/column-analyses.js';
import type { DuckDb } from '../../engine/duckdb.js';
import { withClient, projectOf } from '../command-kit.js';
import { formatJson, type CliIo } from '../io.js';
import { readSmallCsvColumn } from '../small-csv-column.js';

// Flags are checked by hand, not with zod: loading zod would be a third of this command's start-up.
type Flags = Record<string, string | undefined>;

/** A flag that must be one of `allowed` (default `fallback`). */
function choice<T extends string>(raw: Flags, key: string, allowed: readonly T[], fallback: T): T {
  const value = raw[key] ?? fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw badRequest(`--${flagName(key)}: expected one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** An optional number flag; `integer` asks for a whole number ≥ 1, otherwise any number ≥ 0. */
function numberFlag(raw: Flags, key: string, integer: boolean): number | undefined {
  if (raw[key] === undefined) return undefined;
  const n = Number(raw[key]);
  const ok = integer ? Number.isInteger(n) && n >= 1 : Number.isFinite(n) && n >= 0;
  if (raw[key].trim() === '' || !ok)
    throw badRequest(
      `--${flagName(key)}: expected ${integer ? 'a whole number ≥ 1' : 'a number ≥ 0'}, not "${raw[key]}"`,
    );
  return n;
}

/** A flag that, when given, is not empty. */
function textFlag(raw: Flags, key: string): string | undefined {
  if (raw[key] === '') throw badRequest(`--${flagName(key)}: must not be empty`);
  return raw[key];
}

const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function changePointFlags(raw: Flags): ChangePointRequest {
  const noiseScale = numberFlag(raw, 'noiseScale', false);
  if (noiseScale === 0) throw badRequest('--noise-scale: expected a number > 0, not "0"');
  const maxChanges = raw.maxChanges === undefined ? undefined : Number(raw.maxChanges);
  if (maxChanges !== undefined && (raw.maxChanges?.trim() === '' || !Number.isInteger(maxChanges) || maxChanges < 0))
    throw badRequest(`--max-changes: expected a whole number ≥ 0, not "${raw.maxChanges}"`);
  return {
    column: textFlag(raw, 'column') ?? '',
    time: textFlag(raw, 'time'),
    method: choice(raw, 'method', [...CHANGE_POINT_METHODS, 'bocpd'] as const, 'auto'),
    cost: choice(raw, 'cost', COST_KINDS, 'mean'),
    penalty: (() => {
      try {
        return parsePenalty(raw.penalty ?? 'mbic');
      } catch (err) {
        throw badRequest((err as Error).message);
      }
    })(),
    minSize: numberFlag(raw, 'minSize', true),
    noiseScale,
    noiseModel: choice(raw, 'noiseModel', NOISE_MODELS, 'long-run'),
    maxChanges,
  };
}

function outlierFlags(raw: Flags) {
  // `--column` like the sibling commands; `--columns` for a list. Either may name several, comma-separated.
  const columns = [textFlag(raw, 'column'), textFlag(raw, 'columns')].filter((c) => c !== undefined).join(',');
  if (!columns) throw badRequest('outliers needs the numeric column(s) to score: --column NAME or --columns A,B');
  return {
    columns,
    group: textFlag(raw, 'group'),
    time: textFlag(raw, 'time'),
    method: choice(raw, 'method', OUTLIER_METHODS, DEFAULT_OUTLIER_METHOD),
    threshold: numberFlag(raw, 'threshold', false),
    format: choice(raw, 'format', ['json', 'csv'] as const, 'json'),
  };
}

const trendFlags = (raw: Flags) => ({ column: textFlag(raw, 'column') ?? '', time: textFlag(raw, 'time') });

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Runs `fn` with a fresh in-memory DuckDB, opened (and its native module loaded) on first use
 * only, and turns analytics input errors into bad requests.
 */
async function withLazyEngine<T>(fn: (engine: () => Promise<DuckDb>) => Promise<T>): Promise<T> {
  let opened: Promise<DuckDb> | undefined;
  const engine = () =>
    (opened ??= import('../../engine/duckdb.js').then(({ DuckDb }) => DuckDb.open(':memory:', { threads: 1 })));
  try {
    return await asBadRequest(() => fn(engine));
  } finally {
    if (opened) await (await opened).close();
  }
}

/** Runs `fn` with a fresh in-memory DuckDB and turns analytics input errors into bad requests. */
const withEngine = <T>(fn: (db: DuckDb) => Promise<T>): Promise<T> =>
  withLazyEngine(async (engine) => fn(await engine()));

/**
 * Where the rows come from: a local FILE, or with `--dataset D` a dataset of the project
 * (`--project P`), analysed by the server (POST /api/projects/P/analytics/KIND; with --url a
 * running server, else the workspace in-process). Returns the server's answer, or null for a file.
 */
export async function viaServer<T>(
  io: CliIo,
  cmd: Command,
  file: string | undefined,
  raw: Flags,
  kind: string,
  body: Record<string, unknown>,
): Promise<T | null> {
  const dataset = textFlag(raw, 'dataset');
  if (dataset !== undefined && file !== undefined)
    throw badRequest('give either a FILE or --dataset NAME (with --project KEY), not both');
  if (dataset === undefined) {
    if (file === undefined) throw badRequest('name a FILE to analyse, or --dataset NAME with --project KEY');
    return null;
  }
  return withClient(io, cmd, (client, opts) =>
    client.request<T>('POST', `/api/projects/${projectOf(io, opts)}/analytics/${kind}`, { dataset, ...body }),
  );
}

/** `llano analytics changepoints`: change points of one column, as JSON. */
export async function changePoints(io: CliIo, file: string | undefined, raw: Flags, cmd: Command): Promise<void> {
  const request = changePointFlags(raw);
  const remote = await viaServer(io, cmd, file, raw, 'changepoints', { ...request });
  if (remote) {
    io.out(formatJson(remote));
    return;
  }
  await withLazyEngine(async (engine) => {
    const source = path.resolve(io.cwd, file!);
    // A small plain CSV needs no engine (small-csv-column.ts); rows ordered by --time are DuckDB's to order.
    const quick = request.time === undefined ? readSmallCsvColumn(source, request.column) : null;
    io.out(formatJson(await changePointReport(engine, source, request, quick)));
  });
}

/** `llano analytics outliers`: a score and flag per row, as JSON or CSV. */
export async function outliers(io: CliIo, file: string | undefined, raw: Flags, cmd: Command): Promise<void> {
  const flags = outlierFlags(raw);
  const request = {
    columns: splitList(flags.columns),
    group: flags.group ? splitList(flags.group) : [],
    time: flags.time,
    method: flags.method,
    threshold: flags.threshold,
  };
  const answer =
    (await viaServer<ReturnType<typeof outlierJson>>(io, cmd, file, raw, 'outliers', request)) ??
    (await withEngine(async (db) =>
      outlierJson(flags.method, await outlierScores(db, path.resolve(io.cwd, file!), request)),
    ));
  if (flags.format === 'csv') {
    const lines = ['row,score,flag'];
    for (const r of answer.rows) lines.push(`${r.row},${r.score ?? ''},${r.flag ? 'true' : 'false'}`);
    io.out(lines.join('\n') + '\n');
  } else io.out(formatJson(answer));
}

/** `llano analytics trend`: Mann–Kendall and Theil–Sen, as JSON. */
export async function trend(io: CliIo, file: string | undefined, raw: Flags, cmd: Command): Promise<void> {
  const request = trendFlags(raw);
  const answer =
    (await viaServer(io, cmd, file, raw, 'trend', request)) ??
    (await withEngine((db) => trendReport(db, path.resolve(io.cwd, file!), request)));
  io.out(formatJson(answer));
}
