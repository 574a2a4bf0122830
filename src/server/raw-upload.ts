import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LlanoError, tooLarge, uploadTooLargeMessage } from '../common/errors.js';

/**
 * Content types an upload route takes as the file itself (no multipart form around it): what
 * `curl -T obs.csv -H 'content-type: text/csv'` and the CLI send. The server writes the body
 * straight to disk, skipping the multipart parser's scan of every byte for the boundary.
 */
export const RAW_UPLOAD_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/tab-separated-values',
  'application/x-ndjson',
  'application/gzip',
  'application/zstd',
];

/** What an upload route takes as the file: the raw types, and JSON (see registerRawUploadParser). */
export const RAW_UPLOAD_ACCEPTS = [...RAW_UPLOAD_TYPES, 'application/json'];

/**
 * Bytes of an upload (raw or multipart) buffered on their way to the temporary file: the chunks
 * that arrive while a write is pending go down as one writev, fewer trips through libuv's pool,
 * which DuckDB's queries share.
 */
export const UPLOAD_WRITE_BUFFER = 4 << 20;

/**
 * Leaves raw-upload bodies unread for the routes that declare `rawUpload` (they stream them to
 * disk themselves, see `receiveRawBody`); any other route answers 415 to those types, as before.
 */
export function registerRawUploadParser(app: FastifyInstance): void {
  app.addContentTypeParser(RAW_UPLOAD_TYPES, (request, _payload, done) => {
    if (request.routeOptions.config?.rawUpload) done(null, undefined);
    else done(unsupportedMediaType(request), undefined);
  });
  // A JSON file sent as is (`curl -T rows.json -H 'content-type: application/json'`) is the file
  // to import on an upload route, not a request body to parse: it goes down the raw path, read as JSON.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!request.routeOptions.config?.rawUpload) return payload;
    const type = mediaType(request);
    if (type === 'application/json') {
      jsonUploads.add(request);
      request.headers['content-type'] = 'application/octet-stream';
    } else if (UNNAMED_FILE_TYPES.includes(type)) {
      // What `curl -T file -X POST` (none) and `curl --data-binary @file` (a form type) send: the
      // body is still the file, its format found by its name (?filename=) or its content.
      request.headers['content-type'] = 'application/octet-stream';
    }
    return payload;
  });
}

/** Content types that say nothing about the file: an upload route takes the body as the file. */
const UNNAMED_FILE_TYPES = ['', 'text/plain', 'application/x-www-form-urlencoded'];

/** Upload requests whose body is a JSON file (see registerRawUploadParser). */
const jsonUploads = new WeakSet<FastifyRequest>();

/** The format a raw upload's content type names, when it names one the sniffer should not guess. */
export const rawUploadFormat = (request: FastifyRequest): 'json' | undefined =>
  jsonUploads.has(request) ? 'json' : undefined;

const mediaType = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

/** The 415 answer: the type sent and the ones the route takes. */
export function unsupportedMediaType(request: FastifyRequest): LlanoError {
  const sent = mediaType(request);
  const accepted = request.routeOptions.config?.accepts ?? ['application/json'];
  const what = sent ? `The body's content type ${sent} is` : 'A body without a content type is';
  return new LlanoError('unsupported_media_type', 415, `${what} not accepted here: send ${accepted.join(', ')}`, {
    accepted,
  });
}

/** True when the request's body is a file sent as is (one of RAW_UPLOAD_TYPES). */
export function isRawUpload(request: FastifyRequest): boolean {
  return RAW_UPLOAD_TYPES.includes(mediaType(request));
}

/**
 * How much of a chunked body past the limit is still read (and dropped) so that the client, still
 * sending, gets the 413 rather than a reset connection. Beyond it the server stops reading and
 * closes the connection after its answer (see the 413 in app.ts): an endless body costs a bounded
 * amount.
 */
export const OVER_LIMIT_DRAIN = 16 << 20;

/**
 * Streams a raw upload's body to `filePath`, refusing (413) a body over `limitBytes`: at once
 * when its Content-Length says so, else (a chunked body) once it has read the body's end or
 * OVER_LIMIT_DRAIN bytes past the limit. A body cut short (the client went away) rejects, so
 * nothing is imported from it.
 */
export async function receiveRawBody(request: FastifyRequest, filePath: string, limitBytes: number): Promise<void> {
  const limitMb = limitBytes / (1024 * 1024);
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limitBytes) throw tooLarge(uploadTooLargeMessage(limitMb));
  const file = createWriteStream(filePath, { highWaterMark: UPLOAD_WRITE_BUFFER });
  // Node's parser ends a body at its Content-Length, so only a chunked one needs counting.
  if (Number.isFinite(declared)) return pipeline(request.raw, file);
  let received = 0;
  try {
    // Not destroyed on break: the socket must stay open to carry the 413.
    for await (const chunk of request.raw.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received <= limitBytes) {
        if (!file.write(chunk)) await once(file, 'drain');
      } else if (received > limitBytes + OVER_LIMIT_DRAIN) {
        request.raw.pause();
        break;
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      file.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  if (received > limitBytes) throw tooLarge(uploadTooLargeMessage(limitMb));
}

/**
 * Streams a multipart upload's file part to `filePath`. Past the upload limit the multipart parser
 * would keep reading the rest of the body to drop it, however long: the part is stopped at once
 * with a 413 instead (which closes the connection, see app.ts).
 */
export async function receiveMultipartFile(file: Readable, filePath: string, limitMb: number): Promise<void> {
  file.once('limit', () => file.destroy(tooLarge(uploadTooLargeMessage(limitMb))));
  await pipeline(file, createWriteStream(filePath, { highWaterMark: UPLOAD_WRITE_BUFFER }));
}
