import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 4 << 20;
/** How often the bytes a writer appended are taken up while it writes. */
export const HASH_POLL_MS = 100;
/**
 * Below this size a file is read and hashed at once, on this thread: an async file call waits
 * for a thread of libuv's pool, which DuckDB's queries share, and that wait costs more than
 * reading a small file.
 */
export const HASH_IN_ONE_READ = 1 << 20;

/**
 * The SHA-256 of a file that another writer is appending to, hashed as it grows. DuckDB's
 * `COPY … TO … (FORMAT parquet)` writes its file front to back, footer last, and never goes back
 * (it writes to object stores, which only append): the bytes already on disk are final. Hashing
 * them while DuckDB writes the rest, on this thread, which only waits for DuckDB meanwhile,
 * leaves just the last bytes to hash once the file is whole (hashing a 200 MB file after the
 * write was a serial tail of every large import).
 */
export class AppendedFileHash {
  private readonly hash = createHash('sha256');
  private hashed = 0;
  private handle: FileHandle | undefined;
  private buffer: Buffer | undefined;
  /** Reads run one after the other; a failure is kept for `digest`. */
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  /** Hashes the bytes appended since the last call (none while the writer has not created the file). */
  catchUp(): Promise<void> {
    this.reading = this.reading.then(() => this.readAppended());
    return this.reading;
  }

  /** Takes up `catchUp` every HASH_POLL_MS until the returned function is called. */
  follow(): () => void {
    const timer = setInterval(() => void this.catchUp().catch(() => undefined), HASH_POLL_MS);
    return () => clearInterval(timer);
  }

  /** The hex digest of the whole file, once its writer is done; `size` (when known) lets a small file be read at once. */
  async digest(size?: number): Promise<string> {
    try {
      await this.reading;
      if (this.hashed === 0 && size !== undefined && size <= HASH_IN_ONE_READ)
        return this.hash.update(readFileSync(this.path)).digest('hex');
      await this.catchUp();
      return this.hash.digest('hex');
    } finally {
      await this.close();
    }
  }

  /** Stops reading (the write failed): the file handle is closed. */
  async close(): Promise<void> {
    await this.reading.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async readAppended(): Promise<void> {
    this.handle ??= await open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!this.handle) return;
    // One buffer for every read: a new one each poll would cost its pages again each time.
    const buffer = (this.buffer ??= Buffer.allocUnsafe(CHUNK_BYTES));
    for (;;) {
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK_BYTES, this.hashed);
      if (bytesRead === 0) return;
      this.hash.update(buffer.subarray(0, bytesRead));
      this.hashed += bytesRead;
    }
  }
}
