import { sql } from 'kysely';
import type { TableExport } from '../automation/system-datasets.js';

/**
 * A project's audit rows as a system dataset (`{type: 'system', table: 'audit_log'}`): from the
 * project's creation on, like the API shows its admins (an earlier project of the same key is not its own).
 */
export const auditTableExport: TableExport = {
  columns: {
    id: 'BIGINT',
    at: 'TIMESTAMP',
    actor: 'VARCHAR',
    via: 'VARCHAR',
    action: 'VARCHAR',
    category: 'VARCHAR',
    object_kind: 'VARCHAR',
    object_name: 'VARCHAR',
    route: 'VARCHAR',
    status: 'INTEGER',
    ip: 'VARCHAR',
    user_agent: 'VARCHAR',
    detail: 'VARCHAR',
  },
  async token(ws, projectKey) {
    const r = await ws.catalog.db
      .selectFrom('audit_log')
      .select([sql<number>`count(*)`.as('n'), sql<number>`max(id)`.as('m')])
      .where('project', '=', projectKey)
      .executeTakeFirst();
    return `${r?.n}|${r?.m}`;
  },
  async rows(ws, projectKey) {
    const project = await ws.catalog.db
      .selectFrom('projects')
      .select('created_at')
      .where('key', '=', projectKey)
      .executeTakeFirst();
    const rows = await ws.catalog.db
      .selectFrom('audit_log')
      .selectAll()
      .where('project', '=', projectKey)
      .where('at', '>=', project?.created_at ?? '')
      .orderBy('id')
      .execute();
    // Every row is this project's: the column would only repeat its key.
    return rows.map((r) => {
      const { project, ...rest } = r;
      void project;
      return rest;
    });
  },
};
