import { createHash } from 'node:crypto';
import type { DuckDb } from '../../engine/duckdb.js';
import { qualifiedName, readPostgresOr400, type PostgresConnectionInfo } from '../../engine/postgres.js';
import type { TableRef } from '../../engine/table-source.js';

/**
 * What changes when a PostgreSQL table does, without scanning it: the statistics collector's
 * counts of inserted, updated and deleted rows (n_tup_*; they never go down, so an UPDATE that
 * leaves the row count alike still moves them), the live row count, the file the table is in
 * (relfilenode: TRUNCATE, VACUUM FULL, a rewriting ALTER), and a hash of its columns and types.
 *
 * The counts reach pg_stat_user_tables when the writing session reports them: at once when its
 * transaction ends and it goes idle or disconnects, at most about a second later otherwise (a
 * busy session may hold them up to a minute); a reader cannot force it. Without statistics
 * (track_counts off), for a view or a partitioned table (their rows live elsewhere) or a table it
 * cannot see, the answer is null: it cannot tell a change, and what reads it is rebuilt every time.
 */
export function postgresTableToken(db: DuckDb, info: PostgresConnectionInfo, table: TableRef): Promise<string | null> {
  return readPostgresOr400(db, info, async (client) => {
    const found = await client.query<{ counts: string | null; columns: string | null; tracked: boolean }>(
      `SELECT (SELECT concat_ws(':', c.relfilenode, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_live_tup, s.n_tup_hot_upd)
                 FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
                WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'm')) AS counts,
              (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
              current_setting('track_counts')::boolean AS tracked`,
      [qualifiedName(table)],
    );
    const { counts, columns, tracked } = found.rows[0];
    if (!tracked || counts === null || columns === null) return null;
    return `postgres:${counts}:${createHash('sha256').update(columns).digest('hex').slice(0, 16)}`;
  });
}
