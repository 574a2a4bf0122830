import { rmSync } from 'node:fs';
import { z } from 'zod';
import type { Principal } from '../catalog/access.js';
import { badRequest, LlanoError } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { quoteIdent } from '../common/names.js';
import { sourceReader } from '../connectors/registry.js';
import { openSandbox } from '../engine/duckdb-sandbox.js';
import { interruptible } from '../engine/query-limits.js';
import { describeSelect, trimSql } from '../engine/sql-exec.js';
import { duckdbRelation, type TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';
import { omit } from '../common/omit.js';
import { recipeTypes } from '../recipes/registry.js';
import type { RecipeContext, RecipeInput } from '../recipes/recipe-type.js';
import { parseRecipe, recipeContext } from './recipes-service.js';

export const PREVIEW_MAX_ROWS = 1000;

const SqlPreviewSchema = z.object({
  type: z.literal('sql').default('sql'),
  inputs: z.array(z.string()).min(1, 'A recipe needs at least one input dataset'),
  sql: z.string().min(1, 'The SQL must not be empty').max(1_000_000),
  limit: z.number().int().min(1).max(PREVIEW_MAX_ROWS).default(100),
});

/**
 * A SQL recipe's text, or the settings of a recipe of another type that has a preview (e.g.
 * `changepoints`: its fields as when saving it, name and output may be left out).
 */
export const PreviewRequestSchema = z.union([
  SqlPreviewSchema,
  z
    .object({
      type: z.string().refine((t) => t !== 'sql'),
      inputs: z.array(z.string()).min(1, 'A recipe needs at least one input dataset'),
      limit: z.number().int().min(1).max(PREVIEW_MAX_ROWS).default(100),
    })
    .passthrough(),
]);
export type PreviewRequest = z.input<typeof PreviewRequestSchema>;

export interface PreviewResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** More rows exist beyond `limit`. */
  truncated: boolean;
  durationMs: number;
  /**
   * Inputs kept in a connection (PostgreSQL, SQLite), read through their first `rowsPerInput`
   * rows: over them a join or an aggregate shows what the sample gives, not the whole table.
   */
  sampled?: { inputs: string[]; rowsPerInput: number };
  /** What a code recipe printed while running on the sample. */
  log?: string[];
}

/** Where a SQL error is, 1-based, in the text the user wrote. */
export interface SqlPosition {
  line: number;
  column: number;
}

/**
 * DuckDB ends parser and binder messages with `LINE n: <excerpt>` and a caret under the
 * faulty spot; the excerpt may be cut and start with `...`. Finds that spot in `sql`.
 */
export function sqlErrorPosition(message: string, sql: string): SqlPosition | null {
  const m = /(LINE (\d+): ?)(.*)\n( *)\^/.exec(message);
  if (!m) return null;
  const line = Number(m[2]);
  const prefix = m[1].length;
  let excerpt = m[3];
  let caret = m[4].length - prefix;
  if (excerpt.startsWith('...')) {
    excerpt = excerpt.slice(3);
    caret -= 3;
  }
  if (excerpt.endsWith('...')) excerpt = excerpt.slice(0, -3);
  const text = sql.split('\n')[line - 1];
  if (text === undefined || caret < 0) return null;
  const at = excerpt ? text.indexOf(excerpt) : 0;
  return { line, column: Math.max(0, at) + caret + 1 };
}

/**
 * The first rows a SQL recipe would produce, without saving or building anything: the SQL
 * is checked like a saved recipe (`describeSelect`: one SELECT, inputs only) and then run
 * with a LIMIT in a DuckDB sandbox that can read the inputs and nothing else. Engine errors
 * are 400s whose `details` give the position in the SQL when DuckDB knows it. Previews wait
 * their turn among user queries (LLANO_MAX_USER_QUERIES; one user's never take every place;
 * a 503 after waiting as long as the time limit), stop after LLANO_QUERY_TIMEOUT_SECONDS
 * and as soon as `signal` aborts (the client went away).
 */
export async function previewRecipe(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<PreviewResult> {
  await ws.catalog.projects.authorize(principal, projectKey, 'reader');
  const type = (body as { type?: unknown } | null)?.type;
  if (type !== undefined && type !== 'sql') return previewOfType(ws, principal, projectKey, body, signal);
  const { inputs: inputNames, sql, limit } = parseOr400(SqlPreviewSchema, body, 'preview');
  const ctx = await recipeContext(ws, projectKey, {
    name: 'preview',
    type: 'sql',
    inputs: inputNames,
    output: 'preview',
  });
  const inputs: Record<string, TableSource> = {};
  const allowed: string[] = [];
  for (const input of ctx.inputs) {
    const s = input.source;
    if (s.kind === 'external') continue;
    if (s.kind === 'parquet' && s.paths.length === 0)
      throw badRequest(`Input dataset ${input.name} has no data yet: build or import it first`);
    inputs[input.name] = s;
    allowed.push(...(s.kind === 'parquet' ? s.paths : [s.path]));
  }
  const sampled = ctx.inputs.filter((i) => i.source.kind === 'external');

  const limits = { timeoutMs: ws.config.queryTimeoutSeconds * 1000, setting: 'LLANO_QUERY_TIMEOUT_SECONDS', signal };
  const release = await ws.duck.gates.userSql.acquire({ signal, owner: principal.userId, maxWaitMs: limits.timeoutMs });
  const started = Date.now();
  const samples: string[] = [];
  const sandbox = await sampleInputs(ctx, sampled, samples)
    .then((files) => {
      files.forEach((file, i) => (inputs[sampled[i].name] = { kind: 'parquet', paths: [file] }));
      return openSandbox(ws.duck, ws.duck.sandboxes.dir, [...allowed, ...files]);
    })
    .catch((error: unknown) => {
      release();
      removeAll(samples);
      throw error;
    });
  try {
    for (const [name, source] of Object.entries(inputs))
      await sandbox.conn.run(`CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${duckdbRelation(source)}`);
    let columns: { name: string; type: string }[];
    try {
      columns = (await describeSelect(ws.duck, { inputs, sql })).columns;
    } catch (error) {
      throw await withPosition(error, sandbox.conn, sql);
    }
    const result = await interruptible(sandbox.conn, limits, () =>
      ws.duck
        .query(`SELECT * FROM (\n${trimSql(sql)}\n) AS llano_preview LIMIT ${limit + 1}`, undefined, sandbox.conn)
        .catch((error: unknown) => {
          // Errors at run time (casts, division by zero) carry no position.
          throw badRequest(error instanceof Error ? error.message.split('\n')[0] : String(error));
        }),
    );
    return {
      columns,
      rows: result.rows.slice(0, limit),
      truncated: result.rows.length > limit,
      durationMs: Date.now() - started,
      ...(sampled.length ? { sampled: { inputs: sampled.map((i) => i.name), rowsPerInput: PREVIEW_INPUT_ROWS } } : {}),
    };
  } finally {
    await sandbox.close().finally(() => {
      release();
      removeAll(samples);
    });
  }
}

/** The rows a preview reads of an input kept in a connection: its first ones, the limit sent to the database. */
export const PREVIEW_INPUT_ROWS = 10_000;

/**
 * Copies the first PREVIEW_INPUT_ROWS rows of each input kept in a connection to a temporary
 * Parquet file (through the connection's read-only path), listing each in `files` as it is made
 * so the caller removes them whatever happens.
 */
async function sampleInputs(ctx: RecipeContext, sampled: RecipeInput[], files: string[]): Promise<string[]> {
  for (const input of sampled) {
    const file = ctx.tempPath('.parquet');
    files.push(file);
    ctx.log(`Reading the first ${PREVIEW_INPUT_ROWS} rows of ${input.name}`);
    await sourceReader(input.source).materialize(ctx.duck, input.source, file, { limit: PREVIEW_INPUT_ROWS });
  }
  return [...files];
}

const removeAll = (files: string[]) => files.forEach((file) => rmSync(file, { force: true }));

/**
 * The preview of a recipe type that has its own (the analysis types: computed on the first
 * groups), with the same query limits and turn-taking as a SQL preview.
 */
async function previewOfType(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<PreviewResult> {
  const raw = body as Record<string, unknown>;
  const limit = parseOr400(
    z.object({ limit: z.number().int().min(1).max(PREVIEW_MAX_ROWS).default(100) }),
    { limit: raw.limit },
    'preview',
  ).limit;
  const recipe = parseRecipe({ ...omit(raw, 'limit'), name: 'preview', output: 'preview' });
  const type = recipeTypes.get(recipe.type);
  if (!type.preview) throw badRequest(`Recipes of type ${recipe.type} have no preview: save and build them`);
  const ctx = await recipeContext(ws, projectKey, recipe);
  ctx.limits = { timeoutMs: ws.config.queryTimeoutSeconds * 1000, setting: 'LLANO_QUERY_TIMEOUT_SECONDS', signal };
  const release = await ws.duck.gates.userSql.acquire({
    signal,
    owner: principal.userId,
    maxWaitMs: ctx.limits.timeoutMs,
  });
  const started = Date.now();
  try {
    const result = await type.preview(ctx, recipe, limit);
    return {
      columns: result.columns.map((name, i) => ({ name, type: result.types[i] })),
      rows: result.rows.slice(0, limit),
      truncated: result.rows.length > limit,
      durationMs: Date.now() - started,
      ...(result.log ? { log: result.log } : {}),
    };
  } finally {
    release();
  }
}

/** describeSelect keeps DuckDB's first sentence; preparing the text again yields the full message with its position. */
async function withPosition(
  error: unknown,
  conn: { prepare(sql: string): Promise<unknown> },
  sql: string,
): Promise<unknown> {
  if (!(error instanceof LlanoError) || error.status !== 400) return error;
  let position: SqlPosition | null = null;
  try {
    await conn.prepare(sql);
  } catch (raw) {
    position = sqlErrorPosition(raw instanceof Error ? raw.message : String(raw), sql);
  }
  return position
    ? new LlanoError(error.code, error.status, error.message, { ...(error.details as object | undefined), position })
    : error;
}
