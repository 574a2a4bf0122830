import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type RunningPostgres } from './embedded-postgres.js';

let server: RunningPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

it('starts a PostgreSQL server that accepts connections on its URL', async () => {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const result = await client.query<{ two: number }>('SELECT 1 + 1 AS two');
    expect(result.rows[0].two).toBe(2);
  } finally {
    await client.end();
  }
});
