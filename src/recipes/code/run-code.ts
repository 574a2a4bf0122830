import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest, LlanoError } from '../../common/errors.js';
import { quoteLiteral } from '../../common/names.js';
import { engineError } from '../../engine/engine-errors.js';
import { copySelectToParquet, describeRelation } from '../../engine/parquet-output.js';
import { duckdbRelation, type TableSource } from '../../engine/table-source.js';
import {
  runInSandbox,
  sandboxLimits,
  SandboxError,
  warmSandboxes,
  type SandboxLimits,
  type SandboxSpec,
} from '../../sandbox/index.js';
import type { LogStream } from '../../sandbox/types.js';
import type {
  FingerprintMemo,
  RecipeBase,
  RecipeContext,
  RecipePreview,
  RecipeResult,
  RecipeTarget,
} from '../recipe-type.js';
import { duckInputs } from '../run-sql.js';
import { environmentInterpreter, recipeEnvironment, type CodeRecipeLanguage } from './code-environments.js';
import { OutputAdopter } from './adopt-parquet-output.js';
import { LIBRARY_FOLDER, writeLibraryFiles } from './code-libraries.js';
import { codeRecipeFingerprint, recipeLibraries, type CodeFingerprint } from './code-fingerprint.js';
import { outputFilesRelation, parquetInputCopy, type OutputFile } from './parquet-transfer.js';
import { uncompressedParquetCopy, uncompressedParquetParts } from './parquet-uncompressed-copy.js';
import { outputMismatch } from './output-mismatch.js';
import { PYTHON_RECIPE_ENTRY } from './python-recipe-entry.js';
import { R_RECIPE_ENTRY } from './r-recipe-entry.js';
import {
  transferFormat,
  type CodeColumn,
  type HarnessConfig,
  type HarnessResult,
  type TransferFormat,
} from './ts-recipe-entry.js';

/** A code recipe as stored: the common fields and the code recipe parameters. */
export interface CodeRecipe extends RecipeBase {
  code: string;
  limits?: { memoryMb?: number; wallSeconds?: number };
  outputSchema?: CodeColumn[];
  environment?: string;
}

/**
 * The languages' files. How data crosses (see `InputFormat`, `outputRelation`): uncompressed
 * Parquet where the columns allow, for TypeScript always and for Python code using pandas; else
 * CSV with a NULL marker (see `inputNullText`), read with the column types sent alongside (TypeScript: a column-wise
 * parser in the harness; Python: csv module, pandas.read_csv; R: read.csv), and NDJSON for
 * TypeScript when a column is a list, struct, map or JSON, whose values are objects in the code.
 * DuckDB reads the output back with its schema, in parallel.
 */
const LANGUAGE = {
  typescript: { label: 'TypeScript', code: 'recipe.ts', entry: 'entry.ts', fn: 'runRecipe' },
  python: { label: 'Python', code: 'recipe.py', entry: 'recipe_entry.py', fn: 'run_recipe' },
  r: { label: 'R', code: 'recipe.R', entry: 'recipe_entry.R', fn: 'run_recipe' },
} as const;

const NULL_TEXT = '\\N';
/**
 * Rows per batch of TypeScript's columnar path: DuckDB's row group size, so that each row group
 * of a dataset DuckDB wrote (handed to the code as it is) is one batch, not cut in two by copies.
 */
const BATCH_ROWS = 122_880;

/**
 * Whether Python code likely uses pandas (its columnar API, pyarrow's or polars' made from it, or the package): its process is then
 * one that imported pandas while waiting. Plain row code starts in a process without it, since
 * importing pandas costs 0.5 to 2 s (see `python3 -X importtime`) that row code never needs.
 */
const usesPandas = (code: string) => /\b(pandas|to_pandas|write_frame|to_arrow|to_polars|pyarrow|polars)\b/.test(code);

/** The TypeScript harness file (src/*.ts when run from sources, dist/*.js when built), bundled into each run's entry. */
function typescriptHarness(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ts = path.join(here, 'ts-recipe-entry.ts');
  return existsSync(ts) ? ts : path.join(here, 'ts-recipe-entry.js');
}

function writeEntry(language: CodeRecipeLanguage, workDir: string): string {
  const entry = path.join(workDir, LANGUAGE[language].entry);
  if (language === 'python') writeFileSync(entry, PYTHON_RECIPE_ENTRY);
  else if (language === 'r') writeFileSync(entry, R_RECIPE_ENTRY);
  else
    writeFileSync(
      entry,
      [
        `import run from './${LANGUAGE.typescript.code}';`,
        `import { runRecipeWith } from ${JSON.stringify(typescriptHarness())};`,
        `export const runRecipe = (config) => runRecipeWith(run, config);`,
        '',
      ].join('\n'),
    );
  return entry;
}

/**
 * How an input reaches the code. Parquet when the columns allow (see parquet-transfer.ts):
 * TypeScript reads it in its harness, Python code using pandas decodes it with numpy. Python row
 * code keeps CSV, read without importing numpy (100 ms or more), as `quoted-csv`: its csv module
 * cannot tell a quoted "\N" from the NULL marker, so every value is quoted and NULL is an
 * unquoted nan, which csv.QUOTE_NONNUMERIC reads as a float: text stays text whatever it holds.
 */
type InputFormat = TransferFormat | 'quoted-csv';

/** DuckDB's COPY options of each text format; `nullText` is CSV's NULL marker. */
const TEXT_OPTIONS: Record<Exclude<InputFormat, 'parquet'>, (nullText: string) => string> = {
  csv: (nullText) => `FORMAT csv, HEADER, NULLSTR ${quoteLiteral(nullText)}`,
  'quoted-csv': () => `FORMAT csv, HEADER, NULLSTR 'nan', FORCE_QUOTE *`,
  ndjson: () => 'FORMAT json',
};

/**
 * CSV's NULL marker for an input. TypeScript's parser tells a quoted "\N" (text) from the bare
 * marker; pandas' and R's CSV readers take both for NULL, so theirs is a marker no value holds
 * (\N and random letters, new for every export), given to the harness as `nullText`.
 */
const inputNullText = (language: CodeRecipeLanguage): string =>
  language === 'typescript' ? NULL_TEXT : `${NULL_TEXT}${randomBytes(9).toString('base64url')}`;

/**
 * The input files handed to the code (`nullText`: the NULL marker of a CSV file; `parts`: the
 * Parquet part files of `rows` rows in all that the server writes while the code reads them).
 */
type InputFiles = Record<
  string,
  { path: string; columns: CodeColumn[]; format: InputFormat; nullText?: string; parts?: string[]; rows?: number }
>;

/**
 * Copies each input (all rows, or the first `sampleRows`) to a file of the language's format;
 * answers their columns. With `streaming` (a run whose code is called while the copies go on), a
 * dataset's own files are handed in parts the code reads as they are written: each such copy is
 * pushed to `copying` (`streaming` aborts them).
 */
async function exportInputs(
  conn: DuckDBConnection,
  ctx: RecipeContext,
  sources: Record<string, TableSource>,
  language: CodeRecipeLanguage,
  inDir: string,
  sampleRows: number | undefined,
  columnar: boolean,
  streaming: AbortSignal | null,
  copying: Promise<void>[],
): Promise<{ inputs: InputFiles }> {
  const inputs: InputFiles = {};
  for (const [name, source] of Object.entries(sources)) {
    const relation = duckdbRelation(source);
    const columns = await describeRelation(conn, relation);
    const limit = sampleRows === undefined ? '' : ` LIMIT ${sampleRows}`;
    const parquetFile = path.join(inDir, `${name}.parquet`);
    // Every row of a managed dataset whose files the readers read: its pages uncompressed, no export.
    const readable =
      sampleRows === undefined &&
      source.kind === 'parquet' &&
      (language === 'typescript' || (language === 'python' && columnar));
    const parts =
      readable && streaming ? uncompressedParquetParts(source.paths, columns, parquetFile, streaming) : null;
    if (parts) {
      copying.push(parts.done);
      inputs[name] = { path: parquetFile, columns, format: 'parquet', parts: parts.parts, rows: parts.rows };
      ctx.log(
        `Input ${name}: ${columns.length} columns handed to the code as Parquet (its own file, uncompressed in ${parts.parts.length} parts while the code reads them)`,
      );
      continue;
    }
    const handed = readable && (await uncompressedParquetCopy(source.paths, columns, parquetFile));
    if (handed) {
      inputs[name] = { path: parquetFile, columns, format: 'parquet' };
      ctx.log(`Input ${name}: ${columns.length} columns handed to the code as Parquet (its own file, uncompressed)`);
      continue;
    }
    // TypeScript's row groups are its batches (no copy to cut them).
    const parquet =
      language === 'typescript'
        ? parquetInputCopy(relation, columns, limit, parquetFile, { rowGroupRows: BATCH_ROWS, unsigned: false })
        : language === 'python' && columnar
          ? parquetInputCopy(relation, columns, limit, parquetFile)
          : null;
    if (parquet) {
      await conn.run(parquet);
      inputs[name] = { path: parquetFile, columns, format: 'parquet' };
    } else {
      const format =
        language === 'typescript' ? transferFormat(columns) : language === 'python' && !columnar ? 'quoted-csv' : 'csv';
      const file = path.join(inDir, `${name}.${format === 'ndjson' ? 'ndjson' : 'csv'}`);
      const nullText = inputNullText(language);
      await conn.run(
        `COPY (SELECT * FROM ${relation}${limit}) TO ${quoteLiteral(file)} (${TEXT_OPTIONS[format](nullText)})`,
      );
      inputs[name] = { path: file, columns, format, ...(format === 'csv' ? { nullText } : {}) };
    }
    ctx.log(
      `Input ${name}: ${columns.length} columns exported for the code${parquet ? ' as Parquet' : ''}${sampleRows ? ` (first ${sampleRows} rows)` : ''}`,
    );
  }
  return { inputs };
}

/** The relation that reads the code's output file with its schema (types as declared or inferred; NULLs kept). */
function outputRelation(file: string, result: HarnessResult): string {
  const { columns } = result;
  if (columns.length === 0)
    throw badRequest('The code wrote no columns: write at least one row, or declare outputSchema');
  const struct = `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  if (result.format === 'ndjson')
    return `read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = ${struct})`;
  // A quoted "\N" is the text \N, not NULL (the harnesses quote it; DuckDB does too).
  const csv = (csvFile: string) =>
    `read_csv(${quoteLiteral(csvFile)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = ${quoteLiteral(NULL_TEXT)}, allow_quoted_nulls = false, columns = ${struct})`;
  return outputFilesRelation(outputFiles(file, result), columns, csv);
}

/** The code's output files in the order of their rows: as the harness lists them, or its one file. */
function outputFiles(file: string, result: HarnessResult): OutputFile[] {
  return result.files ?? [{ path: file, format: result.format === 'parquet' ? 'parquet' : 'csv' }];
}

function limitsFor(ctx: RecipeContext, recipe: CodeRecipe): SandboxLimits {
  const project = requireProject(ctx);
  const limits = sandboxLimits(project.ws, recipe.limits ?? {});
  // A build or preview time limit (LLANO_BUILD_TIMEOUT_SECONDS, LLANO_QUERY_TIMEOUT_SECONDS) also bounds the code.
  const outer = ctx.limits?.timeoutMs;
  return outer
    ? { ...limits, wallSeconds: Math.max(1, Math.min(limits.wallSeconds, Math.ceil(outer / 1000))) }
    : limits;
}

function requireProject(ctx: RecipeContext) {
  if (!ctx.project) throw new Error('code recipes need their project in the recipe context');
  return ctx.project;
}

/** Why a run stopped, in words a user reads in the job log. */
function stopMessage(language: CodeRecipeLanguage, error: SandboxError, limits: SandboxLimits): string {
  const label = LANGUAGE[language].label;
  switch (error.outcome) {
    case 'memory':
      return `${label} recipe stopped: it exceeded its memory limit of ${limits.memoryMb} MB`;
    case 'timeout':
      return `${label} recipe stopped: it ran longer than its wall-time limit of ${limits.wallSeconds} s`;
    case 'cpu':
      return `${label} recipe stopped: it used more than its CPU-time limit of ${limits.cpuSeconds} s`;
    case 'exited':
      return `${label} recipe failed: the code ended its process (${error.message})`;
    case 'stopped':
      return `${label} recipe stopped: ${error.message}`;
    default:
      return `${label} recipe failed: ${error.message}`;
  }
}

interface CodeRun {
  workDir: string;
  outputFile: string;
  result: HarnessResult;
  log: string[];
  /** A build's: adopting the code's Parquet parts as the version's file since the code started (see adopt-parquet-output.ts). */
  adopter: OutputAdopter | null;
  /** The libraries and environment it ran with (see code-fingerprint.ts). */
  fingerprint: CodeFingerprint;
}

/**
 * Runs the recipe's code in the sandbox over files of its inputs: exports them with DuckDB,
 * writes the code, the harness and the project's libraries into a fresh work folder, calls the
 * harness and answers where the output is. The caller imports it and removes the folder. With
 * `targetPath` (a build), the code's Parquet parts are adopted as they come as that file's content,
 * while the code writes the next ones: the caller finishes (or discards) `adopter`.
 */
async function runCode(
  ctx: RecipeContext,
  recipe: CodeRecipe,
  language: CodeRecipeLanguage,
  sampleRows?: number,
  targetPath?: string,
): Promise<CodeRun> {
  const { ws, key } = requireProject(ctx);
  // Where the run's time goes, for the job log: the start overhead's parts (export, load, call).
  const phases: string[] = [];
  let mark = performance.now();
  const phase = (name: string, detail?: string) => {
    const now = performance.now();
    phases.push(`${name} ${Math.round(now - mark)} ms${detail ? ` (${detail})` : ''}`);
    mark = now;
  };
  const environment = await recipeEnvironment(ws, key, language, recipe.environment);
  // A venv or R library of the project: built here first when missing or out of date (its failure fails the recipe).
  const interpreter = await environmentInterpreter(ws, key, environment, (line) => ctx.log(line));
  const limits = limitsFor(ctx, recipe);
  phase('environment');
  // TypeScript and Python run in a process started ahead (see sandbox/warm.ts): start is a message.
  const warm =
    language === 'r'
      ? null
      : warmSandboxes(ws).take({
          language,
          // A recipe's own limits too: its next build finds a process of those limits waiting.
          limits: sandboxLimits(ws, recipe.limits ?? {}),
          entryName: LANGUAGE[language].entry,
          libraryName: LIBRARY_FOLDER,
          // With the harness's Parquet module: compiled from its source at each import (no bytecode is written), 10-15 ms.
          preload: language === 'python' && usesPandas(recipe.code) ? ['pandas', 'llano_parquet'] : undefined,
          python: interpreter.python,
        });
  const workDir = warm?.workDir ?? ctx.tempPath('-code');
  const inDir = path.join(workDir, 'in');
  mkdirSync(inDir, { recursive: true });
  const log: string[] = [];
  let started = false;
  // Inputs copied in parts while the code reads them (with a warm process: see exportInputs).
  const copying: Promise<void>[] = [];
  const stopCopies = new AbortController();
  let cleanupInputs = () => {};
  let adopter: OutputAdopter | null = null;
  try {
    const { inputs: sources, cleanup } = await duckInputs(ctx);
    cleanupInputs = cleanup;
    const streaming = warm ? stopCopies.signal : null;
    const { inputs } = await ctx.duck.withConnection((conn) =>
      exportInputs(conn, ctx, sources, language, inDir, sampleRows, usesPandas(recipe.code), streaming, copying).catch(
        (error: unknown) => {
          throw engineError(error);
        },
      ),
    );
    phase('inputs exported');
    const copyStart = performance.now();
    let copyMs = 0;
    const copyFailure: { error?: Error } = {};
    // Never rejects: a failed copy is `copyFailure.error`, which wins over what the code then did (it waited for a part).
    const copied = Promise.all(copying).then(
      () => void (copyMs = performance.now() - copyStart),
      (error: unknown) => {
        // Stopped by this run (the code failed first): the code's error is the reason, not the copy's.
        if (!stopCopies.signal.aborted) copyFailure.error = error instanceof Error ? error : new Error(String(error));
      },
    );
    writeFileSync(path.join(workDir, LANGUAGE[language].code), recipe.code);
    const entry = writeEntry(language, workDir);
    // Only the library files the code imports: the fingerprint signs those, so no other one may change the output.
    const fingerprints: FingerprintMemo = ctx.fingerprintMemo ?? new Map<string, Promise<unknown>>();
    const libraries = await recipeLibraries(ws, key, recipe.code, language, fingerprints);
    const lib = await writeLibraryFiles(ws, key, path.join(workDir, LIBRARY_FOLDER), libraries);
    const outputFile = path.join(workDir, 'output');
    const variables = {
      ...((await ws.catalog.objects.get<Record<string, unknown>>(key, 'variables', 'project'))?.body ?? {}),
      ...ctx.variables,
    };
    const config: Omit<HarnessConfig, 'inputs'> & { inputs: InputFiles; code: string; packages: string[] } = {
      code: path.join(workDir, LANGUAGE[language].code),
      inputs,
      output: { path: outputFile, columns: recipe.outputSchema ?? null },
      variables,
      batchRows: BATCH_ROWS,
      packages: environment.packages,
    };
    // What the code wrote to its standard error (warnings, the traceback) is a warning in the job log.
    const onLog = (line: string, stream: LogStream) => {
      log.push(line);
      ctx.log(line, stream === 'stderr' ? 'warn' : 'info');
    };
    const spec: SandboxSpec = {
      language,
      entry,
      workDir,
      libraryPaths: [lib],
      limits,
      onLog,
      python: interpreter.python,
      rLibrary: interpreter.rLibrary,
    };
    if (targetPath)
      adopter = new OutputAdopter((work) => ctx.duck.withConnection(work), workDir, outputFile, targetPath);
    phase('code written');
    ctx.log(`Running ${LANGUAGE[language].label} code (memory ${limits.memoryMb} MB, wall ${limits.wallSeconds} s)`);
    let result: HarnessResult;
    // R receives the configuration as JSON text: it parses it without simplifying lists itself.
    const args = [language === 'r' ? JSON.stringify(config) : config];
    try {
      started = true;
      adopter?.watch();
      if (warm) {
        const sandbox = await warm.start({ onLog, wallSeconds: limits.wallSeconds });
        phase('code loaded');
        // A failed input copy stops the code, which would wait for the next part forever.
        void copied.then(async () => {
          if (copyFailure.error) await sandbox.stop('An input could not be copied');
        });
        try {
          result = (await sandbox.call(LANGUAGE[language].fn, args, { signal: ctx.limits?.signal })) as HarnessResult;
          await copied;
          if (copyFailure.error) throw copyFailure.error;
          const t = result.timings;
          const alongside = copying.length > 0 ? `, inputs copied alongside in ${Math.round(copyMs)} ms` : '';
          phase('code ran', t && `reading inputs ${t.readMs} ms, writing output ${t.writeMs} ms${alongside}`);
        } finally {
          await sandbox.stop();
        }
      } else
        result = (await runInSandbox(spec, LANGUAGE[language].fn, args, {
          signal: ctx.limits?.signal,
        })) as HarnessResult;
    } catch (error) {
      stopCopies.abort();
      await copied;
      if (copyFailure.error) throw copyFailure.error;
      // The sandbox has already passed the traceback's lines to onLog.
      if (!(error instanceof SandboxError)) throw error;
      throw new LlanoError('code_failed', 422, stopMessage(language, error, limits), {
        outcome: error.outcome,
        log,
      });
    }
    result.environment = {
      name: environment.name,
      language,
      ...result.environment,
      // What pip or R installed into the venv or library, besides the machine's packages.
      ...interpreter.lineage,
    };
    phase('process stopped');
    ctx.log(`Timings: ${phases.join(', ')}`);
    // Its environment taken once its packages are ready: what this run used, signed into its output's lineage.
    const fingerprint = await codeRecipeFingerprint(ws, key, recipe, language, fingerprints, {
      environment,
      packages: interpreter.packages,
    });
    return { workDir, outputFile, result, log, adopter, fingerprint };
  } catch (error) {
    // The copies read and write the work folder: stopped and settled before it is removed.
    stopCopies.abort();
    await Promise.allSettled(copying);
    await adopter?.discard();
    if (!started) await warm?.discard();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  } finally {
    // The inputs' files are read until the copies have settled (awaited above on every path).
    cleanupInputs();
  }
}

/** Builds the recipe: runs the code on every row, then imports its output into the new version's Parquet file. */
export async function runCodeRecipe(
  ctx: RecipeContext,
  recipe: CodeRecipe,
  language: CodeRecipeLanguage,
  target: RecipeTarget,
): Promise<RecipeResult> {
  if (target.kind !== 'parquet')
    throw badRequest(`A code recipe writes a managed dataset, not a table of connection ${target.connectionName}`);
  const run = await runCode(ctx, recipe, language, undefined, target.path);
  try {
    const relation = outputRelation(run.outputFile, run.result);
    const files = outputFiles(run.outputFile, run.result);
    const from =
      run.result.format === 'ndjson'
        ? 'NDJSON'
        : [...new Set(files.map((f) => (f.format === 'csv' ? 'CSV' : 'Parquet')))].join(' and ');
    const start = performance.now();
    const alongside = run.adopter?.partsAdopted ?? 0;
    const adopted = await run.adopter?.finish(files, run.result.columns).catch((error: unknown) => {
      throw error instanceof LlanoError ? error : importError(error, recipe, files);
    });
    if (adopted) {
      ctx.onProgress?.(adopted.rowCount);
      ctx.log(
        `Kept the code's Parquet output of ${adopted.rowCount} rows as the version's file (pages compressed, every value checked; ${alongside} of ${files.length} parts while the code ran) in ${Math.round(performance.now() - start)} ms`,
      );
      return { ...adopted, environment: run.result.environment, fingerprint: run.fingerprint };
    }
    ctx.log(`The code wrote ${run.result.rows} rows; importing them from ${from}`);
    const written = await ctx.duck.withConnection((conn) =>
      copySelectToParquet(conn, `SELECT * FROM ${relation}`, target.path, {
        onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.rows ?? 0) : undefined,
      }).catch((error: unknown) => {
        throw importError(error, recipe, files);
      }),
    );
    ctx.log(`Imported ${written.rowCount} rows in ${Math.round(performance.now() - start)} ms`);
    return { ...written, environment: run.result.environment, fingerprint: run.fingerprint };
  } finally {
    // Stops adopting (the output did not fit, or failed) and removes what it copied.
    await run.adopter?.discard();
    rmSync(run.workDir, { recursive: true, force: true });
  }
}

/** The first `limit` output rows of the code run on the first `sampleRows` rows of each input, with what it printed. */
export async function previewCodeRecipe(
  ctx: RecipeContext,
  recipe: CodeRecipe,
  language: CodeRecipeLanguage,
  limit: number,
  sampleRows: number,
): Promise<RecipePreview> {
  let run: CodeRun;
  try {
    run = await runCode(ctx, recipe, language, sampleRows);
  } catch (error) {
    // A preview answers 400 with the log, so the editor shows the traceback beside the code.
    if (error instanceof LlanoError && error.code === 'code_failed') throw badRequest(error.message, error.details);
    throw error;
  }
  try {
    const relation = outputRelation(run.outputFile, run.result);
    const result = await ctx.duck
      .query(`SELECT * FROM ${relation} LIMIT ${limit + 1}`)
      .catch((error: unknown) => Promise.reject(importError(error, recipe, outputFiles(run.outputFile, run.result))));
    return { ...result, log: run.log };
  } finally {
    rmSync(run.workDir, { recursive: true, force: true });
  }
}

/** DuckDB could not read the output with its types: which column, value and row, and whether they were declared. */
const importError = (error: unknown, recipe: CodeRecipe, files: OutputFile[]): LlanoError =>
  outputMismatch(error, recipe.outputSchema !== undefined, files.length === 1);
