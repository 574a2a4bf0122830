import { STORED_FIELDS } from '../catalog/object-stamp.js';
import { badRequest } from '../common/errors.js';

/**
 * An object read with GET can be sent back with PUT as it is: the fields the server adds
 * (`STORED_FIELDS` and the kind's own, such as a dataset's `rowCount`) are dropped
 * instead of being refused as unknown keys. The `revision` read becomes the revision the
 * save expects: someone else's save in between is answered 409 instead of being overwritten.
 * Without `revision` the last writer wins, as before.
 */
export function withoutReadOnlyFields(
  body: Record<string, unknown>,
  kindFields: readonly string[] = [],
): { body: Record<string, unknown>; expectRevision?: number } {
  const { revision } = body;
  if (revision !== undefined && (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1))
    throw badRequest('revision: the revision number you read (a positive integer), or leave it out to overwrite');
  const rest = { ...body };
  for (const field of [...STORED_FIELDS, ...kindFields]) delete rest[field];
  return revision === undefined ? { body: rest } : { body: rest, expectRevision: revision };
}
