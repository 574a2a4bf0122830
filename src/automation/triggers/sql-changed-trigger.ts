import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { requireCapability } from '../../connectors/registry.js';
import { getConnection } from '../../datasets/connections.js';
import { pollSeconds } from './common.js';
import { defineTrigger } from './define-trigger.js';

/** Polls a query on a connection whose type runs SQL; a different result fires. */
export const sqlChangedTrigger = defineTrigger('sql-changed', {
  label: 'SQL result changed',
  kind: 'poll',
  params: z.object({
    connection: z.string().min(1).describe('A connection of the project that runs SQL (PostgreSQL, SQLite)'),
    query: z
      .string()
      .min(1)
      .max(100_000)
      .describe('A query whose result is watched, e.g. SELECT max(updated_at) FROM t'),
    everySeconds: pollSeconds,
  }),
  examples: [
    {
      title: 'Run when the shift log gets a new entry',
      params: { connection: 'ops_db', query: 'SELECT max(updated_at) FROM shift_log', everySeconds: 120 },
    },
  ],
  async validate(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection).catch(() => null);
    if (!conn) throw badRequest(`connection ${p.connection} does not exist in project ${ctx.projectKey}`);
    requireCapability(conn, 'runSql');
  },
  describe: (p) => `result of a query on ${p.connection} changed`,
  pollEvery: (p) => p.everySeconds * 1000,
  async poll(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection);
    const { can: runSql, settings } = requireCapability(conn, 'runSql');
    const result = await runSql(settings, p.query, {
      signal: ctx.signal,
      db: ctx.ws.duck,
      timeoutMs: ctx.ws.config.queryTimeoutSeconds * 1000,
      // A trigger only looks: its query runs read-only, one statement.
      readOnly: true,
    });
    // Results are compared by hash: the state row stays small whatever the query returns.
    return createHash('sha256').update(JSON.stringify(result.rows)).digest('hex');
  },
});
