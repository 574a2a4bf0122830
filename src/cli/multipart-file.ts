import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/** Bytes of the file sent so far, of `total`. */
export type UploadProgress = (sent: number, total: number) => void;

export interface MultipartFileBody {
  contentType: string;
  /** Exact size of the body in bytes. */
  length: number;
  body: Readable;
}

/**
 * A multipart/form-data body with one field `file`, read from disk while it is sent: memory
 * stays bounded whatever the file's size, and the sender can show how far it got.
 */
export function multipartFileBody(filePath: string, onProgress?: UploadProgress): MultipartFileBody {
  const boundary = `----llano-${randomUUID()}`;
  const name = path.basename(filePath).replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = statSync(filePath).size;
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    let sent = 0;
    for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
      sent += (chunk as Buffer).length;
      onProgress?.(sent, size);
      yield chunk as Buffer;
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
    body: Readable.from(parts(), { objectMode: false }),
  };
}

/** The file itself as the body (a dataset upload takes it so), read from disk while it is sent. */
export function rawFileBody(filePath: string, onProgress?: UploadProgress): MultipartFileBody {
  const size = statSync(filePath).size;
  async function* chunks(): AsyncGenerator<Buffer> {
    let sent = 0;
    for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
      sent += (chunk as Buffer).length;
      onProgress?.(sent, size);
      yield chunk as Buffer;
    }
  }
  return {
    contentType: 'application/octet-stream',
    length: size,
    body: Readable.from(chunks(), { objectMode: false }),
  };
}
