import { rmSync, writeFileSync, existsSync } from 'node:fs';
import { sql } from 'kysely';
import { quoteLiteral } from '../common/names.js';
import { registerSystemTable, type SystemTable } from '../datasets/system-tables.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { auditTableExport } from '../audit/audit-table.js';

export interface TableExport {
  /** DuckDB column types, in order. */
  columns: Record<string, string>;
  /** A value that changes when the project's rows do (cheap aggregate). */
  token(ws: Workspace, projectKey: string): Promise<string>;
  rows(ws: Workspace, projectKey: string): Promise<Record<string, unknown>[]>;
}

const RUN_COLUMNS = {
  run_id: 'VARCHAR',
  scenario: 'VARCHAR',
  trigger_type: 'VARCHAR',
  cause: 'VARCHAR',
  outcome: 'VARCHAR',
  created_at: 'TIMESTAMP',
  started_at: 'TIMESTAMP',
  ended_at: 'TIMESTAMP',
  duration_ms: 'BIGINT',
  error: 'VARCHAR',
  run_as: 'VARCHAR',
};

const runsToken = async (ws: Workspace, projectKey: string) => {
  const r = await ws.catalog.db
    .selectFrom('scenario_runs')
    .select([
      sql<number>`count(*)`.as('n'),
      sql<string>`max(created_at)`.as('c'),
      sql<string>`max(ended_at)`.as('e'),
      sql<number>`sum(CASE WHEN ended_at IS NULL THEN 1 ELSE 0 END)`.as('open'),
    ])
    .where('project_key', '=', projectKey)
    .executeTakeFirst();
  return `${r?.n}|${r?.c}|${r?.e}|${r?.open}`;
};

const tables: Record<SystemTable, TableExport> = {
  audit_log: auditTableExport,
  scenario_runs: {
    columns: RUN_COLUMNS,
    token: runsToken,
    rows: async (ws, projectKey) =>
      (
        await ws.catalog.db
          .selectFrom('scenario_runs')
          .selectAll()
          .where('project_key', '=', projectKey)
          .orderBy('created_at')
          .execute()
      ).map((r) => ({
        run_id: r.id,
        scenario: r.scenario,
        trigger_type: r.trigger_type,
        cause: r.cause,
        outcome: r.outcome,
        created_at: r.created_at,
        started_at: r.started_at,
        ended_at: r.ended_at,
        duration_ms: r.duration_ms,
        error: r.error,
        run_as: r.run_as,
      })),
  },
  step_runs: {
    columns: {
      run_id: 'VARCHAR',
      scenario: 'VARCHAR',
      step_index: 'INTEGER',
      step: 'VARCHAR',
      type: 'VARCHAR',
      outcome: 'VARCHAR',
      started_at: 'TIMESTAMP',
      ended_at: 'TIMESTAMP',
      duration_ms: 'BIGINT',
      attempts: 'INTEGER',
      error: 'VARCHAR',
    },
    token: runsToken,
    rows: async (ws, projectKey) =>
      (
        await ws.catalog.db
          .selectFrom('scenario_step_runs as s')
          .innerJoin('scenario_runs as r', 'r.id', 's.run_id')
          .select([
            's.run_id',
            'r.scenario',
            's.idx',
            's.name',
            's.type',
            's.outcome',
            's.started_at',
            's.ended_at',
            's.duration_ms',
            's.attempts',
            's.error',
          ])
          .where('r.project_key', '=', projectKey)
          .orderBy('r.created_at')
          .orderBy('s.idx')
          .execute()
      ).map((s) => ({
        run_id: s.run_id,
        scenario: s.scenario,
        step_index: s.idx,
        step: s.name,
        type: s.type,
        outcome: s.outcome,
        started_at: s.started_at,
        ended_at: s.ended_at,
        duration_ms: s.duration_ms,
        attempts: s.attempts,
        error: s.error,
      })),
  },
  check_results: {
    columns: {
      dataset: 'VARCHAR',
      partition: 'VARCHAR',
      version_id: 'VARCHAR',
      check_name: 'VARCHAR',
      check_type: 'VARCHAR',
      outcome: 'VARCHAR',
      message: 'VARCHAR',
      value: 'DOUBLE',
      run_at: 'TIMESTAMP',
      scenario_run_id: 'VARCHAR',
    },
    async token(ws, projectKey) {
      const r = await ws.catalog.db
        .selectFrom('check_results')
        .select([sql<number>`count(*)`.as('n'), sql<number>`max(id)`.as('m')])
        .where('project_key', '=', projectKey)
        .executeTakeFirst();
      return `${r?.n}|${r?.m}`;
    },
    rows: async (ws, projectKey) =>
      (
        await ws.catalog.db
          .selectFrom('check_results')
          .selectAll()
          .where('project_key', '=', projectKey)
          .orderBy('id')
          .execute()
      ).map((c) => ({
        dataset: c.dataset,
        partition: c.partition,
        version_id: c.version_id,
        check_name: c.check_name,
        check_type: c.check_type,
        outcome: c.outcome,
        message: c.message,
        value: c.value,
        run_at: c.run_at,
        scenario_run_id: c.scenario_run_id,
      })),
  },
};

/** Last export of each (project, table) on a workspace: reused while the rows have not changed; a deleted project's go. */
const lastExports = workspaceSlot('automation.system-table-exports', (ws) => {
  const exports = new Map<string, { token: string; path: string }>();
  ws.events.on('projectDeleted', ({ projectKey }) => {
    for (const [key, entry] of exports) {
      if (!key.startsWith(`${projectKey}/`)) continue;
      rmSync(entry.path, { force: true });
      exports.delete(key);
    }
  });
  return exports;
});

/**
 * Exports one project's rows of a run/check table to Parquet: rows go to a JSON-lines file
 * and DuckDB types and writes them in one COPY (the catalog may be SQLite or PostgreSQL, so
 * the rows pass through here; they are already aggregated history, not data).
 */
async function exportTable(
  ws: Workspace,
  projectKey: string,
  table: SystemTable,
): Promise<{ path: string; token: string }> {
  const spec = tables[table];
  const token = await spec.token(ws, projectKey);
  const byWs = lastExports(ws);
  const key = `${projectKey}/${table}`;
  const cached = byWs.get(key);
  if (cached && cached.token === token && existsSync(cached.path)) return cached;
  const rows = await spec.rows(ws, projectKey);
  const jsonl = ws.tempPath('.jsonl');
  const parquet = ws.tempPath(`-${table}.parquet`);
  writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n'));
  try {
    const columns = `{${Object.entries(spec.columns)
      .map(([c, t]) => `${quoteLiteral(c)}: ${quoteLiteral(t)}`)
      .join(', ')}}`;
    await ws.duck.run(
      `COPY (SELECT * FROM read_json(${quoteLiteral(jsonl)}, format = 'newline_delimited', columns = ${columns})) TO ${quoteLiteral(parquet)} (FORMAT parquet)`,
    );
  } finally {
    rmSync(jsonl, { force: true });
  }
  if (cached) rmSync(cached.path, { force: true });
  const entry = { token, path: parquet };
  byWs.set(key, entry);
  return entry;
}

/** Makes the run and check tables of `ws` readable as system datasets. */
export function installSystemDatasets(ws: Workspace): void {
  for (const table of Object.keys(tables) as SystemTable[])
    registerSystemTable(ws, table, (w, projectKey) => exportTable(w, projectKey, table));
}
