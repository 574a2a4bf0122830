import { rmSync } from 'node:fs';
import { badRequest } from '../common/errors.js';
import { connectionType, sourceReader } from '../connectors/registry.js';
import type { ColumnSchema } from '../datasets/definitions.js';
import { describeSelect, executeSelectToParquet } from '../engine/sql-exec.js';
import type { SelectRun } from '../engine/select-session.js';
import type { TableSource } from '../engine/table-source.js';
import type { RecipeContext, RecipeResult, RecipeTarget } from './recipe-type.js';

/**
 * How a recipe that is a DuckDB query describes and runs: the SQL recipe without pushdown, and
 * every visual recipe (whose compiled SQL is DuckDB's dialect) share this path.
 */

/** DuckDB reads Parquet and files directly; inputs kept in other connections are first copied to temporary Parquet. */
export async function duckInputs(
  ctx: RecipeContext,
): Promise<{ inputs: Record<string, TableSource>; cleanup: () => void }> {
  const temps: string[] = [];
  const inputs: Record<string, TableSource> = {};
  for (const input of ctx.inputs) {
    if (input.source.kind === 'external') {
      const file = ctx.tempPath('.parquet');
      temps.push(file);
      ctx.log(`Copying ${connectionType(input.source.type).label} dataset ${input.name} to a temporary Parquet file`);
      await sourceReader(input.source).materialize(ctx.duck, input.source, file);
      inputs[input.name] = { kind: 'parquet', paths: [file] };
    } else {
      if (input.source.kind === 'parquet' && input.source.paths.length === 0)
        throw badRequest(`Input dataset ${input.name} has no data yet: build or import it first`);
      inputs[input.name] = input.source;
    }
  }
  return { inputs, cleanup: () => temps.forEach((t) => rmSync(t, { force: true })) };
}

/** The output columns of `sql` over the recipe's inputs, without running it. */
export async function describeDuckSql(ctx: RecipeContext, sql: string): Promise<{ columns: ColumnSchema[] }> {
  const { inputs, cleanup } = await duckInputs(ctx);
  try {
    return await describeSelect(ctx.duck, { inputs, sql, scope: ctx.scope });
  } finally {
    cleanup();
  }
}

/** Runs `sql` over the recipe's inputs in DuckDB into the target's Parquet file. */
export async function runDuckSql(ctx: RecipeContext, sql: string, target: RecipeTarget): Promise<RecipeResult> {
  if (target.kind !== 'parquet')
    throw badRequest(
      `An output in connection ${target.connectionName} needs every input to be a table of that connection`,
    );
  const { inputs, cleanup } = await duckInputs(ctx);
  try {
    ctx.log('Running in DuckDB');
    const run: SelectRun = {
      inputs,
      sql,
      scope: ctx.scope,
      outputPath: target.path,
      onProgress: ctx.onProgress ? (p) => ctx.onProgress?.(p.rows ?? 0) : undefined,
      limits: ctx.limits,
    };
    return await (ctx.selectSession ? ctx.selectSession.run(run) : executeSelectToParquet(ctx.duck, run));
  } finally {
    cleanup();
  }
}
