import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { getConnection, postgresInfo } from '../../datasets/connections.js';
import { withPostgresClient } from '../../engine/postgres-connection.js';
import { defineStep } from './define-step.js';

/** Executes SQL on a PostgreSQL connection; an abort cancels the statement on the server. */
export const sqlStep = defineStep('sql', {
  label: 'Execute SQL',
  params: z.object({
    connection: z.string().min(1).describe('A PostgreSQL connection of the project'),
    sql: z.string().min(1).max(1_000_000).describe('Statements to execute'),
  }),
  examples: [{ title: 'Refresh a materialized view of the shift log', params: { connection: 'ops_db', sql: 'REFRESH MATERIALIZED VIEW shift_summary', timeoutSeconds: 600 } }],
  async validate(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection).catch(() => null);
    if (!conn) throw badRequest(`connection ${p.connection} does not exist in project ${ctx.projectKey}`);
    if (conn.type !== 'postgres') throw badRequest(`connection ${p.connection} is not a PostgreSQL connection`);
  },
  async run(ctx, p) {
    await ctx.ws.catalog.projects.authorize(ctx.principal, ctx.projectKey, 'writer');
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection);
    if (conn.type !== 'postgres') throw badRequest(`connection ${p.connection} is not a PostgreSQL connection`);
    const info = postgresInfo(conn);
    const result = await withPostgresClient(ctx.ws.duck, info, async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const cancel = () => void withPostgresClient(ctx.ws.duck, info, (c) => c.query('SELECT pg_cancel_backend($1)', [pid])).catch(() => undefined);
      ctx.signal.addEventListener('abort', cancel, { once: true });
      try {
        return await client.query(p.sql);
      } finally {
        ctx.signal.removeEventListener('abort', cancel);
      }
    });
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    ctx.log('info', `SQL on ${p.connection}: ${last?.command ?? 'done'}${last?.rowCount != null ? ` (${last.rowCount} rows)` : ''}`);
    return { detail: { command: last?.command ?? null, rowCount: last?.rowCount ?? null } };
  },
});
