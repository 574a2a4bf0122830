import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { requireCapability } from '../../connectors/registry.js';
import { getConnection } from '../../datasets/connections.js';
import type { StepType } from '../types.js';
import { stepParams } from './common.js';

const params = stepParams('sql', {
  connection: z.string().min(1).describe('A connection of the project that runs SQL (PostgreSQL, SQLite)'),
  sql: z.string().min(1).max(1_000_000).describe('Statements to execute'),
});

/** Executes SQL on a connection whose type runs SQL; an abort cancels the statement where it runs. */
export const sqlStep: StepType<z.infer<typeof params>> = {
  type: 'sql',
  label: 'Execute SQL',
  params,
  async validate(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection).catch(() => null);
    if (!conn) throw badRequest(`connection ${p.connection} does not exist in project ${ctx.projectKey}`);
    requireCapability(conn, 'runSql');
  },
  async run(ctx, p) {
    await ctx.ws.catalog.projects.authorize(ctx.principal, ctx.projectKey, 'writer');
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection);
    const { can: runSql, settings } = requireCapability(conn, 'runSql');
    const last = await runSql(settings, p.sql, { signal: ctx.signal });
    ctx.log('info', `SQL on ${p.connection}: ${last.command ?? 'done'}${last.rowCount != null ? ` (${last.rowCount} rows)` : ''}`);
    return { detail: { command: last.command ?? null, rowCount: last.rowCount ?? null } };
  },
};
