import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { AuditPage } from '../src/catalog/audit-types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import type { DataPage } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const KEY = 'DE';
const P = `/api/projects/${KEY}`;
type Refusal = { error: { code: string; message: string; details?: { datasets: string[] } } };

/**
 * What a connection must never let project members do: overwrite a source table without being
 * asked, send the stored password somewhere else, or write through a read. One PostgreSQL server
 * for the file; project DE with a project admin (ana), a writer (wendy) and a reader (rita).
 */
describe('connections: source tables, secrets and read-only reads', () => {
  let s: TestServer;
  let db: RunningPostgres;
  const token: Record<string, string> = {};
  const as = <T = unknown>(user: string, method: string, url: string, body?: unknown) =>
    s.call<T>(method, `${P}${url}`, { token: token[user], body });
  const sql = async <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };

  /** A dataset over a table of connection shop (saved by `user`). */
  const tableDataset = async (name: string, user = 'wendy') =>
    expect(
      (
        await as(user, 'POST', '/datasets', {
          name,
          storage: { type: 'database', connection: 'shop', table: { name } },
        })
      ).status,
    ).toBe(201);

  /** Saves a SQL recipe as the writer and builds its output: the build must succeed. */
  const saveAndBuild = async (r: { name: string; inputs: string[]; output: string; sql: string }) => {
    const recipe = { type: 'sql', ...r };
    expect((await as('wendy', 'POST', '/recipes', recipe)).status).toBe(201);
    const build = await as<{ jobId: string }>('wendy', 'POST', '/builds', { targets: [r.output] });
    expect(build.status).toBe(202);
    expect((await waitForJobEnd(s, KEY, build.body.jobId, token.wendy)).status).toBe('succeeded');
    return recipe;
  };

  beforeAll(async () => {
    [s, db] = await Promise.all([startTestServer(), startPostgres()]);
    token.admin = s.adminToken;
    await sql(
      `CREATE TABLE products (id int, name text, price numeric(8,2), stock int, active boolean);
       INSERT INTO products VALUES (1, 'cable', 2.5, 10, true), (2, 'lna', 900, 2, true), (3, 'dewar', 5000, 1, false);
       CREATE TABLE lines (order_id int, product_id int, qty int);
       INSERT INTO lines VALUES (10, 1, 4), (11, 2, 1);`,
    );
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: KEY } })).status).toBe(201);
    for (const [user, role] of [
      ['ana', 'admin'],
      ['wendy', 'writer'],
      ['rita', 'reader'],
    ]) {
      const password = `password-of-${user}`;
      expect(
        (await s.call('POST', '/api/users', { token: s.adminToken, body: { username: user, password } })).status,
      ).toBe(201);
      expect((await as('admin', 'PUT', `/members/${user}`, { role })).status).toBe(200);
      token[user] = await s.login(user, password);
    }
    expect((await as('admin', 'POST', '/connections', { name: 'shop', type: 'postgres', url: db.url })).status).toBe(
      201,
    );
    for (const table of ['products', 'lines']) await tableDataset(table, 'admin');
  });
  afterAll(async () => {
    await s?.stop();
    await db?.stop();
  });

  describe('a recipe writing a source table read in place', () => {
    const clobber = {
      name: 'clobber',
      type: 'sql',
      inputs: ['lines'],
      output: 'products',
      sql: 'SELECT order_id AS id FROM lines',
    };

    it('is refused (409) until the request confirms, naming the connection and table; the table is untouched', async () => {
      const refused = await as<Refusal>('wendy', 'POST', '/recipes', clobber);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('replaces_uploaded');
      expect(refused.body.error.message).toContain(
        'would replace the contents of PostgreSQL table shop.public.products (dataset products)',
      );
      expect(refused.body.error.details).toEqual({ datasets: ['products'] });
      expect((await as('wendy', 'GET', '/recipes/clobber')).status).toBe(404);
      expect(await sql('SELECT count(*)::int AS n FROM products')).toEqual([{ n: 3 }]);

      // Confirmed, it is saved, and then building it replaces the table as asked.
      expect((await as('wendy', 'POST', '/recipes', { ...clobber, replaceUploaded: true })).status).toBe(201);
      expect((await as('wendy', 'PUT', '/recipes/clobber', clobber)).status).toBe(200);
      expect((await as('wendy', 'DELETE', '/recipes/clobber')).status).toBe(204);
    });

    it('a new table of the connection (not there yet) needs no confirmation; nor does rebuilding what a build wrote', async () => {
      await tableDataset('order_ids', 'admin');
      const recipe = await saveAndBuild({
        name: 'ids',
        inputs: ['lines'],
        output: 'order_ids',
        sql: 'SELECT order_id FROM lines',
      });
      expect(await sql('SELECT count(*)::int AS n FROM order_ids')).toEqual([{ n: 2 }]);
      // The table now exists, but a build wrote it: another recipe may take it over without asking.
      expect((await as('wendy', 'DELETE', '/recipes/ids')).status).toBe(204);
      expect((await as('wendy', 'POST', '/recipes', { ...recipe, name: 'ids2' })).status).toBe(201);
    });

    it('turning a notebook cell into a recipe over the source table is refused the same way', async () => {
      expect(
        (
          await as('wendy', 'POST', '/notebooks', {
            id: 'nb',
            name: 'Orders',
            cells: [{ type: 'sql', source: 'SELECT order_id AS id FROM lines' }],
          })
        ).status,
      ).toBe(201);
      const refused = await as<Refusal>('wendy', 'POST', '/notebooks/nb/to-recipe', { cells: [0], output: 'products' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('PostgreSQL table shop.public.products');
      const rows = await as<DataPage>('rita', 'GET', '/datasets/products/data');
      expect(rows.body.total).toBe(3);
    });
  });

  describe('a project admin moving a connection that keeps its stored password', () => {
    /** A listener speaking just enough of PostgreSQL's protocol to be sent a password in clear. */
    let listener: Server;
    let port = 0;
    const received: Buffer[] = [];
    beforeAll(async () => {
      listener = createServer((socket) => {
        socket.on('data', (chunk) => {
          received.push(chunk);
          // AuthenticationCleartextPassword: the client answers with the password itself.
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
        });
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

    it('is refused (400) until the password is entered again; testing reaches the stored host only', async () => {
      const shown = (await as<Record<string, unknown>>('ana', 'GET', '/connections/shop')).body;
      const url = shown.url as string;
      expect(url).toContain(':********@');
      const moves = [
        { ...shown, url: url.replace(/@[^/]+\//, `@127.0.0.1:${port}/`) },
        { ...shown, host: '127.0.0.1', port },
        { ...shown, user: 'someone_else' },
        { ...shown, database: 'template1' },
      ];
      for (const body of moves) {
        const refused = await as<Refusal>('ana', 'PUT', '/connections/shop', body);
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain('enter the password again to send it to a new host');
      }
      const tested = await as<{ ok: boolean }>('ana', 'POST', '/connections/shop/test');
      expect(tested.body.ok).toBe(true);
      expect(Buffer.concat(received).toString('latin1')).not.toContain('llano-test');

      // Moved with the password given again, it goes where it is told (the admin typed it).
      const moved = await as('ana', 'PUT', '/connections/shop', {
        ...shown,
        url: url.replace(/@[^/]+\//, `@127.0.0.1:${port}/`).replace('********', 'typed-by-ana'),
      });
      expect(moved.status).toBe(200);
      await as('ana', 'POST', '/connections/shop/test');
      expect(Buffer.concat(received).toString('latin1')).toContain('typed-by-ana');
      expect(Buffer.concat(received).toString('latin1')).not.toContain('llano-test');
      expect(
        (await as('admin', 'PUT', '/connections/shop', { name: 'shop', type: 'postgres', url: db.url })).status,
      ).toBe(200);
    });

    it('records which settings changed in the audit entry, never a secret', async () => {
      const shown = (await as<Record<string, unknown>>('ana', 'GET', '/connections/shop')).body;
      expect((await as('ana', 'PUT', '/connections/shop', { ...shown, description: 'the shop' })).status).toBe(200);
      const entries = (
        await s.call<AuditPage>('GET', `/api/audit?project=${KEY}&action=connection.update`, { token: s.adminToken })
      ).body.entries;
      expect(entries[0]).toMatchObject({ actor: 'ana', objectName: 'shop', detail: { changed: ['description'] } });
      expect(entries[1]).toMatchObject({ actor: 'admin', detail: { changed: ['url'] } });
      expect(JSON.stringify(entries)).not.toContain('llano-test');
      expect(JSON.stringify(entries)).not.toContain('typed-by-ana');
    });
  });

  describe('reads through a PostgreSQL connection', () => {
    const queryDataset = (name: string, query: string) =>
      as('wendy', 'POST', '/datasets', { name, storage: { type: 'database', connection: 'shop', query } });

    it('run read-only: rows, statistics, exports and copies for DuckDB see transaction_read_only on', async () => {
      expect((await queryDataset('mode', "SELECT current_setting('transaction_read_only') AS ro")).status).toBe(201);
      const page = await as<DataPage>('rita', 'GET', '/datasets/mode/data');
      expect(page.body.rows).toEqual([['on']]);
      const stats = await as<{ topValues: { value: unknown }[] }[]>('rita', 'GET', '/datasets/mode/stats');
      expect(stats.body[0].topValues.map((t) => t.value)).toEqual(['on']);
      const csv = await as<string>('wendy', 'GET', '/datasets/mode/data?format=csv');
      expect(String(csv.body), JSON.stringify(csv.body)).toContain('on');
      expect(String(csv.body)).not.toContain('off');
      // A DuckDB recipe reads the query dataset through a Parquet copy: read-only too.
      await saveAndBuild({ name: 'copy_mode', inputs: ['mode'], output: 'mode_copy', sql: 'SELECT ro FROM mode' });
      expect((await as<DataPage>('rita', 'GET', '/datasets/mode_copy/data')).body.rows).toEqual([['on']]);
    });

    it('cannot write: a query dataset calling lo_import or nextval is refused and leaves nothing behind', async () => {
      await sql('CREATE SEQUENCE ticket');
      expect((await queryDataset('grab', "SELECT lo_import('/etc/hostname') AS oid")).status).toBe(201);
      expect((await queryDataset('bump', "SELECT nextval('ticket') AS n")).status).toBe(201);
      for (const name of ['grab', 'bump']) {
        const read = await as<Refusal>('wendy', 'GET', `/datasets/${name}/data`);
        expect(read.status).toBe(400);
        expect(read.body.error.message).toMatch(/read-only transaction/);
        expect((await as('wendy', 'GET', `/datasets/${name}/stats`)).status).toBe(400);
      }
      expect(await sql('SELECT count(*)::int AS n FROM pg_largeobject_metadata')).toEqual([{ n: 0 }]);
      expect(await sql('SELECT last_value::int AS n, is_called FROM ticket')).toEqual([{ n: 1, is_called: false }]);
      // A query cannot switch the session to writing for the next read either: the SET is undone with the read.
      expect(
        (await queryDataset('unlock', "SELECT set_config('default_transaction_read_only', 'off', false) AS was"))
          .status,
      ).toBe(201);
      expect((await as('wendy', 'GET', '/datasets/unlock/data')).status).toBe(200);
      expect((await as<DataPage>('rita', 'GET', '/datasets/mode/data')).body.rows).toEqual([['on']]);
    });
  });

  describe('incremental builds over PostgreSQL', () => {
    type Flow = { nodes: { kind: string; name: string; stale: string | null }[] };
    const staleOf = async (recipe: string) =>
      (await as<Flow>('wendy', 'GET', '/flow')).body.nodes.find((n) => n.kind === 'recipe' && n.name === recipe)?.stale;
    const build = async (target: string) => {
      const started = await as<{ jobId: string }>('wendy', 'POST', '/builds', { targets: [target] });
      expect((await waitForJobEnd(s, KEY, started.body.jobId, token.wendy)).status).toBe('succeeded');
    };

    it('notice an UPDATE, an insert and a schema change of a source table, and nothing else', async () => {
      await sql('CREATE TABLE stock (item int, qty int); INSERT INTO stock VALUES (1, 5), (2, 7);');
      await tableDataset('stock', 'wendy');
      await saveAndBuild({
        name: 'total',
        inputs: ['stock'],
        output: 'stock_total',
        sql: 'SELECT sum(qty) AS q FROM stock',
      });
      expect(await staleOf('total')).toBeNull();
      // Another table's change is not this one's.
      await sql('INSERT INTO lines VALUES (12, 3, 1)');
      expect(await staleOf('total')).toBeNull();

      // Each change is made by a session that ends, so its statistics are reported at once.
      for (const change of [
        'UPDATE stock SET qty = 6 WHERE item = 1',
        'INSERT INTO stock VALUES (3, 1)',
        'ALTER TABLE stock ALTER COLUMN qty TYPE bigint',
      ]) {
        await sql(change);
        await expect.poll(() => staleOf('total')).toBe('input changed');
        await build('stock_total');
        expect(await staleOf('total')).toBeNull();
      }
      expect((await as<DataPage>('rita', 'GET', '/datasets/stock_total/data')).body.rows).toEqual([[14]]);
    });

    it('rebuild what reads a query dataset every time, and say why', async () => {
      expect(
        (
          await as('wendy', 'POST', '/datasets', {
            name: 'cheap',
            storage: { type: 'database', connection: 'shop', query: 'SELECT id FROM products WHERE price < 100' },
          })
        ).status,
      ).toBe(201);
      await saveAndBuild({
        name: 'count_cheap',
        inputs: ['cheap'],
        output: 'cheap_n',
        sql: 'SELECT count(*) AS n FROM cheap',
      });
      expect(await staleOf('count_cheap')).toBe('source cannot tell changes: always rebuilt');
    });
  });

  describe("the workspace's own files", () => {
    it('are readable by the server user only: catalog files 0600, folders 0700', () => {
      for (const f of ['catalog.db', 'catalog.db-wal']) expect(statSync(path.join(s.home, f)).mode & 0o777).toBe(0o600);
      for (const d of ['data', 'logs', 'tmp']) expect(statSync(path.join(s.home, d)).mode & 0o777).toBe(0o700);
    });

    it('cannot be read through a connection: SQLite files and folders inside the home are refused', async () => {
      for (const body of [
        { name: 'steal', type: 'sqlite', path: path.join(s.home, 'catalog.db') },
        { name: 'steal', type: 'filesystem', root: path.join(s.home, 'data') },
        { name: 'steal', type: 'filesystem', root: s.home },
      ]) {
        const refused = await as<Refusal>('admin', 'POST', '/connections', body);
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain('is inside the workspace home');
      }
      expect((await as('admin', 'GET', '/connections/steal')).status).toBe(404);
    });

    it('cannot be read through a folder that contains the home: / and a parent of the home are refused', async () => {
      for (const root of ['/', path.dirname(s.home)]) {
        const refused = await as<Refusal>('admin', 'POST', '/connections', { name: 'above', type: 'filesystem', root });
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain(`${root} contains the workspace home`);
      }
      expect((await as('admin', 'GET', '/connections/above')).status).toBe(404);
      // A sibling whose name only starts like the home's is outside it.
      const sibling = `${s.home}-sibling`;
      mkdirSync(sibling);
      try {
        const saved = await as('admin', 'POST', '/connections', { name: 'beside', type: 'filesystem', root: sibling });
        expect(saved.status).toBe(201);
        expect((await as('admin', 'DELETE', '/connections/beside')).status).toBe(204);
      } finally {
        rmSync(sibling, { recursive: true });
      }
    });
  });
});
