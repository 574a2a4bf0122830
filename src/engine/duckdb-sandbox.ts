import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import type { DuckDb } from './duckdb.js';
import { PROGRESS_SETTINGS, type PreparedColumn } from './parquet-output.js';

/**
 * Where pooled sandboxes may read and write: whole folders (e.g. one project's data folder)
 * and a scratch folder inside them for per-run work files. Sandboxes of the same scope share
 * one locked-down DuckDB instance (each run on its own connection, so input views never
 * mix), which saves the 20–100 ms start and ~20 ms synchronous close of an instance per run.
 */
export interface SandboxScope {
  roots: readonly string[];
  scratchDir: string;
}

export interface DuckDbSandbox {
  conn: DuckDBConnection;
  /** A private folder the sandbox may read and write (scratch files, spilling, outputs). */
  workDir: string;
  /**
   * Ends the sandbox. A caller that names the temporary views it created lets a pooled sandbox
   * drop them and keep its connection and work folder for the next run (see `IdleConnections`).
   * A sandbox opened with `views` knows its views; `discard` (a failed or interrupted run) closes
   * its connection instead of keeping it.
   */
  close(options?: { tempViews?: readonly string[]; discard?: boolean }): Promise<void>;
  /** Pooled sandboxes: whether the instance left the pool (or the database closed); a caller keeping it across runs opens a new one. */
  retired?(): boolean;
  /** The columns of the query `describe` named (see `SandboxOptions`); null or absent when the caller must prepare it. */
  described?: PreparedColumn[] | null;
}

/**
 * The sandbox instances of one database: creating a DuckDB instance costs 20–100 ms, as much
 * as a whole small query, so one unconfigured instance is kept ready (created after a sandbox
 * closes, when nobody waits for it), and configured instances are pooled by scope. They belong
 * to the database (so to its workspace) and are closed with it.
 */
class SandboxInstances {
  spare: Promise<DuckDBInstance> | null = null;
  /** Pooled instances by scope; the least recently used beyond the limit are closed. */
  readonly pooled = new Map<string, Promise<DuckDBInstance>>();
  readonly idle = new IdleConnections();
  closed = false;

  close(): Promise<void> {
    this.closed = true;
    this.idle.closeAll();
    const all = [...(this.spare ? [this.spare] : []), ...this.pooled.values()];
    this.spare = null;
    this.pooled.clear();
    return closeInstances(all);
  }
}

/** An open connection of a pooled instance with its work folder, free for the next run of the same scope. */
interface IdleConnection {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  workDir: string;
  /** Views of its last run still defined: the next run drops them in the call that creates its own. */
  staleViews: readonly string[];
}

/**
 * Connections of pooled instances kept between runs: connecting, creating and deleting a work
 * folder and closing cost several ms per run, as much as a small query (a build of a chain of
 * recipes opens one sandbox per recipe). A connection is only kept once the temporary views
 * of its run are dropped, so a run never sees another run's inputs.
 */
class IdleConnections {
  private readonly byKey = new Map<string, IdleConnection[]>();

  take(key: string, instance: DuckDBInstance): IdleConnection | undefined {
    const list = this.byKey.get(key);
    const i = list?.findIndex((c) => c.instance === instance) ?? -1;
    return i >= 0 ? list!.splice(i, 1)[0] : undefined;
  }

  /** Keeps `c` unless enough are kept already; returns whether it was kept. */
  keep(key: string, c: IdleConnection): boolean {
    const list = this.byKey.get(key) ?? [];
    if (list.length >= IDLE_PER_SCOPE) return false;
    list.push(c);
    this.byKey.set(key, list);
    return true;
  }

  /** Closes the idle connections of one scope (its instance left the pool) or of all. */
  closeAll(key?: string): void {
    for (const [k, list] of this.byKey) {
      if (key !== undefined && k !== key) continue;
      this.byKey.delete(k);
      for (const c of list) {
        c.conn.closeSync();
        void rm(c.workDir, { recursive: true, force: true });
      }
    }
  }
}

const IDLE_PER_SCOPE = 4;

const SANDBOXES = Symbol('sandbox instances');
const instancesOf = (db: DuckDb) =>
  db.resource(
    SANDBOXES,
    () => new SandboxInstances(),
    (s) => s.close(),
  );

async function closeInstances(instances: Promise<DuckDBInstance>[]): Promise<void> {
  await Promise.all(instances.map((p) => p.then((i) => i.closeSync()).catch(() => undefined)));
}

async function createInstance(db: DuckDb): Promise<DuckDBInstance> {
  const limits = await db.query("SELECT current_setting('threads')::VARCHAR, current_setting('memory_limit')::VARCHAR");
  const [threads, memoryLimit] = limits.rows[0] as [string, string];
  return DuckDBInstance.create(':memory:', {
    threads,
    // Each instance has a limit of its own, so sandboxes get their share of the server's budget.
    memory_limit: db.sandboxes.memoryLimit ?? memoryLimit,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
}

function takeInstance(db: DuckDb): Promise<DuckDBInstance> {
  const instances = instancesOf(db);
  const spare = instances.spare;
  instances.spare = null;
  return spare ?? createInstance(db);
}

function prepareSpare(db: DuckDb): void {
  const instances = instancesOf(db);
  if (instances.spare || instances.closed) return;
  const next = createInstance(db);
  next.catch(() => {
    if (instances.spare === next) instances.spare = null;
  });
  instances.spare = next;
}

/**
 * A throw-away DuckDB instance for running user SQL, in which only `allowedPaths` and a
 * private work folder can be touched. DuckDB's own switches do the enforcing:
 * `allowed_paths` / `allowed_directories`, then `enable_external_access = false`, then
 * `lock_configuration = true` so the SQL cannot switch anything back. These settings are
 * global to an instance, which is why user SQL gets its own instance instead of a connection
 * of the shared one. It inherits the shared instance's thread count and memory limit.
 */
/**
 * Restricts an instance to the given files and folders, then locks its configuration so the
 * SQL cannot switch anything back. Progress tracking is a setting too, so it is decided here.
 */
async function lockDown(
  conn: DuckDBConnection,
  o: { spillDir: string; paths: readonly string[]; directories: readonly string[]; trackProgress?: boolean },
): Promise<void> {
  const list = (items: readonly string[]) => `[${items.map(quoteLiteral).join(', ')}]`;
  await conn.run(`SET temp_directory = ${quoteLiteral(o.spillDir)}`);
  await conn.run(`SET allowed_paths = ${list(o.paths)}`);
  await conn.run(`SET allowed_directories = ${list(o.directories)}`);
  if (o.trackProgress) await conn.run(PROGRESS_SETTINGS);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}

/**
 * Work folders are named after their process (`.llano-sql-<pid>-<start ms>-…`), so that a start-up
 * sweep removes those of a killed process whatever their age, and never those of a live one.
 */
export const WORK_DIR_PREFIX = `.llano-sql-${process.pid}-${Date.now()}-`;

/** The owner (`<pid>-<start ms>`) a work folder's name records; null for folders of older versions. */
export const workDirOwner = (name: string): string | null => /^\.llano-sql-(\d+-\d+)-/.exec(name)?.[1] ?? null;

/**
 * Options of `openSandbox`. `views` (name → relation) are the run's input views, created as soon
 * as the sandbox opens; a pooled connection then keeps them when it closes and the next run
 * drops them in the same DuckDB call that creates its own (one call per run instead of two).
 */
export interface SandboxOptions {
  trackProgress?: boolean;
  scope?: SandboxScope;
  views?: Readonly<Record<string, string>>;
  /**
   * A query over the views to describe in the same call that creates them (`DESCRIBE <query>`),
   * which saves the run a round trip to prepare it. It runs as written, so the caller vouches
   * that the text is one statement. Its columns come back as `described`; any error leaves
   * `described` null (the views are then created alone) for the caller to prepare it and report
   * the error as usual.
   */
  describe?: string;
}

const viewStatements = (drop: readonly string[], create: Readonly<Record<string, string>>) => [
  ...drop.map((v) => `DROP VIEW IF EXISTS ${quoteIdent(v)}`),
  ...Object.entries(create).map(([name, rel]) => `CREATE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${rel}`),
];

/**
 * Drops `drop`, creates `views` and, given a query, describes it, all in one DuckDB call.
 * Answers the described columns, or null when nothing was described.
 */
async function createViews(
  conn: DuckDBConnection,
  drop: readonly string[],
  views: Readonly<Record<string, string>>,
  describe: string | undefined,
): Promise<PreparedColumn[] | null> {
  if (describe !== undefined)
    try {
      return describedColumns(await conn.run([...viewStatements(drop, views), `DESCRIBE ${describe}`].join(';\n')));
    } catch {
      // The statements run one after the other: the views may exist already, so they are made again.
      drop = [...drop, ...Object.keys(views)];
    }
  const statements = viewStatements(drop, views);
  if (statements.length) await conn.run(statements.join(';\n'));
  return null;
}

/** The rows of a DESCRIBE (text columns `column_name`, `column_type` first), read on this thread. */
function describedColumns(result: DuckDBMaterializedResult): PreparedColumn[] {
  const columns: PreparedColumn[] = [];
  for (let i = 0; i < result.chunkCount; i++)
    for (const [name, type] of result.getChunk(i).getRows()) columns.push({ name: String(name), type: String(type) });
  return columns;
}

export async function openSandbox(
  db: DuckDb,
  parentDir: string,
  allowedPaths: readonly string[],
  options: SandboxOptions = {},
): Promise<DuckDbSandbox> {
  if (options.scope) return openPooledSandbox(db, options.scope, allowedPaths, options.views, options.describe);
  await mkdir(parentDir, { recursive: true });
  const workDir = await mkdtemp(join(parentDir, WORK_DIR_PREFIX));
  let instance: DuckDBInstance | undefined;
  try {
    instance = await takeInstance(db);
    const conn = await instance.connect();
    await lockDown(conn, {
      spillDir: join(workDir, 'spill'),
      paths: allowedPaths,
      directories: [workDir + '/'],
      trackProgress: options.trackProgress,
    });
    const described = await createViews(conn, [], options.views ?? {}, options.describe);
    const opened = instance;
    // Tearing down the instance and starting the next one happen after the caller has its answer.
    const box = sandbox(conn, workDir, () =>
      setImmediate(() => {
        opened.closeSync();
        prepareSpare(db);
      }),
    );
    return { ...box, described };
  } catch (error) {
    instance?.closeSync();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** A sandbox on `conn`: closing it closes the connection and deletes its work folder, then runs `afterClose`. */
function sandbox(conn: DuckDBConnection, workDir: string, afterClose?: () => void): DuckDbSandbox {
  return {
    conn,
    workDir,
    async close() {
      conn.closeSync();
      await rm(workDir, { recursive: true, force: true });
      afterClose?.();
    },
  };
}

/** Configured sandbox instances kept per database (the memory budget counts them, see query-limits.ts). */
export const POOL_LIMIT = 8;

/** Whether `path` lies in one of `roots` (files outside a scope's roots are allowed one by one). */
export const inside = (path: string, roots: readonly string[]) =>
  roots.some((r) => path === r || path.startsWith(r.endsWith('/') ? r : r + '/'));

async function configuredInstance(
  db: DuckDb,
  scope: SandboxScope,
  extraPaths: readonly string[],
): Promise<DuckDBInstance> {
  const instance = await createInstance(db);
  try {
    const conn = await instance.connect();
    await mkdir(scope.scratchDir, { recursive: true });
    const directories = scope.roots.map((r) => (r.endsWith('/') ? r : r + '/'));
    await lockDown(conn, {
      spillDir: join(scope.scratchDir, 'spill'),
      paths: extraPaths,
      directories,
      trackProgress: true,
    });
    conn.closeSync();
    return instance;
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

async function openPooledSandbox(
  db: DuckDb,
  scope: SandboxScope,
  allowedPaths: readonly string[],
  views: Readonly<Record<string, string>> | undefined,
  describe: string | undefined,
): Promise<DuckDbSandbox> {
  if (!inside(scope.scratchDir, scope.roots))
    throw new Error('The scratch folder of a sandbox scope must lie inside its roots');
  // Files outside the roots (files read in place from a connection) must be listed one by one.
  const extra = [...new Set(allowedPaths.filter((p) => !inside(p, scope.roots)))].sort();
  const key = JSON.stringify([[...scope.roots].sort(), scope.scratchDir, extra]);
  const instances = instancesOf(db);
  const { pooled } = instances;
  let instancePromise = pooled.get(key);
  if (!instancePromise) {
    instancePromise = configuredInstance(db, scope, extra);
    instancePromise.catch(() => pooled.delete(key));
    pooled.set(key, instancePromise);
    if (pooled.size > POOL_LIMIT) {
      const [oldestKey, oldest] = pooled.entries().next().value!;
      pooled.delete(oldestKey);
      instances.idle.closeAll(oldestKey);
      // Runs still using it hold their own connections; close once they are likely done.
      setTimeout(() => void oldest.then((i) => i.closeSync()).catch(() => undefined), 60_000).unref();
    }
  } else {
    // Refresh its place in the LRU order.
    pooled.delete(key);
    pooled.set(key, instancePromise);
  }
  const instance = await instancePromise;
  const reused = instances.idle.take(key, instance);
  const workDir = reused?.workDir ?? (await mkdtemp(join(scope.scratchDir, WORK_DIR_PREFIX)));
  const conn = reused?.conn ?? (await instance.connect());
  const plain = sandbox(conn, workDir);
  const closeFully = () => plain.close();
  const retired = () => instances.closed || pooled.get(key) !== instancePromise;
  // The last run's views go in the same call that creates this run's (or alone, for a run that creates its own).
  let described: PreparedColumn[] | null;
  try {
    described = await createViews(conn, reused?.staleViews ?? [], views ?? {}, describe);
  } catch (error) {
    await closeFully();
    throw error;
  }
  return {
    conn,
    workDir,
    retired,
    described,
    async close(options) {
      if (options?.discard || retired()) return closeFully();
      if (views) {
        const staleViews = [...Object.keys(views), ...(options?.tempViews ?? [])];
        if (!instances.idle.keep(key, { instance, conn, workDir, staleViews })) await closeFully();
        return;
      }
      const tempViews = options?.tempViews;
      if (!tempViews) return closeFully();
      // Dropping the views happens after the caller has its answer.
      const drop = viewStatements(tempViews, {}).join('; ');
      void (async () => {
        let clean = true;
        if (drop) await conn.run(drop).catch(() => (clean = false));
        if (clean && !instances.closed && instances.idle.keep(key, { instance, conn, workDir, staleViews: [] })) return;
        await closeFully();
      })().catch(() => undefined);
    },
  };
}
