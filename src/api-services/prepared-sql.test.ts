import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbSandbox } from '../engine/duckdb-sandbox.js';
import { PreparedStatements, type ReadyStatement } from './prepared-sql.js';

// Real DuckDB connections and statements; the sandbox around them only records that it was closed.
let instance: DuckDBInstance;
const closed: string[] = [];

async function ready(name: string): Promise<ReadyStatement> {
  const conn = await instance.connect();
  const sandbox: DuckDbSandbox = {
    conn,
    workDir: '',
    close() {
      closed.push(name);
      conn.closeSync();
      return Promise.resolve();
    },
  };
  return { sandbox, views: [], prepared: await conn.prepare('SELECT $1::INTEGER + 1 AS n'), idleSince: 0 };
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

describe('ready SQL endpoint statements', () => {
  it('gives a kept statement back for its own key only, and it runs again with new values', async () => {
    const statements = new PreparedStatements();
    const a = await ready('a');
    statements.keep('k1', a);
    expect(statements.take('k2')).toBeUndefined();
    const again = statements.take('k1');
    expect(again).toBe(a);
    for (const n of [1, 41]) {
      again!.prepared.clearBindings();
      again!.prepared.bindInteger(1, n);
      const reader = await again!.prepared.runAndReadAll();
      expect(reader.getRowObjects()).toEqual([{ n: n + 1 }]);
    }
    expect(statements.take('k1')).toBeUndefined();
    statements.close();
  });

  it('keeps at most four per key and closes the rest; closing closes every kept one', async () => {
    closed.length = 0;
    const statements = new PreparedStatements();
    for (const name of ['s1', 's2', 's3', 's4', 's5']) statements.keep('k', await ready(name));
    await new Promise((r) => setImmediate(r));
    expect(closed).toEqual(['s5']);
    statements.close();
    await new Promise((r) => setImmediate(r));
    expect(closed.sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    statements.keep('k', await ready('late'));
    await new Promise((r) => setImmediate(r));
    expect(closed).toContain('late');
  });

  it('does not hand out a statement idle longer than 30 s', async () => {
    closed.length = 0;
    const statements = new PreparedStatements();
    const old = await ready('old');
    statements.keep('k', old);
    old.idleSince = Date.now() - 31_000;
    expect(statements.take('k')).toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(closed).toEqual(['old']);
  });
});
