/**
 * A notebook's TypeScript kernel: the entry the sandbox bundles and calls (src/sandbox). It must
 * not import Llano's modules. The server transpiles each cell to JavaScript first
 * (`prepareTypeScriptCell`); here it runs as the body of an async function inside
 * `with (scope)`, so the cell's top-level `var`s (its `let`s and `const`s, rewritten) land on
 * one object kept between cells, and its last expression is returned and shown.
 *
 * SIGINT (the notebook's Interrupt) ends the running cell and keeps the kernel and its variables:
 * code running synchronously from the cell's start is stopped where it is (`breakOnSigint`), and a
 * cell waiting (a timer, a query) stops waiting. What the cell started and left behind (timers,
 * promises) goes on in the background. A loop that never yields, once the cell has awaited, holds
 * the process: the server then restarts the kernel (see interruptKernels).
 */
import { format, inspect } from 'node:util';
import { runInThisContext } from 'node:vm';

type Output =
  | { type: 'text'; text: string; stream?: 'stdout' | 'stderr' }
  | { type: 'table'; columns: { name: string; type: string }[]; rows: unknown[][]; total: number }
  | { type: 'chart'; option: Record<string, unknown> }
  | { type: 'error'; name: string; message: string; traceback: string };

interface Llano {
  /** Sends an output to the server while the cell runs (the sandbox's channel; see src/sandbox/harness/node-harness.ts). */
  emit(output: Output): void;
  sql(query: string): Promise<{ columns: { name: string }[]; rows: unknown[][] }>;
  dataset(name: string): Promise<{ columns: { name: string }[]; rows: unknown[][] }>;
}

const TABLE_ROWS = 1000;
/** As STREAM_BURST and STREAM_RATE in ../stream-outputs.ts (this file may not import Llano's modules). */
const SEND_BURST = 200;
const SEND_RATE = 50;
/** Lines before the cell's first in the function's source: the Function constructor's two and the `with`. */
const CELL_LINE_OFFSET = 3;
/** Names the kernel's own code uses inside the cell's `with`: never looked up in the scope. */
const OWN = /^__llano/;

const scope: Record<string, unknown> = {};
let count = 0;
let outputs: Output[] = [];

/** The cell's variables first, then the globals; a name found in neither is a ReferenceError, as usual. */
const scoped = new Proxy(scope, {
  has: (target, key) => typeof key === 'string' && !OWN.test(key) && (key in target || !(key in globalThis)),
  get(target, key) {
    if (key === Symbol.unscopables) return undefined;
    if (typeof key !== 'string') return undefined;
    if (key in target) return target[key];
    if (key in globalThis) return (globalThis as Record<string, unknown>)[key];
    throw new ReferenceError(`${key} is not defined`);
  },
  set(target, key, value) {
    if (typeof key === 'string') target[key] = value;
    return true;
  },
});

function typeOf(values: unknown[]): string {
  const seen = values.find((v) => v !== null && v !== undefined);
  if (typeof seen === 'number') return 'DOUBLE';
  if (typeof seen === 'bigint') return 'BIGINT';
  if (typeof seen === 'boolean') return 'BOOLEAN';
  if (seen instanceof Date) return 'TIMESTAMP';
  if (typeof seen === 'string') return 'VARCHAR';
  return 'JSON';
}

const jsonValue = (v: unknown): unknown =>
  v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v;

/** Rows as objects (what `sql()` answers, or any array of records) as a table output. */
function table(records: Record<string, unknown>[]): Output {
  const names = [...new Set(records.slice(0, 100).flatMap((r) => Object.keys(r)))];
  const head = records.slice(0, TABLE_ROWS);
  return {
    type: 'table',
    columns: names.map((name) => ({ name, type: typeOf(head.map((r) => r[name])) })),
    rows: head.map((r) => names.map((n) => jsonValue(r[n]))),
    total: records.length,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function outputOf(value: unknown): Output {
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return table(value);
  return { type: 'text', text: typeof value === 'string' ? value : inspect(value, { depth: 4 }) };
}

const records = (result: { columns: { name: string }[]; rows: unknown[][] }) =>
  result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));

function errorOf(err: unknown): Output {
  if (!(err instanceof Error)) return { type: 'error', name: 'Error', message: String(err), traceback: String(err) };
  // Only the cell's own frames (`<anonymous>` code made by the Function constructor), at their line in the cell's JavaScript.
  const [head, ...frames] = (err.stack ?? `${err.name}: ${err.message}`).split('\n');
  const cell = frames
    .filter((line) => line.includes('<anonymous>:'))
    .map((line) =>
      line.replace(
        /\(?eval at [^)]*\)?,? ?<anonymous>:(\d+):(\d+)\)?/,
        (_m, l: string, c: string) => `(cell:${Number(l) - CELL_LINE_OFFSET}:${c})`,
      ),
    );
  return { type: 'error', name: err.name, message: err.message, traceback: [head, ...cell].join('\n') };
}

/** The constructor of async functions (not a global): a cell's body may `await`. */
const AsyncFunction = (Object.getPrototypeOf(async function () {}) as { constructor: unknown }).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

/** Stops the running cell's wait (set while a cell runs). */
let interruptCell: ((err: Error) => void) | null = null;

class Interrupted extends Error {
  constructor() {
    super('the cell was interrupted');
    this.name = 'Interrupted';
  }
}

// With a listener, SIGINT no longer ends the process; between cells it does nothing.
process.on('SIGINT', () => interruptCell?.(new Interrupted()));

/**
 * Starts the cell: its synchronous part runs inside `runInThisContext` with `breakOnSigint`, so
 * an interrupt stops a loop that never awaits. Answers the cell's promise.
 */
function startCell(fn: (scope: unknown) => Promise<unknown>): Promise<unknown> {
  const g = globalThis as { __llanoStartCell?: () => Promise<unknown> };
  g.__llanoStartCell = () => fn(scoped);
  try {
    return runInThisContext('__llanoStartCell()', {
      filename: 'llano-kernel',
      breakOnSigint: true,
    }) as Promise<unknown>;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new Interrupted();
    throw err;
  } finally {
    delete g.__llanoStartCell;
  }
}

/** Runs one prepared cell (JavaScript, see `prepareTypeScriptCell`); answers its outputs. */
export async function run_cell(code: string, llano: Llano): Promise<{ outputs: Output[]; executionCount: number }> {
  count++;
  outputs = [];
  // Printed lines and finished outputs also go to the server at once (the page shows them as they
  // come): lines within a budget, the others with a later line or when the cell next awaits.
  let budget = SEND_BURST;
  let budgetAt = Date.now();
  const unsent = { stdout: '', stderr: '' };
  let later: NodeJS.Timeout | undefined;
  const sendText = () => {
    clearTimeout(later);
    later = undefined;
    for (const name of ['stdout', 'stderr'] as const)
      if (unsent[name]) {
        llano.emit({ type: 'text', text: unsent[name], stream: name });
        unsent[name] = '';
      }
  };
  const mayPrint = () => {
    const now = Date.now();
    budget = Math.min(SEND_BURST, budget + ((now - budgetAt) / 1000) * SEND_RATE);
    budgetAt = now;
    if (budget < 1) return false;
    budget--;
    return true;
  };
  const add = (output: Output) => {
    outputs.push(output);
    sendText();
    llano.emit(output);
  };
  const helpers = {
    llano,
    sql: async (query: string) => records(await llano.sql(query)),
    dataset: async (name: string) => records(await llano.dataset(name)),
    display: (...values: unknown[]) => values.forEach((v) => add(outputOf(v))),
    chart: (option: Record<string, unknown>) => add({ type: 'chart', option }),
  };
  Object.assign(scope, helpers);
  const original = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const stream =
    (name: 'stdout' | 'stderr') =>
    (...args: unknown[]) => {
      const text = format(...args) + '\n';
      const last = outputs[outputs.length - 1];
      if (last?.type === 'text' && last.stream === name) last.text += text;
      else outputs.push({ type: 'text', text, stream: name });
      unsent[name] += text;
      if (mayPrint()) sendText();
      else later ??= setTimeout(sendText, 1000 / SEND_RATE);
    };
  console.log = console.info = stream('stdout');
  console.warn = console.error = stream('stderr');
  try {
    const fn = new AsyncFunction('__llanoScope', `with (__llanoScope) {\n${code}\n}`);
    const interrupted = new Promise<never>((_resolve, reject) => (interruptCell = reject));
    const cell = startCell(fn);
    // Whichever loses the race may still reject later: that must not end the process.
    interrupted.catch(() => undefined);
    cell.catch(() => undefined);
    const value = await Promise.race([cell, interrupted]);
    if (value !== undefined) outputs.push(outputOf(value));
  } catch (err) {
    outputs.push(errorOf(err));
  } finally {
    interruptCell = null;
    // The answer carries what is still unsent.
    clearTimeout(later);
    Object.assign(console, original);
  }
  return { outputs, executionCount: count };
}
