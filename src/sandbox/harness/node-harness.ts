/**
 * The child side of a TypeScript sandbox (see ../sandbox.ts). It is bundled together with the
 * user's module into one file that the child process runs, so it must not import Llano's modules.
 * Protocol: the parent writes one JSON message per line on stdin; this side answers on stdout,
 * each message on its own line behind a marker (\x1e + a nonce), so that whatever the code
 * prints is the log and cannot be taken for an answer.
 */
import { createInterface } from 'node:readline';
import { guardNetwork } from './node-network-guard.js';

type Json = unknown;
interface Incoming {
  t: 'call' | 'hostReply';
  id: number;
  fn?: string;
  args?: Json[];
  ok?: boolean;
  value?: Json;
  error?: string;
}

const nonce = process.env.LLANO_SANDBOX_NONCE ?? '';
delete process.env.LLANO_SANDBOX_NONCE;
// Before the code is imported: its top level may connect too.
guardNetwork(JSON.parse(process.env.LLANO_SANDBOX_OUTBOUND_ALLOW ?? '[]') as string[]);
delete process.env.LLANO_SANDBOX_OUTBOUND_ALLOW;
const writeOut = process.stdout.write.bind(process.stdout);
const send = (message: Record<string, Json>) => writeOut(`\x1e${nonce} ${JSON.stringify(message)}\n`);

/** The stack down to the user's code: frames of this harness below `callUserCode` are noise. */
function userStack(err: Error): string {
  const lines = (err.stack ?? String(err)).split('\n');
  const harness = lines.findIndex((line) => line.includes('callUserCode'));
  return (harness > 0 ? lines.slice(0, harness) : lines).join('\n');
}

const errorOf = (err: unknown) => ({
  message: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  traceback: err instanceof Error ? userStack(err) : String(err),
});

let nextHostId = 0;
const hostWaits = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();

/**
 * The `llano` argument of call `callId`: each method is a function of the host (parent), called
 * over the channel, but `emit(data)`, which sends `data` to the host at once for that call (a
 * notebook cell's outputs as they come) and answers nothing.
 */
const llanoFor = (callId: number) =>
  new Proxy(
    {},
    {
      get(_target, name) {
        // Not a thenable: `await llano` must not hang.
        if (typeof name !== 'string' || name === 'then') return undefined;
        if (name === 'emit') return (data: Json) => void send({ t: 'event', id: callId, data });
        return (...args: Json[]) =>
          new Promise((resolve, reject) => {
            const id = ++nextHostId;
            hostWaits.set(id, { resolve, reject });
            send({ t: 'host', id, method: name, args });
          });
      },
    },
  );

export function serve(load: () => Promise<Record<string, unknown>>): void {
  let exports: Record<string, unknown> = {};
  const lines = createInterface({ input: process.stdin });
  // The parent closed the channel (it stopped or died): nothing more will be asked.
  lines.on('close', () => process.exit());
  lines.on('line', (line) => {
    const message = JSON.parse(line) as Incoming;
    if (message.t === 'hostReply') {
      const wait = hostWaits.get(message.id);
      hostWaits.delete(message.id);
      if (message.ok) wait?.resolve(message.value);
      else wait?.reject(new Error(message.error ?? 'host call failed'));
      return;
    }
    void call(exports, message);
  });
  load().then(
    (loaded) => {
      exports = loaded;
      const functions = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function');
      send({ t: 'ready', functions });
    },
    (err: unknown) => {
      send({ t: 'loadError', error: errorOf(err) });
      process.exitCode = 1;
      lines.close();
    },
  );
}

async function call(exports: Record<string, unknown>, message: Incoming): Promise<void> {
  const fn = exports[message.fn ?? ''];
  if (typeof fn !== 'function') {
    send({ t: 'result', id: message.id, ok: false, error: { message: `The code has no function ${message.fn}` } });
    return;
  }
  try {
    const value =
      (await callUserCode(fn as (...a: Json[]) => unknown, message.args ?? [], llanoFor(message.id))) ?? null;
    send({ t: 'result', id: message.id, ok: true, value });
  } catch (err) {
    send({ t: 'result', id: message.id, ok: false, error: errorOf(err) });
  }
}

function callUserCode(fn: (...a: Json[]) => unknown, args: Json[], llano: object): unknown {
  return fn(...args, llano);
}
