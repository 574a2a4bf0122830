import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { getConnection, postgresInfo } from '../../datasets/connections.js';
import { withPostgresClient } from '../../engine/postgres-connection.js';
import { pollSeconds } from './common.js';
import { defineTrigger } from './define-trigger.js';

/** Polls a query on a PostgreSQL connection; a different result fires. */
export const sqlChangedTrigger = defineTrigger('sql-changed', {
  label: 'SQL result changed',
  kind: 'poll',
  params: z.object({
    connection: z.string().min(1).describe('A PostgreSQL connection of the project'),
    query: z.string().min(1).max(100_000).describe('A query whose result is watched, e.g. SELECT max(updated_at) FROM t'),
    everySeconds: pollSeconds,
  }),
  examples: [{ title: 'Run when the shift log gets a new entry', params: { connection: 'ops_db', query: 'SELECT max(updated_at) FROM shift_log', everySeconds: 120 } }],
  async validate(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection).catch(() => null);
    if (!conn) throw badRequest(`connection ${p.connection} does not exist in project ${ctx.projectKey}`);
    if (conn.type !== 'postgres') throw badRequest(`connection ${p.connection} is not a PostgreSQL connection`);
  },
  describe: (p) => `result of a query on ${p.connection} changed`,
  pollEvery: (p) => p.everySeconds * 1000,
  async poll(ctx, p) {
    const conn = await getConnection(ctx.ws, ctx.projectKey, p.connection);
    if (conn.type !== 'postgres') throw badRequest(`connection ${p.connection} is not a PostgreSQL connection`);
    const result = await withPostgresClient(ctx.ws.duck, postgresInfo(conn), (client) => client.query({ text: p.query, rowMode: 'array' }));
    // Results are compared by hash: the state row stays small whatever the query returns.
    return createHash('sha256').update(JSON.stringify(result.rows)).digest('hex');
  },
});
