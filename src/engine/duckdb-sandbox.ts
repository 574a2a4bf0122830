import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../common/names.js';
import type { DuckDb } from './duckdb.js';
import { PROGRESS_SETTINGS } from './parquet-output.js';

export interface DuckDbSandbox {
  conn: DuckDBConnection;
  /** A private folder the sandbox may read and write (scratch files, spilling, outputs). */
  workDir: string;
  close(): Promise<void>;
}

/**
 * A throw-away DuckDB instance for running user SQL, in which only `allowedPaths` and a
 * private work folder can be touched. DuckDB's own switch does the enforcing:
 * `allowed_paths` / `allowed_directories`, then `enable_external_access = false`, then
 * `lock_configuration = true` so the SQL cannot switch anything back. These settings are
 * global to an instance, which is why user SQL gets its own instance instead of a connection
 * of the shared one. It inherits the shared instance's thread count and memory limit.
 */
export async function openSandbox(db: DuckDb, parentDir: string, allowedPaths: readonly string[]): Promise<DuckDbSandbox> {
  const limits = await db.query("SELECT current_setting('threads')::VARCHAR, current_setting('memory_limit')::VARCHAR");
  const [threads, memoryLimit] = limits.rows[0] as [string, string];
  const workDir = await mkdtemp(join(parentDir, '.llano-sql-'));
  let instance: DuckDBInstance | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', {
      threads,
      memory_limit: memoryLimit,
      temp_directory: join(workDir, 'spill'),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const conn = await instance.connect();
    const list = (items: readonly string[]) => `[${items.map(quoteLiteral).join(', ')}]`;
    await conn.run(`SET allowed_paths = ${list(allowedPaths)}`);
    await conn.run(`SET allowed_directories = ${list([workDir + '/'])}`);
    await conn.run(PROGRESS_SETTINGS);
    await conn.run('SET enable_external_access = false');
    await conn.run('SET lock_configuration = true');
    const opened = instance;
    return {
      conn,
      workDir,
      async close() {
        conn.closeSync();
        opened.closeSync();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    instance?.closeSync();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}
