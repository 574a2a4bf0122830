import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
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

/** Makes a named pipe at `path`; false where the system has no `mkfifo` (Windows). */
export function makeFifo(path: string): boolean {
  try {
    return spawnSync('mkfifo', ['-m', '600', path]).status === 0;
  } catch {
    return false;
  }
}

/**
 * Copies the arriving file into the FIFO at `fifo` from its first byte, following it as it grows,
 * until it is whole (or failed: the FIFO then ends early, and the reader's result must be dropped
 * by whoever awaits `whole`). A reader that stops (DuckDB failed) ends the feed (EPIPE).
 * `stop()` ends it too, also while no reader has opened the FIFO yet (its open would block forever).
 */
export function feedFifo(file: ArrivingFile, fifo: string): { done: Promise<void>; stop: () => Promise<void> } {
  const flag = settledFlag(file.whole);
  let stopped = false;
  let opened = false;
  const feed = async () => {
    // Blocks (in libuv's pool) until the reader opens the FIFO.
    const out = await open(fifo, 'w');
    opened = true;
    const source = await open(file.path, 'r');
    const buffer = Buffer.allocUnsafe(FEED_CHUNK);
    try {
      let position = 0;
      while (!stopped) {
        const wasWhole = flag.settled;
        const { bytesRead } = await source.read(buffer, 0, FEED_CHUNK, position);
        if (bytesRead === 0) {
          // Whole before this read found nothing more: the end. Else the writer may still add.
          if (wasWhole) break;
          await sleep(POLL_MS);
          continue;
        }
        position += bytesRead;
        let written = 0;
        while (written < bytesRead) written += (await out.write(buffer, written, bytesRead - written)).bytesWritten;
      }
    } finally {
      await source.close();
      await out.close();
    }
  };
  const done = feed().catch((error: NodeJS.ErrnoException) => {
    // The reader went away (its query failed or was stopped): its own error tells what happened.
    if (error.code !== 'EPIPE') throw error;
  });
  const stop = async () => {
    stopped = true;
    if (!opened) {
      // Open the reading end ourselves so that the feed's blocked open returns, then let it end.
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        await done.catch(() => undefined);
      } finally {
        closeSync(reader);
      }
    }
    await done.catch(() => undefined);
  };
  return { done, stop };
}
