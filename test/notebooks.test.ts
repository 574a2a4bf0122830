import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellOutput, CellRun, NotebookInfo } from '../src/notebooks/notebook-types.js';
import { omit } from '../src/common/omit.js';
import { llano } from './support/cli.js';
import { followEvents, type ServerEvent } from './support/event-stream.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/**
 * Notebooks end to end over a real server, real DuckDB and real kernels (Node and
 * /usr/bin/python3 in the sandbox): CRUD and history, SQL cells against an independent DuckDB
 * query, kernel state between cells, tracebacks, interrupt and limits, .ipynb both ways, recipes.
 */

const CSV = `antenna,band,trec
DA41,6,35.5
DA42,6,36.1
DV03,3,41.0
DA41,3,30.25
DV03,6,
`;
const P = '/api/projects/NB';
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'jupyter-trec-qa.ipynb');

let s: TestServer;
let reader: string;
let writer: string;

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

const create = (body: Record<string, unknown>, token = writer) =>
  ok(s.call<NotebookInfo>('POST', `${P}/notebooks`, { token, body }), 201);
const run = (id: string, index: number, body: Record<string, unknown> = {}, token = writer) =>
  ok(s.call<CellRun>('POST', `${P}/notebooks/${id}/cells/${index}/run`, { token, body }));
const texts = (outputs: CellOutput[]) => outputs.map((o) => (o.type === 'text' ? o.text : `<${o.type}>`));

beforeAll(async () => {
  s = await startTestServer();
  for (const u of ['nreader', 'nwriter'])
    await ok(
      s.call('POST', '/api/users', { token: s.adminToken, body: { username: u, password: `password-${u}` } }),
      201,
    );
  await ok(s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'NB' } }), 201);
  await ok(s.call('PUT', `${P}/members/nreader`, { token: s.adminToken, body: { role: 'reader' } }));
  await ok(s.call('PUT', `${P}/members/nwriter`, { token: s.adminToken, body: { role: 'writer' } }));
  reader = await s.login('nreader', 'password-nreader');
  writer = await s.login('nwriter', 'password-nwriter');
  expect((await s.upload(`${P}/datasets/obs/upload`, CSV, 'obs.csv')).status).toBe(201);
}, 60_000);
afterAll(async () => s?.stop());

describe('notebooks', () => {
  it('are versioned project objects: create, read, list, replace, history, revert, delete', async () => {
    const made = await create({ id: 'crud', name: 'CRUD', cells: [{ type: 'markdown', source: '# Hello' }] });
    expect(made).toMatchObject({ id: 'crud', projectKey: 'NB', revision: 1, updatedBy: 'nwriter' });
    expect((await s.call('POST', `${P}/notebooks`, { token: writer, body: made })).status).toBe(409);
    const bad = await s.call<{ error: { message: string } }>('POST', `${P}/notebooks`, {
      token: writer,
      body: { id: 'bad', name: 'Bad', cells: [{ type: 'cobol', source: '' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('cells.0.type');
    const changed = await ok(
      s.call<NotebookInfo>('PUT', `${P}/notebooks/crud`, {
        token: writer,
        body: { ...made, cells: [...made.cells, { type: 'sql', source: 'SELECT 1 AS one' }] },
      }),
    );
    expect(changed.revision).toBe(2);
    // Someone else's newer save is not overwritten.
    expect((await s.call('PUT', `${P}/notebooks/crud`, { token: writer, body: made })).status).toBe(409);
    const list = await ok(s.call<NotebookInfo[]>('GET', `${P}/notebooks`, { token: reader }));
    expect(list.map((n) => n.id)).toContain('crud');
    const history = await ok(s.call<{ revision: number }[]>('GET', `${P}/history/notebook/crud`, { token: reader }));
    expect(history.map((h) => h.revision)).toEqual([2, 1]);
    await ok(s.call('POST', `${P}/history/notebook/crud/revert`, { token: writer, body: { revision: 1 } }));
    const reverted = await ok(s.call<NotebookInfo>('GET', `${P}/notebooks/crud`, { token: reader }));
    expect(reverted.cells).toEqual([{ type: 'markdown', source: '# Hello' }]);
    expect(reverted.revision).toBe(3);
    // Readers read but neither change nor run.
    expect((await s.call('PUT', `${P}/notebooks/crud`, { token: reader, body: reverted })).status).toBe(403);
    expect((await s.call('POST', `${P}/notebooks/crud/cells/0/run`, { token: reader, body: {} })).status).toBe(403);
    expect((await s.call('DELETE', `${P}/notebooks/crud`, { token: writer })).status).toBe(204);
    expect((await s.call('GET', `${P}/notebooks/crud`, { token: writer })).status).toBe(404);
  });

  it('runs a SQL cell on the project datasets: the same rows as an independent DuckDB query', async () => {
    const sql = 'SELECT antenna, count(*) AS n, avg(trec) AS mean_trec FROM obs GROUP BY antenna ORDER BY antenna';
    await create({ id: 'sqlnb', name: 'SQL', cells: [{ type: 'sql', source: sql }] });
    const result = await run('sqlnb', 0);
    expect(result.outputs).toHaveLength(1);
    const table = result.outputs[0] as Extract<CellOutput, { type: 'table' }>;
    expect(table.type).toBe('table');

    const file = path.join(s.home, 'independent.csv');
    writeFileSync(file, CSV);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const expected = await conn.runAndReadAll(sql.replace('FROM obs', `FROM read_csv('${file}')`));
    expect(table.columns.map((c) => c.name)).toEqual(expected.columnNames());
    expect(table.columns.map((c) => c.type)).toEqual(expected.columnTypes().map(String));
    expect(table.rows).toEqual(
      expected.getRowsJson().map((r) => r.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v))),
    );
    expect(table.total).toBe(3);
    conn.closeSync();
    db.closeSync();
  });

  it('keeps the first rows of a large result and its total; a saved notebook keeps fewer', async () => {
    await create({
      id: 'big',
      name: 'Big',
      cells: [
        { type: 'sql', source: 'SELECT i, i * 2 AS twice FROM range(5000) t(i)' },
        { type: 'sql', source: 'SELECT nope FROM obs' },
      ],
    });
    const result = await run('big', 0, { save: true });
    const table = result.outputs[0] as Extract<CellOutput, { type: 'table' }>;
    expect(table.rows).toHaveLength(1000);
    expect(table.total).toBe(5000);
    expect(result.revision).toBe(2);
    const saved = await ok(s.call<NotebookInfo>('GET', `${P}/notebooks/big`, { token: reader }));
    const kept = saved.cells[0].outputs![0] as Extract<CellOutput, { type: 'table' }>;
    expect(kept.rows).toHaveLength(200);
    expect(kept.total).toBe(5000);
    // An engine error is the cell's error output, not a failed request.
    const failed = await run('big', 1);
    expect(failed.outputs[0]).toMatchObject({ type: 'error', name: 'SQLError' });
    expect((failed.outputs[0] as { message: string }).message).toContain('nope');
    expect((await s.call('POST', `${P}/notebooks/big/cells/7/run`, { token: writer, body: {} })).status).toBe(400);
  });

  it('keeps Python state between cells; prints, values, DataFrames, sql() and tracebacks', async () => {
    await create({
      id: 'py',
      name: 'Python',
      cells: [
        { type: 'python', source: 'x = 20\nimport pandas as pd' },
        { type: 'python', source: "print('half of', x * 2 + 2)\nx * 2 + 2" },
        { type: 'python', source: "df = sql('SELECT antenna, trec FROM obs ORDER BY trec NULLS LAST')\ndf" },
        { type: 'python', source: 'def f(v):\n    return 1 / v\n\nf(0)' },
      ],
    });
    expect((await run('py', 0)).outputs).toEqual([]);
    const second = await run('py', 1);
    expect(second.outputs).toEqual([
      { type: 'text', text: 'half of 42\n', stream: 'stdout' },
      { type: 'text', text: '42' },
    ]);
    expect(second.executionCount).toBe(2);
    const frame = (await run('py', 2)).outputs[0] as Extract<CellOutput, { type: 'table' }>;
    expect(frame.type).toBe('table');
    expect(frame.columns.map((c) => c.name)).toEqual(['antenna', 'trec']);
    expect(frame.rows[0]).toEqual(['DA41', 30.25]);
    expect(frame.total).toBe(5);
    const error = (await run('py', 3)).outputs[0] as Extract<CellOutput, { type: 'error' }>;
    expect(error).toMatchObject({ type: 'error', name: 'ZeroDivisionError', message: 'division by zero' });
    expect(error.traceback).toMatch(/line 4[\s\S]*line 2, in f/);
    expect(error.traceback).not.toContain('notebook_kernel');
  }, 60_000);

  it('keeps TypeScript state between cells; console output, values, tables from sql() and stack traces', async () => {
    await create({
      id: 'ts',
      name: 'TypeScript',
      cells: [
        {
          type: 'typescript',
          source: 'const base: number = 40;\nfunction twice(v: number): number {\n  return v * 2;\n}',
        },
        { type: 'typescript', source: "console.log('base is', base);\nbase + twice(1)" },
        {
          type: 'typescript',
          source: "const rows = await sql('SELECT antenna, band FROM obs ORDER BY antenna, band');\nrows",
        },
        { type: 'typescript', source: 'const broken: number = (undefined as any).field;' },
        { type: 'typescript', source: 'const = ;' },
      ],
    });
    await run('ts', 0);
    expect((await run('ts', 1)).outputs).toEqual([
      { type: 'text', text: 'base is 40\n', stream: 'stdout' },
      { type: 'text', text: '42' },
    ]);
    const table = (await run('ts', 2)).outputs[0] as Extract<CellOutput, { type: 'table' }>;
    expect(table).toMatchObject({ type: 'table', total: 5 });
    expect(table.rows[0]).toEqual(['DA41', 3]);
    const error = (await run('ts', 3)).outputs[0] as Extract<CellOutput, { type: 'error' }>;
    expect(error).toMatchObject({ type: 'error', name: 'TypeError' });
    expect(error.traceback).toContain('cell:');
    const syntax = (await run('ts', 4)).outputs[0];
    expect(syntax).toMatchObject({ type: 'error', name: 'SyntaxError' });
  }, 60_000);

  it('imports the project library files in Python and TypeScript cells as code recipes do, as they are now; no file outside', async () => {
    const library = (name: string, content: string) =>
      ok(s.call('POST', `${P}/libraries`, { token: writer, body: { name, content } }), 201);
    const replace = (name: string, content: string) =>
      ok(s.call('PUT', `${P}/libraries/${name}`, { token: writer, body: { name, content } }));
    await library('helpers.py', 'def triple(x):\n    return 3 * x\n');
    await library('helpers_ts.ts', 'export const triple = (x: number): number => 3 * x;\n');
    // A file of the workspace outside the notebook's folder (here: next to the project folders).
    writeFileSync(path.join(s.home, 'data', 'outside.ts'), "export const secret = 'outside';\n");
    await create({
      id: 'libs',
      name: 'Libraries',
      cells: [
        { type: 'python', source: 'from helpers import triple\ntriple(14)' },
        { type: 'typescript', source: 'import { triple } from "./lib/helpers_ts.ts";\ntriple(14)' },
        { type: 'python', source: 'import importlib, helpers\nimportlib.reload(helpers)\nhelpers.triple(14)' },
        { type: 'typescript', source: 'import { secret } from "../../../outside.ts";\nsecret' },
      ],
    });
    expect(texts((await run('libs', 0)).outputs)).toEqual(['42']);
    expect(texts((await run('libs', 1)).outputs)).toEqual(['42']);
    // A changed library: the files are rewritten; the next import (TypeScript) or reload (Python) sees it.
    await replace('helpers.py', 'def triple(x):\n    return 4 * x\n');
    await replace('helpers_ts.ts', 'export const triple = (x: number): number => 4 * x;\n');
    expect(texts((await run('libs', 2)).outputs)).toEqual(['56']);
    expect(texts((await run('libs', 1)).outputs)).toEqual(['56']);
    const outside = (await run('libs', 3)).outputs[0];
    expect(outside).toMatchObject({ type: 'error', name: 'ImportError' });
    expect(JSON.stringify(outside)).toContain("outside the notebook's folder");
  }, 120_000);

  /** Follows a session's cell events over HTTP (as the page does); resolves once the server follows it. */
  async function follow(id: string, session: string) {
    const events = await followEvents(`${s.url}${P}/notebooks/${id}/events?session=${session}`, writer);
    await events.next((e) => e.type === 'ready');
    return events;
  }
  const printed = (text: string) => (e: ServerEvent) =>
    e.type === 'output' &&
    (e.data as { output: CellOutput }).output.type === 'text' &&
    JSON.stringify(e.data).includes(text);
  const interrupt = (id: string, session: string) =>
    ok(
      s.call<{ stopped: number; restarted: string[] }>('POST', `${P}/notebooks/${id}/interrupt`, {
        token: writer,
        body: { session },
      }),
    );

  it('interrupts an infinite loop with KeyboardInterrupt: what it printed stays, the variables too; restart loses them', async () => {
    await create({
      id: 'loop',
      name: 'Loop',
      cells: [
        { type: 'python', source: 'kept = 1' },
        { type: 'python', source: 'print("looping", flush=True)\nwhile True:\n    pass' },
        { type: 'python', source: "'kept' in globals()" },
      ],
    });
    await run('loop', 0, { session: 'a' });
    const events = await follow('loop', 'a');
    try {
      const running = run('loop', 1, { session: 'a' });
      // Interrupt once the cell runs (its first line came), not after a guessed delay.
      await events.next(printed('looping'));
      expect(await interrupt('loop', 'a')).toEqual({ stopped: 1, restarted: [] });
      const interrupted = await running;
      expect(interrupted.outputs[0]).toEqual({ type: 'text', text: 'looping\n', stream: 'stdout' });
      expect(interrupted.outputs[1]).toMatchObject({
        type: 'error',
        name: 'KeyboardInterrupt',
        message: 'Interrupted',
      });
      expect((interrupted.outputs[1] as { traceback: string }).traceback).toContain('<cell');
      expect((interrupted.outputs[1] as { traceback: string }).traceback).not.toContain('notebook_kernel');
      expect(interrupted.executionCount).toBe(2);
    } finally {
      await events.close();
    }
    expect(texts((await run('loop', 2, { session: 'a' })).outputs)).toEqual(['True']);
    // Nothing runs: an interrupt touches nothing.
    expect(await interrupt('loop', 'a')).toEqual({ stopped: 0, restarted: [] });
    expect(texts((await run('loop', 2, { session: 'a' })).outputs)).toEqual(['True']);
    // Restart: the variables are gone.
    await ok(s.call('POST', `${P}/notebooks/loop/restart`, { token: writer, body: { session: 'a' } }));
    expect(texts((await run('loop', 2, { session: 'a' })).outputs)).toEqual(['False']);
  }, 120_000);

  it('streams a cell’s outputs while it runs; an interrupt keeps them and spares the TypeScript kernel', async () => {
    await create({
      id: 'stream',
      name: 'Stream',
      cells: [
        { type: 'python', source: 'before = 10' },
        { type: 'typescript', source: 'const tsBefore = 41;' },
        {
          type: 'python',
          source: 'import time\nprint("first")\ndisplay([1, 2])\ntime.sleep(600)\nprint("second")',
        },
        { type: 'python', source: 'before + 1' },
        { type: 'typescript', source: 'tsBefore + 1' },
      ],
    });
    await run('stream', 0, { session: 'b' });
    await run('stream', 1, { session: 'b' });
    const events = await follow('stream', 'b');
    try {
      let ended = false;
      const running = run('stream', 2, { session: 'b' }).finally(() => (ended = true));
      await events.next(printed('first'));
      // The value shown with display() came too, while the cell still sleeps (600 s).
      await events.next(
        (e) =>
          e.type === 'output' &&
          (e.data as { output: CellOutput }).output.type === 'text' &&
          (e.data as { output: { text: string } }).output.text === '[1, 2]',
      );
      expect(ended).toBe(false);
      expect(events.events.find((e) => e.type === 'cell-start')?.data).toEqual({
        type: 'cell-start',
        index: 2,
        cellType: 'python',
      });
      expect(await interrupt('stream', 'b')).toEqual({ stopped: 1, restarted: [] });
      const result = await running;
      expect(result.outputs.slice(0, 2)).toEqual([
        { type: 'text', text: 'first\n', stream: 'stdout' },
        { type: 'text', text: '[1, 2]' },
      ]);
      expect(result.outputs[2]).toMatchObject({ type: 'error', name: 'KeyboardInterrupt' });
      expect(result.outputs).toHaveLength(3);
      expect((await events.next((e) => e.type === 'cell-end')).data).toEqual({ type: 'cell-end', index: 2 });
    } finally {
      await events.close();
    }
    expect(texts((await run('stream', 3, { session: 'b' })).outputs)).toEqual(['11']);
    expect(texts((await run('stream', 4, { session: 'b' })).outputs)).toEqual(['42']);
  }, 120_000);

  // Retried: about 1 run in 4 (alone, quiet machine, also on the code before session 40) a
  // TypeScript cell is stopped by a SIGINT that Node's breakOnSigint watchdog held back from
  // the previous interrupt, before or just after it prints. A run that fails every time still fails.
  let stubbornAttempts = 0;
  it(
    'restarts only the kernel whose cell will not stop, keeping what the cell printed',
    { retry: 2, timeout: 120_000 },
    async () => {
      // A notebook and session of their own per attempt (a retry must not meet the last one's kernel).
      const attempt = ++stubbornAttempts;
      const id = `stubborn${attempt}`;
      const session = `c${attempt}`;
      await create({
        id,
        name: 'Stubborn',
        cells: [
          { type: 'python', source: 'kept = 1' },
          { type: 'typescript', source: 'const tsKept = 1;' },
          {
            type: 'python',
            source:
              'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("ignoring")\nwhile True:\n    pass',
          },
          { type: 'python', source: "'kept' in globals()" },
          { type: 'typescript', source: 'tsKept + 1' },
          { type: 'typescript', source: "console.log('waiting');\nawait new Promise((r) => setTimeout(r, 600_000));" },
          { type: 'typescript', source: "console.log('spinning');\nwhile (true) {}" },
          { type: 'typescript', source: "await null;\nconsole.log('stuck');\nwhile (true) {}" },
        ],
      });
      await run(id, 0, { session });
      await run(id, 1, { session });
      const events = await follow(id, session);
      try {
        const python = run(id, 2, { session });
        await events.next(printed('ignoring'));
        expect(await interrupt(id, session)).toEqual({ stopped: 1, restarted: ['python'] });
        const outputs = (await python).outputs;
        expect(outputs[0]).toEqual({ type: 'text', text: 'ignoring\n', stream: 'stdout' });
        expect(outputs[1]).toMatchObject({ type: 'error', name: 'KernelInterrupted' });
        expect((outputs[1] as { message: string }).message).toContain('restarted');
        expect(texts((await run(id, 3, { session })).outputs)).toEqual(['False']);
        expect(texts((await run(id, 4, { session })).outputs)).toEqual(['2']);

        // A TypeScript cell is stopped inside its kernel, whether it waits or loops: its variables stay.
        await run(id, 0, { session });
        for (const [index, line] of [
          [5, 'waiting'],
          [6, 'spinning'],
        ] as const) {
          const ts = run(id, index, { session });
          await events.next(printed(line));
          expect(await interrupt(id, session)).toEqual({ stopped: 1, restarted: [] });
          const tsOutputs = (await ts).outputs;
          expect(tsOutputs[0]).toEqual({ type: 'text', text: `${line}\n`, stream: 'stdout' });
          expect(tsOutputs[1]).toMatchObject({ type: 'error', name: 'Interrupted' });
          expect(texts((await run(id, 4, { session })).outputs)).toEqual(['2']);
        }
        // One that loops without yielding after an await holds its process: the kernel restarts, the Python one stays.
        const stuck = run(id, 7, { session });
        await events.next(printed('stuck'));
        expect(await interrupt(id, session)).toEqual({ stopped: 1, restarted: ['typescript'] });
        const stuckOutputs = (await stuck).outputs;
        expect(stuckOutputs[0]).toEqual({ type: 'text', text: 'stuck\n', stream: 'stdout' });
        expect(stuckOutputs[1]).toMatchObject({ type: 'error', name: 'KernelInterrupted' });
        expect(texts((await run(id, 3, { session })).outputs)).toEqual(['True']);
        expect((await run(id, 4, { session })).outputs[0]).toMatchObject({
          type: 'error',
          name: 'ReferenceError',
        });
      } finally {
        await events.close();
      }
    },
  );

  it('keeps streaming a cell that prints more at once than the kernel sends', async () => {
    await create({
      id: 'burst',
      name: 'Burst',
      cells: [
        {
          type: 'python',
          source: 'import time\nfor i in range(500):\n    print("fast", i)\ntime.sleep(600)',
        },
        {
          type: 'typescript',
          source:
            "for (let i = 0; i < 500; i++) console.log('fast', i);\nawait new Promise((r) => setTimeout(r, 600_000));",
        },
      ],
    });
    const streamed = (events: { events: ServerEvent[] }) =>
      events.events
        .filter((e) => e.type === 'output')
        .map((e) => ((e.data as { output: CellOutput }).output as { text: string }).text)
        .join('');
    const fast = Array.from({ length: 500 }, (_, i) => `fast ${i}\n`).join('');
    const events = await follow('burst', 'd');
    try {
      // Python: the lines held back go as soon as the budget allows, while the cell sleeps.
      const python = run('burst', 0, { session: 'd' });
      await events.next(printed('fast 499'));
      expect(streamed(events)).toBe(fast);
      await interrupt('burst', 'd');
      expect((await python).outputs[0]).toEqual({ type: 'text', text: fast, stream: 'stdout' });
      // TypeScript: they go once the cell awaits.
      events.events.length = 0;
      const ts = run('burst', 1, { session: 'd' });
      await events.next(printed('fast 499'));
      expect(streamed(events)).toBe(fast);
      await interrupt('burst', 'd');
      expect((await ts).outputs[0]).toEqual({ type: 'text', text: fast, stream: 'stdout' });
    } finally {
      await events.close();
    }
  }, 120_000);

  it('answers a cell whose outputs are longer than a log line (20,000 printed lines) in full', async () => {
    // Before, the kernel's answer was cut at 16 KB like a log line, and the server fell over reading it.
    await create({
      id: 'long',
      name: 'Long',
      cells: [
        { type: 'python', source: 'for i in range(20000):\n    print("line", i)' },
        { type: 'typescript', source: "for (let i = 0; i < 20000; i++) console.log('line', i);" },
      ],
    });
    for (const index of [0, 1]) {
      const outputs = (await run('long', index)).outputs;
      expect(outputs).toHaveLength(1);
      const lines = (outputs[0] as { text: string }).text.trimEnd().split('\n');
      expect(lines).toHaveLength(20_000);
      expect(lines.at(-1)).toBe('line 19999');
    }
  }, 60_000);

  it('lets only writers of the notebook follow its cell events', async () => {
    const url = `${s.url}${P}/notebooks/stream/events?session=b`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    const bad = await fetch(`${s.url}${P}/notebooks/stream/events?session=a%20b`, {
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(bad.status).toBe(400);
    // Without a session: the one API calls use by default.
    const events = await followEvents(`${s.url}${P}/notebooks/stream/events`, writer);
    try {
      expect((await events.next((e) => e.type === 'ready')).data).toEqual({ session: 'default' });
    } finally {
      await events.close();
    }
  });

  it('a cell over the memory limit ends with an error output and the kernel restarts', async () => {
    await create({
      id: 'memory',
      name: 'Memory',
      limits: { memoryMb: 200 },
      cells: [
        { type: 'python', source: 'before = 1' },
        { type: 'python', source: 'blob = bytearray(2 * 1024 * 1024 * 1024)' },
        { type: 'python', source: "'before' in globals()" },
        { type: 'typescript', source: 'const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e6).fill(1));' },
        { type: 'typescript', source: '1 + 1' },
      ],
    });
    await run('memory', 0);
    const failed = (await run('memory', 1)).outputs[0] as Extract<CellOutput, { type: 'error' }>;
    expect(failed).toMatchObject({ type: 'error', name: 'MemoryError' });
    expect(failed.message).toContain('200 MB');
    const after = await run('memory', 2);
    expect(texts(after.outputs), JSON.stringify(after.outputs)).toEqual(['False']);
    expect((await run('memory', 3)).outputs[0]).toMatchObject({ type: 'error', name: 'MemoryError' });
    expect(texts((await run('memory', 4)).outputs)).toEqual(['2']);
  }, 120_000);

  it('runs all cells in order and stops at the first failure', async () => {
    await create({
      id: 'all',
      name: 'All',
      cells: [
        { type: 'markdown', source: 'Intro' },
        { type: 'python', source: 'n = 3' },
        { type: 'python', source: 'n + 1' },
        { type: 'python', source: 'raise RuntimeError("stop here")' },
        { type: 'python', source: 'never = True' },
      ],
    });
    const all = await ok(
      s.call<{ cells: CellRun[]; failedAt: number; revision: number }>('POST', `${P}/notebooks/all/run-all`, {
        token: writer,
        body: { save: true, session: 'x' },
      }),
    );
    expect(all.failedAt).toBe(3);
    expect(all.cells).toHaveLength(4);
    expect(texts(all.cells[2].outputs)).toEqual(['4']);
    const saved = await ok(s.call<NotebookInfo>('GET', `${P}/notebooks/all`, { token: writer }));
    expect(saved.revision).toBe(all.revision);
    expect(saved.cells[3].outputs?.[0]).toMatchObject({ type: 'error', name: 'RuntimeError' });
    expect(saved.cells[4].outputs).toBeUndefined();
  }, 60_000);
});

describe('.ipynb import and export', () => {
  const exportOf = async (id: string) => {
    // A raw download: the answer is a file, not the API's JSON.
    const r = await fetch(`${s.url}${P}/notebooks/${id}/export?format=ipynb`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain(`${id}.ipynb`);
    return (await r.json()) as Record<string, unknown>;
  };
  const importJson = (body: Record<string, unknown>) =>
    s.call<NotebookInfo & { error: { message: string } }>('POST', `${P}/notebooks/import`, { token: writer, body });
  const cellsOf = (n: NotebookInfo) => ({ name: n.name, description: n.description, cells: n.cells });

  it('round-trips a notebook with every kind of cell and output exactly', async () => {
    const original = await create({
      id: 'trip',
      name: 'Round trip',
      description: 'All kinds',
      cells: [
        { type: 'markdown', source: '# Title\n\nSome *text*.' },
        {
          type: 'sql',
          source: 'SELECT antenna, trec\nFROM obs',
          executionCount: null,
          outputs: [
            {
              type: 'table',
              columns: [
                { name: 'antenna', type: 'VARCHAR' },
                { name: 'trec', type: 'DOUBLE' },
              ],
              rows: [
                ['DA41', 35.5],
                ['DV03', null],
              ],
              total: 5,
            },
          ],
        },
        {
          type: 'python',
          source: 'print("hi")\nx',
          executionCount: 3,
          outputs: [
            { type: 'text', text: 'hi\nthere\n', stream: 'stdout' },
            { type: 'text', text: 'warn', stream: 'stderr' },
            { type: 'text', text: "{'a': 1}" },
            { type: 'image', mime: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'image', mime: 'image/svg+xml', data: '<svg xmlns="http://www.w3.org/2000/svg">\n</svg>' },
            {
              type: 'error',
              name: 'ValueError',
              message: 'bad',
              traceback: 'Traceback (most recent call last):\n  File "<cell 3>", line 1\nValueError: bad',
            },
          ],
        },
        {
          type: 'typescript',
          source: 'chart({ xAxis: {}, series: [] })',
          executionCount: 1,
          outputs: [
            { type: 'chart', option: { xAxis: { type: 'category' }, series: [{ type: 'bar', data: [1, 2] }] } },
          ],
        },
        { type: 'python', source: '', executionCount: null, outputs: [] },
        { type: 'raw', source: '.. raw text, never run' },
      ],
    });
    const ipynb = await exportOf('trip');
    expect(ipynb).toMatchObject({ nbformat: 4, metadata: { kernelspec: { language: 'python' } } });
    const first = await ok(importJson({ id: 'trip2', ipynb }), 201);
    expect(first.id).toBe('trip2');
    // The export gave each cell an id (nbformat 4.5), which the import keeps.
    expect(first.cells.map((c) => c.id)).toEqual(original.cells.map((_, i) => `cell-${i + 1}`));
    expect({ ...cellsOf(first), cells: first.cells.map((c) => omit(c, 'id')) }).toEqual(cellsOf(original));
    // And once more, through a second export: nothing drifts.
    const second = await ok(importJson({ id: 'trip3', ipynb: JSON.stringify(await exportOf('trip2')) }), 201);
    expect(cellsOf(second)).toEqual(cellsOf(first));
    // A raw cell shows as it is: running it runs nothing.
    expect((await run('trip', 5)).outputs).toEqual([]);
  });

  it('imports a notebook written by Jupyter (multipart upload), and import → export → import is stable', async () => {
    const content = readFileSync(FIXTURE, 'utf8');
    const up = await s.upload<NotebookInfo>(`${P}/notebooks/import`, content, 'Trec QA (v2).ipynb', writer);
    expect(up.status).toBe(201);
    const nb = up.body;
    expect(nb.id).toBe('Trec_QA_v2');
    expect(nb.cells.map((c) => c.type)).toEqual(['markdown', 'python', 'python', 'python', 'python', 'sql', 'raw']);
    expect(nb.cells[0].source).toBe('# Receiver temperature QA\n\nMedian *Trec* per antenna, band 6.');
    expect(nb.cells[2].executionCount).toBe(2);
    expect(nb.cells[2].outputs).toEqual([
      { type: 'text', text: 'loaded 3 rows\n', stream: 'stdout' },
      { type: 'text', text: '  antenna  trec\n0    DA41  35.5\n1    DA42  36.1\n2    DV03  41.0' },
    ]);
    expect(nb.cells[3].outputs?.[0]).toMatchObject({ type: 'image', mime: 'image/png' });
    expect((nb.cells[3].outputs?.[0] as { data: string }).data).not.toContain('\n');
    const error = nb.cells[4].outputs?.[0] as Extract<CellOutput, { type: 'error' }>;
    expect(error).toMatchObject({ type: 'error', name: 'KeyError', message: "'band'" });
    expect(error.traceback).not.toContain('\u001b');
    expect(nb.cells[5].source).toBe('SELECT antenna, median(trec) AS trec_median\nFROM obs\nGROUP BY antenna');
    // The imported SQL cell runs on the project's data.
    const table = (await run('Trec_QA_v2', 5)).outputs[0] as Extract<CellOutput, { type: 'table' }>;
    expect(table).toMatchObject({ type: 'table', total: 3 });

    const again = await ok(importJson({ id: 'again', ipynb: await exportOf('Trec_QA_v2') }), 201);
    expect(again.cells).toEqual(nb.cells);
    // The same file again is refused unless it replaces.
    expect((await s.upload(`${P}/notebooks/import`, content, 'Trec QA (v2).ipynb', writer)).status).toBe(409);
    // …or comes in as a copy beside it, under the next free id.
    const copy = await ok(importJson({ ipynb: await exportOf('Trec_QA_v2'), copy: true }), 201);
    expect(copy.id).toBe('Trec_QA_v2_2');
    expect(copy.cells).toEqual(nb.cells);
    const third = await ok(importJson({ ipynb: await exportOf('Trec_QA_v2'), copy: true }), 201);
    expect(third.id).toBe('Trec_QA_v2_3');
  });

  it('refuses malformed files with a 400 naming what is wrong', async () => {
    const message = async (ipynb: unknown) => {
      const r = await importJson({ id: 'broken', ipynb });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      return r.body.error.message;
    };
    expect(await message('{"cells": [')).toContain('not JSON');
    expect(await message({ nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [] })).toContain('nbformat');
    const cells = [{ cell_type: 'code', source: 'x', metadata: {}, outputs: [] }];
    expect(
      await message({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [...cells, { cell_type: 'picture', source: '' }],
      }),
    ).toContain('cells.1');
    expect(
      await message({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ ...cells[0], source: 7 }] }),
    ).toMatch(/cells\.0\.source: must be a string or a list of strings/);
    expect(
      await message({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ ...cells[0], outputs: [{ output_type: 'stream', name: 'stdout' }] }],
      }),
    ).toContain('cells.0.outputs.0.text');
    expect(
      await message({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { language: 'julia' } }, cells }),
    ).toContain('julia');
    const upload = await s.upload<{ error: { message: string } }>(
      `${P}/notebooks/import`,
      'not json',
      'x.ipynb',
      writer,
    );
    expect(upload.status).toBe(400);
    // Metadata nested 100,000 deep in an uploaded file: refused by its depth, not kept to overflow the stack on export.
    const deep = `{"nbformat":4,"nbformat_minor":5,"metadata":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}},"cells":[]}`;
    const tooDeep = await s.upload<{ error: { message: string } }>(`${P}/notebooks/import`, deep, 'deep.ipynb', writer);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error.message).toContain('nested more than');
  });
});

describe('turning a cell into a recipe', () => {
  it('makes a SQL recipe of a SQL cell, with the datasets it reads as inputs', async () => {
    await create({
      id: 'torecipe',
      name: 'To recipe',
      cells: [
        { type: 'sql', source: 'SELECT band, avg(trec) AS mean_trec FROM obs GROUP BY band' },
        { type: 'python', source: 'x = 1' },
      ],
    });
    const recipe = await ok(
      s.call<{ name: string; type: string; inputs: string[]; output: string; sql: string }>(
        'POST',
        `${P}/notebooks/torecipe/to-recipe`,
        { token: writer, body: { cells: [0], output: 'band_trec' } },
      ),
      201,
    );
    expect(recipe).toMatchObject({ name: 'torecipe_cell_1', type: 'sql', inputs: ['obs'], output: 'band_trec' });
    const python = await s.call<{ error: { message: string } }>('POST', `${P}/notebooks/torecipe/to-recipe`, {
      token: writer,
      body: { cells: [1], output: 'other' },
    });
    expect(python.status).toBe(400);
    expect(python.body.error.message).toContain('must end with the rows it makes');

    // Writing a dataset of uploaded data (here its own input's twin) is confirmed, as when saving a recipe.
    expect((await s.upload(`${P}/datasets/obs_copy/upload`, CSV, 'obs.csv')).status).toBe(201);
    const takeover = { cells: [0], output: 'obs_copy', name: 'torecipe_takeover' };
    const refused = await s.call<{ error: { code: string } }>('POST', `${P}/notebooks/torecipe/to-recipe`, {
      token: writer,
      body: takeover,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('replaces_uploaded');
    await ok(
      s.call('POST', `${P}/notebooks/torecipe/to-recipe`, {
        token: writer,
        body: { ...takeover, replaceUploaded: true },
      }),
      201,
    );
  });

  it('wraps TypeScript and Python cells into a code recipe that builds the cell’s last expression', async () => {
    await create({
      id: 'codecells',
      name: 'Code to recipe',
      cells: [
        { type: 'markdown', source: '# Hot receivers' },
        { type: 'python', source: 'df = dataset("obs")\nhot = df[df["trec"] > 35]' },
        { type: 'python', source: '# the rows\nhot[["antenna", "trec"]]' },
        {
          type: 'typescript',
          source:
            'const rows = await dataset("obs");\nrows.filter((r) => r.trec !== null && r.trec > 35).map((r) => ({ antenna: r.antenna, trec: r.trec }))',
        },
      ],
    });
    const made = await ok(
      s.call<{ name: string; type: string; inputs: string[] }>('POST', `${P}/notebooks/codecells/to-recipe`, {
        token: writer,
        body: { cells: [1, 2], output: 'hot_py' },
      }),
      201,
    );
    expect(made).toMatchObject({ name: 'codecells_cell_2', type: 'python', inputs: ['obs'] });
    const ts = await llano([
      ...['--url', s.url, '--token', writer, '-p', 'NB', 'notebook', 'to-recipe', 'codecells'],
      ...['--cell', '3', '--output', 'hot_ts', '--name', 'hot_ts'],
    ]);
    expect(ts.code, ts.err).toBe(0);
    expect(ts.out).toContain('Created typescript recipe hot_ts (inputs: obs)');
    for (const output of ['hot_py', 'hot_ts']) {
      const build = await ok(
        s.call<{ jobId: string }>('POST', `${P}/builds`, { token: writer, body: { targets: [output], mode: 'only' } }),
        202,
      );
      const job = await waitForJobEnd(s, 'NB', build.jobId);
      expect(job.status, `${output}: ${JSON.stringify(job)}`).toBe('succeeded');
      const data = await ok(
        s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/${output}/data?sort=antenna`, { token: writer }),
      );
      expect(data.rows, output).toEqual([
        ['DA41', 35.5],
        ['DA42', 36.1],
        ['DV03', 41],
      ]);
    }
    const mixed = await s.call<{ error: { message: string } }>('POST', `${P}/notebooks/codecells/to-recipe`, {
      token: writer,
      body: { cells: [2, 3], output: 'mixed' },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain('cells of one language');
    // The whole notebook mixes languages: the refusal names them, and `language` picks one.
    const whole = await s.call<{ error: { message: string } }>('POST', `${P}/notebooks/codecells/to-recipe`, {
      token: writer,
      body: { output: 'whole' },
    });
    expect(whole.status).toBe(400);
    expect(whole.body.error.message).toContain('python (cells 2, 3), typescript (cell 4)');
    const allPython = await ok(
      s.call<{ description: string }>('POST', `${P}/notebooks/codecells/to-recipe`, {
        token: writer,
        body: { output: 'all_py', name: 'all_py', language: 'python' },
      }),
      201,
    );
    expect(allPython.description).toBe('Made from notebook codecells, cells 2, 3');
    // One cell using a variable of an earlier one: refused naming the cells it needs, or taken with them.
    const alone = await s.call<{ error: { message: string } }>('POST', `${P}/notebooks/codecells/to-recipe`, {
      token: writer,
      body: { cells: [2], output: 'alone' },
    });
    expect(alone.status).toBe(400);
    expect(alone.body.error.message).toContain('uses variables of earlier cells (hot of cell 2)');
    expect(alone.body.error.message).toContain('cells: [1, 2]');
    const cli = await llano([
      ...['--url', s.url, '--token', writer, '-p', 'NB', 'notebook', 'to-recipe', 'codecells'],
      ...['--cell', '2', '--with-dependencies', '--output', 'with_deps', '--name', 'with_deps'],
    ]);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toContain('Created python recipe with_deps (inputs: obs)');
  }, 120_000);
});

describe('llano notebook', () => {
  it('lists, imports, runs (all or one cell) and exports notebooks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-nb-cli-'));
    const base = ['--url', s.url, '--token', writer, '-p', 'NB'];
    const imported = await llano([...base, 'notebook', 'import', FIXTURE, '--id', 'cli_nb', '--name', 'Trec QA']);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('Imported notebook cli_nb (7 cells');
    expect((await llano([...base, 'notebook', 'list'])).out).toMatch(/cli_nb\s+Trec QA/);
    const one = await llano([...base, 'notebook', 'run', 'cli_nb', '--cell', '5']);
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/antenna\s+trec_median/);
    expect(one.out).toMatch(/DA41\s+32\.875/);
    // Run all stops at the plotting cell (without matplotlib) or at the KeyError after it, and says so with exit code 1.
    const all = await llano([...base, 'notebook', 'run', 'cli_nb']);
    expect(all.code).toBe(1);
    expect(all.out).toContain('loaded 3 rows');
    expect(all.err).toMatch(/error: cell [34] failed: (ModuleNotFoundError|KeyError)/);
    const out = path.join(dir, 'out.ipynb');
    const exported = await llano([...base, 'notebook', 'export', 'cli_nb', '-o', out]);
    expect(exported.code, exported.err).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { nbformat: number; cells: unknown[] };
    expect(file.nbformat).toBe(4);
    expect(file.cells).toHaveLength(7);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
