import { badRequest } from '../common/errors.js';

/** Fields a GET adds to every versioned object; none of them is part of what is saved. */
export const READ_ONLY_FIELDS = ['revision', 'updatedAt', 'updatedBy', 'projectKey'] as const;

/**
 * An object read with GET can be sent back with PUT as it is: the fields the server adds
 * (`READ_ONLY_FIELDS` and the kind's own, such as a dataset's `rowCount`) are dropped
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
  for (const field of [...READ_ONLY_FIELDS, ...kindFields]) delete rest[field];
  return revision === undefined ? { body: rest } : { body: rest, expectRevision: revision };
}
