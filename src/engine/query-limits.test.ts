import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from './duckdb.js';
import { openSandbox } from './duckdb-sandbox.js';
import { memoryShares, parseMemoryLimit, SANDBOX_SHARES } from './memory-budget.js';
import { defaultUserQueries, interruptible, QueryGate } from './query-limits.js';

const RUNAWAY = 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t) SELECT count(*) FROM t';

describe('interruptible', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open();
  });
  afterAll(() => db.close());

  it('stops a runaway query at its time limit, naming the setting', async () => {
    const started = Date.now();
    const run = db.withConnection((conn) =>
      interruptible(conn, { timeoutMs: 300, setting: 'LLANO_QUERY_TIMEOUT_SECONDS' }, () =>
        db.query(RUNAWAY, [], conn),
      ),
    );
    await expect(run).rejects.toMatchObject({ status: 408, message: /0\.3 s.*LLANO_QUERY_TIMEOUT_SECONDS/ });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops it when the signal aborts', async () => {
    const client = new AbortController();
    setTimeout(() => client.abort(), 200);
    const run = db.withConnection((conn) =>
      interruptible(conn, { signal: client.signal }, () => db.query(RUNAWAY, [], conn)),
    );
    await expect(run).rejects.toMatchObject({ code: 'query_cancelled' });
  });

  it('leaves quick queries alone', async () => {
    const r = await db.withConnection((conn) =>
      interruptible(conn, { timeoutMs: 5000 }, () => db.query('SELECT 42', [], conn)),
    );
    expect(r.rows).toEqual([[42]]);
  });
});

describe('QueryGate', () => {
  it('runs at most `capacity` tasks at once, the rest in order', async () => {
    const gate = new QueryGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) =>
      gate.run(undefined, async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        order.push(i);
      });
    await Promise.all([0, 1, 2, 3, 4].map(task));
    expect(most).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4]);
  });

  it('drops a waiter whose client went away, which never runs', async () => {
    const gate = new QueryGate(1);
    let release!: () => void;
    const first = gate.run(undefined, () => new Promise<void>((r) => (release = r)));
    const client = new AbortController();
    let ran = false;
    const second = gate.run(client.signal, () => Promise.resolve((ran = true)));
    client.abort();
    await expect(second).rejects.toMatchObject({ code: 'query_cancelled' });
    release();
    await first;
    expect(ran).toBe(false);
    await gate.run(undefined, () => Promise.resolve());
  });
});

describe('QueryGate between owners', () => {
  /** A task that holds its place until `end()`, which waits for it to have started. */
  const hold = (gate: QueryGate, owner?: string) => {
    let started!: (release: () => void) => void;
    const running = new Promise<() => void>((r) => (started = r));
    const done = gate.run({ owner }, () => new Promise<void>((release) => started(release)));
    return { done, end: async () => (await running)() };
  };

  it('never lets one owner take every place: the next owner runs beside them', async () => {
    const gate = new QueryGate(2);
    const a1 = hold(gate, 'mallory');
    let a2Started = false;
    const a2 = gate.run({ owner: 'mallory' }, () => Promise.resolve(void (a2Started = true)));
    let aliceRan = false;
    await gate.run({ owner: 'alice' }, () => Promise.resolve(void (aliceRan = true)));
    expect(aliceRan).toBe(true);
    expect(a2Started).toBe(false);
    await a1.end();
    await a1.done;
    await a2;
    expect(a2Started).toBe(true);
  });

  it('keeps the order of one owner’s tasks, and does not cap tasks without an owner', async () => {
    const gate = new QueryGate(2);
    const order: string[] = [];
    const a1 = hold(gate, 'mallory');
    const later = ['m2', 'm3'].map((name) =>
      gate.run({ owner: 'mallory' }, () => Promise.resolve(void order.push(name))),
    );
    const b = hold(gate);
    const c = gate.run(undefined, () => Promise.resolve(void order.push('unowned')));
    await b.end();
    await b.done;
    await c;
    await a1.end();
    await Promise.all([a1.done, ...later]);
    expect(order).toEqual(['unowned', 'm2', 'm3']);
  });

  it('answers 503 busy after waiting maxWaitMs, and the waiter never runs', async () => {
    const gate = new QueryGate(1);
    const first = hold(gate, 'mallory');
    let ran = false;
    await expect(
      gate.run({ owner: 'alice', maxWaitMs: 50 }, () => Promise.resolve(void (ran = true))),
    ).rejects.toMatchObject({
      status: 503,
      code: 'busy',
      message: /waited 0\.\d+ s for one of the 1 places of user queries \(LLANO_MAX_USER_QUERIES\)/,
    });
    await first.end();
    await first.done;
    await gate.run({ owner: 'alice' }, () => Promise.resolve());
    expect(ran).toBe(false);
  });
});

describe('limits from the machine', () => {
  it('leave two pool threads beside user queries, reads and builds', () => {
    expect(defaultUserQueries(2, 2, 4)).toBe(1);
    expect(defaultUserQueries(8, 2, 16)).toBe(6);
    expect(defaultUserQueries(16, 2, 16)).toBe(6);
    expect(defaultUserQueries(2, 2, 64)).toBe(2);
  });

  it('read sizes and shares of RAM', () => {
    expect(parseMemoryLimit('4GB')).toBe(4e9);
    expect(parseMemoryLimit('512 MiB')).toBe(512 * 1024 ** 2);
    expect(parseMemoryLimit('60%', 10e9)).toBe(6e9);
    expect(() => parseMemoryLimit('lots')).toThrow(/LLANO_MEMORY_LIMIT/);
    expect(() => parseMemoryLimit('150%')).toThrow(/between 0 and 100/);
  });

  it('share the budget so that the main instance and every sandbox together stay within it', () => {
    const shares = memoryShares('12GB');
    const mb = (s: string) => Number(/^(\d+)MB$/.exec(s)![1]) * 1e6;
    expect(mb(shares.main) + SANDBOX_SHARES * mb(shares.sandbox)).toBeLessThanOrEqual(12e9);
    expect(mb(shares.main)).toBe(6e9);
  });
});

describe('sandboxes of a database with a memory budget', () => {
  it('get their share of memory and work under the given folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llano-sandboxes-'));
    const db = await DuckDb.open(':memory:', { memoryLimit: '1GB', sandboxMemoryLimit: '100MB', sandboxDir: dir });
    try {
      const sandbox = await openSandbox(db, db.sandboxes.dir, []);
      try {
        const r = await db.query("SELECT current_setting('memory_limit')", [], sandbox.conn);
        expect(r.rows[0][0]).toBe('95.3 MiB');
        expect(sandbox.workDir.startsWith(dir + '/')).toBe(true);
      } finally {
        await sandbox.close();
      }
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
