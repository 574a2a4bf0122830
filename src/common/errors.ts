/**
 * The one error type users see. `code` is a stable machine-readable string,
 * `status` the HTTP status the server answers with, `message` the sentence shown
 * to people (never a stack trace).
 */
export class LlanoError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LlanoError';
  }
}

export const badRequest = (message: string, details?: unknown) => new LlanoError('bad_request', 400, message, details);
export const invalidName = (message: string) => new LlanoError('invalid_name', 400, message);
export const unauthorized = (message = 'Authentication required') => new LlanoError('unauthorized', 401, message);
export const forbidden = (message = 'You do not have permission to do this') =>
  new LlanoError('forbidden', 403, message);
export const notFound = (message: string) => new LlanoError('not_found', 404, message);
export const conflict = (message: string, details?: unknown) => new LlanoError('conflict', 409, message, details);
export const tooLarge = (message: string) => new LlanoError('payload_too_large', 413, message);
/** A 429: the server answers it with a `Retry-After` header of these seconds. */
export class TooManyRequests extends LlanoError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, 429, message);
  }
}
/** A file upload over LLANO_MAX_UPLOAD_MB (JSON request bodies have their own limit and message). */
export const uploadTooLargeMessage = (limitMb: number) => `Upload exceeds the limit of ${limitMb} MB`;

/** Turns anything thrown into a LlanoError, keeping the message but not the stack. */
export function toLlanoError(err: unknown): LlanoError {
  if (err instanceof LlanoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LlanoError('internal', 500, message);
}
