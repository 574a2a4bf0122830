import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { quoteIdent } from '../common/names.js';
import type { DuckDb } from './duckdb.js';
import { inside, openSandbox, type DuckDbSandbox, type SandboxScope } from './duckdb-sandbox.js';
import { engineError } from './engine-errors.js';
import type { PreparedColumn, ProgressCallback } from './parquet-output.js';
import type { QueryLimits } from './query-limits.js';
import { checkSelect, copyCheckedSelect, executeSelectToParquet, filePaths, type SelectRecipe } from './sql-exec.js';
import { sameChecks, sqlShape, type SqlShape } from './sql-shape.js';
import { trimSql } from './sql-text.js';
import { duckdbRelation } from './table-source.js';

export type SelectRun = SelectRecipe & { outputPath: string; onProgress?: ProgressCallback; limits?: QueryLimits };
export type SelectResult = Awaited<ReturnType<typeof executeSelectToParquet>>;

/** Checked texts kept per session: a backfill's partitions share one shape, a few spare for the odd ones. */
const CHECKS_KEPT = 8;

/**
 * Runs many SQL recipes over the same inputs, one after another, on one sandbox connection:
 * the partitions of one backfill (one session per worker). Run alone, each partition pays for
 * creating its input views (DuckDB binds the files), checking its query (a prepare) and
 * dropping the views: three engine round trips around the one that writes. A session keeps the
 * views while their sources stay the same (replacing only those that change) and checks a
 * query once for all texts of its shape (see sql-shape.ts), so a partition costs the COPY.
 *
 * The sandbox is the same as a lone run's (same scope, same allowed files), so the SQL can do
 * nothing more. A failed run closes the connection; the next run opens a fresh one.
 */
export class SelectSession {
  private sandbox: DuckDbSandbox | null = null;
  /** Files outside the scope's roots that the open sandbox allows (a key of the pooled instance). */
  private extraFiles = '';
  /** The input views of the open connection: name → the relation it reads. */
  private readonly views = new Map<string, string>();
  /** Successful checks on the open connection with its current views, most recent first. */
  private checks: { sql: string; shape: SqlShape | null; columns: PreparedColumn[] }[] = [];

  constructor(
    private readonly db: DuckDb,
    private readonly scope: SandboxScope,
  ) {}

  /** Like `executeSelectToParquet`; a recipe of another scope runs alone. */
  async run(recipe: SelectRun): Promise<SelectResult> {
    if (!recipe.scope || !sameScope(recipe.scope, this.scope)) return executeSelectToParquet(this.db, recipe);
    const sql = trimSql(recipe.sql);
    mkdirSync(dirname(recipe.outputPath), { recursive: true });
    const files = Object.values(recipe.inputs).flatMap(filePaths);
    const sandbox = await this.open(files);
    try {
      await this.useViews(sandbox, recipe);
      return await copyCheckedSelect(sandbox, sql, recipe, await this.checked(sandbox, sql));
    } catch (error) {
      await this.discard();
      throw engineError(error, [...files, recipe.outputPath, sandbox.workDir]);
    }
  }

  /** Drops the views and gives the connection back to the pool. */
  async close(): Promise<void> {
    const open = this.sandbox;
    this.sandbox = null;
    const tempViews = [...this.views.keys()];
    this.forget();
    await open?.close({ tempViews });
  }

  /** The open sandbox when it allows `files`, else a new one that does. */
  private async open(files: string[]): Promise<DuckDbSandbox> {
    const extra = [...new Set(files.filter((f) => !inside(f, this.scope.roots)))].sort().join('\n');
    if (this.sandbox && (this.extraFiles !== extra || this.sandbox.retired?.())) await this.close();
    if (!this.sandbox) {
      this.sandbox = await openSandbox(this.db, this.scope.scratchDir, files, { scope: this.scope });
      this.extraFiles = extra;
    }
    return this.sandbox;
  }

  /** Creates or replaces the views whose source changed, in one round trip; a change forgets the checks. */
  private async useViews(sandbox: DuckDbSandbox, recipe: SelectRun): Promise<void> {
    const wanted = new Map(Object.entries(recipe.inputs).map(([name, source]) => [name, duckdbRelation(source)]));
    const statements: string[] = [];
    for (const [name, relation] of wanted)
      if (this.views.get(name) !== relation)
        statements.push(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${relation}`);
    // A view the recipe does not name must not answer for a misspelt input.
    for (const name of this.views.keys())
      if (!wanted.has(name)) statements.push(`DROP VIEW IF EXISTS ${quoteIdent(name)}`);
    if (statements.length === 0) return;
    this.forget();
    await sandbox.conn.run(statements.join(';\n'));
    for (const [name, relation] of wanted) this.views.set(name, relation);
  }

  /** The query's columns, from an earlier check of the same text (or shape, see sql-shape.ts) or a new one. */
  private async checked(sandbox: DuckDbSandbox, sql: string): Promise<PreparedColumn[]> {
    const exact = this.checks.find((c) => c.sql === sql);
    if (exact) return exact.columns;
    const shape = sqlShape(sql);
    const alike = shape && this.checks.find((c) => c.shape && sameChecks(c.shape, shape));
    if (alike) return alike.columns;
    const columns = await checkSelect(sandbox.conn, sql);
    this.checks = [{ sql, shape, columns }, ...this.checks].slice(0, CHECKS_KEPT);
    return columns;
  }

  private forget(): void {
    this.views.clear();
    this.checks = [];
  }

  /** After a failure the connection's state is not trusted: it is closed, not pooled. */
  private async discard(): Promise<void> {
    const open = this.sandbox;
    this.sandbox = null;
    this.forget();
    await open?.close().catch(() => undefined);
  }
}

const sameScope = (a: SandboxScope, b: SandboxScope) =>
  a.scratchDir === b.scratchDir && a.roots.length === b.roots.length && a.roots.every((r, i) => r === b.roots[i]);
