import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A file still being written (an upload arriving into its temporary file), read as it grows.
 * `whole` settles when the writer is done: resolved once every byte is on disk, rejected when the
 * upload failed (cut short, too large).
 */
export interface ArrivingFile {
  path: string;
  whole: Promise<unknown>;
}

/** How long a reader that caught up with the writer waits before looking again. */
const POLL_MS = 3;
/** Bytes read from the arriving file and written to the FIFO at a time. */
const FEED_CHUNK = 1 << 20;

/** `whole` settled, without waiting (a promise cannot be asked). */
function settledFlag(whole: Promise<unknown>): { settled: boolean } {
  const flag = { settled: false };
  const settle = () => void (flag.settled = true);
  whole.then(settle, settle);
  return flag;
}

/** Waits until the file holds `bytes` bytes or is whole; true when it became whole first (or failed). */
export async function waitForBytes(file: ArrivingFile, bytes: number): Promise<boolean> {
  const flag = settledFlag(file.whole);
  for (;;) {
    // One turn first: a `whole` settled already marks the flag in a microtask.
    await sleep(POLL_MS);
    if (flag.settled) return true;
    const size = (await stat(file.path).catch(() => undefined))?.size ?? 0;
    if (size >= bytes) return false;
  }
}

/** Makes a named pipe at `path` (Node has no call for it); false where the system has no `mkfifo` (Windows). */
export async function makeFifo(path: string): Promise<boolean> {
  return new Promise((resolve) => execFile('mkfifo', ['-m', '600', path], (error) => resolve(!error)));
}

/**
 * Copies the arriving file into the FIFO at `fifo` from its first byte, following it as it grows,
 * until it is whole (or failed: the FIFO then ends early, and the reader's result must be dropped
 * by whoever awaits `whole`). A reader that stops (DuckDB failed) ends the feed (EPIPE); so does
 * `stop()`, also before any reader opened the FIFO. No thread of libuv's pool waits on the FIFO
 * (DuckDB's statements need them): it is opened without blocking once a reader is there, and
 * written through the event loop.
 */
export function feedFifo(file: ArrivingFile, fifo: string): { done: Promise<void>; stop: () => Promise<void> } {
  const flag = settledFlag(file.whole);
  let stopped = false;
  let out: Socket | undefined;
  const feed = async () => {
    const fd = await openForWriting(fifo, () => stopped);
    if (fd === undefined) return;
    out = new Socket({ fd, readable: false, writable: true });
    const sink = out;
    const source = await open(file.path, 'r');
    try {
      let position = 0;
      while (!stopped) {
        const wasWhole = flag.settled;
        // A buffer per chunk: the socket holds it until written.
        const buffer = Buffer.allocUnsafe(FEED_CHUNK);
        const { bytesRead } = await source.read(buffer, 0, FEED_CHUNK, position);
        if (bytesRead === 0) {
          // Whole before this read found nothing more: the end. Else the writer may still add.
          if (wasWhole) break;
          await sleep(POLL_MS);
          continue;
        }
        position += bytesRead;
        if (!sink.write(buffer.subarray(0, bytesRead))) await once(sink, 'drain');
      }
      await new Promise<void>((resolve, reject) => {
        sink.once('error', reject);
        sink.end(resolve);
      });
    } finally {
      sink.destroy();
      await source.close();
    }
  };
  const done = feed().catch((error: NodeJS.ErrnoException) => {
    // The reader went away (its query failed) or the feed was stopped: the query's outcome tells.
    if (error.code !== 'EPIPE' && !stopped) throw error;
  });
  const stop = async () => {
    stopped = true;
    out?.destroy();
    await done.catch(() => undefined);
  };
  return { done, stop };
}

/** The FIFO opened for writing once a reader has opened it (ENXIO until then); undefined if stopped first. */
async function openForWriting(fifo: string, stopped: () => boolean): Promise<number | undefined> {
  for (;;) {
    if (stopped()) return undefined;
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await sleep(POLL_MS);
    }
  }
}
