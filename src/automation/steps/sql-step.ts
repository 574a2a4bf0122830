import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { requireCapability } from '../../connectors/registry.js';
import { getConnection } from '../../datasets/connections.js';
import { defineStep } from './define-step.js';

/** Executes SQL on a connection whose type runs SQL; an abort cancels the statement where it runs. */
export const sqlStep = defineStep('sql', {
  label: 'Execute SQL',
  params: z.object({
    connection: z.string().min(1).describe('A connection of the project that runs SQL (PostgreSQL, SQLite)'),
    sql: z.string().min(1).max(1_000_000).describe('Statements to execute'),
  }),
  examples: [
    {
      title: 'Refresh a materialized view of the shift log',
      params: { connection: 'ops_db', sql: 'REFRESH MATERIALIZED VIEW shift_summary', timeoutSeconds: 600 },
    },
  ],
  async validate(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection).catch(() => null);
    if (!conn) throw badRequest(`connection ${p.connection} does not exist in project ${ctx.projectKey}`);
    requireCapability(conn, 'runSql');
  },
  async run(ctx, p) {
    await ctx.ws.catalog.projects.authorize(ctx.principal, ctx.projectKey, 'writer');
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection);
    const { can: runSql, settings } = requireCapability(conn, 'runSql');
    const last = await runSql(settings, p.sql, { signal: ctx.signal, db: ctx.ws.duck });
    ctx.log(
      'info',
      `SQL on ${p.connection}: ${last.command ?? 'done'}${last.rowCount != null ? ` (${last.rowCount} rows)` : ''}`,
    );
    return { detail: { command: last.command ?? null, rowCount: last.rowCount ?? null } };
  },
});
