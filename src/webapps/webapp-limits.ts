import { badRequest, tooLarge } from '../common/errors.js';

/** Webapps are source files, not data: data lives in datasets and is read through the client. */
export const WEBAPP_MAX_FILES = 100;
export const WEBAPP_MAX_FILE_BYTES = 512 * 1024;
export const WEBAPP_MAX_TOTAL_BYTES = 4 * 1024 * 1024;
const MAX_PATH_LENGTH = 200;
const MAX_DEPTH = 8;

/** One path segment: letters, digits, `.`, `_`, `-`; never `.` or `..` alone, never a hidden file. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Refuses a file name that could leave the webapp's folder or confuse a file system: absolute
 * paths, `..`, backslashes, NUL and other control characters, empty or hidden segments.
 */
export function checkWebappPath(name: string): string {
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
  if (name.length === 0 || name.length > MAX_PATH_LENGTH)
    throw badRequest(`files: the file name ${shown} must have 1 to ${MAX_PATH_LENGTH} characters`);
  const segments = name.split('/');
  if (segments.length > MAX_DEPTH) throw badRequest(`files: ${shown} is nested deeper than ${MAX_DEPTH} folders`);
  for (const segment of segments)
    if (!SEGMENT.test(segment) || segment.includes('..'))
      throw badRequest(
        `files: ${shown} is not a relative path of letters, digits, '.', '_' and '-' (no '..', no absolute path, no hidden or empty segment)`,
      );
  return name;
}

/** File count and sizes; 413 names the limit that was passed. */
export function checkWebappFiles(files: Record<string, string>): void {
  const names = Object.keys(files);
  if (names.length > WEBAPP_MAX_FILES)
    throw badRequest(`files: a webapp has at most ${WEBAPP_MAX_FILES} files; this one has ${names.length}`);
  let total = 0;
  for (const name of names) {
    checkWebappPath(name);
    const bytes = Buffer.byteLength(files[name], 'utf8');
    if (bytes > WEBAPP_MAX_FILE_BYTES)
      throw tooLarge(
        `files: ${name} has ${bytes} bytes; a webapp file has at most ${WEBAPP_MAX_FILE_BYTES} bytes (${WEBAPP_MAX_FILE_BYTES / 1024} KB)`,
      );
    total += bytes;
  }
  if (total > WEBAPP_MAX_TOTAL_BYTES)
    throw tooLarge(
      `files: ${total} bytes in all; a webapp has at most ${WEBAPP_MAX_TOTAL_BYTES} bytes (${WEBAPP_MAX_TOTAL_BYTES / 1024 / 1024} MB) of files`,
    );
}
