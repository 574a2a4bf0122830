import type { StoredObject } from './objects.js';

/** What an answer about a versioned project object carries beside its body: which revision, when, by whom. */
export interface RevisionStamp {
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export const revisionStamp = (stored: RevisionStamp): RevisionStamp => ({
  revision: stored.revision,
  updatedAt: stored.updatedAt,
  updatedBy: stored.updatedBy,
});

/** A stored object as the API answers it: its body, its project and its revision stamp. */
export function storedInfo<T extends object>(stored: StoredObject<T>): T & RevisionStamp & { projectKey: string } {
  return { ...stored.body, projectKey: stored.projectKey, ...revisionStamp(stored) };
}

/** The fields a GET answers that the store sets: a client sending an object back (GET, edit, PUT) may keep them. */
export const STORED_FIELDS = ['projectKey', 'revision', 'updatedAt', 'updatedBy'] as const;

/** A client's body without the fields the store sets (and the kind's own `derived` ones), ready for its schema. */
export function withoutStoredFields(input: unknown, derived: string[] = []): Record<string, unknown> {
  const body = { ...((input ?? {}) as Record<string, unknown>) };
  for (const field of [...STORED_FIELDS, ...derived]) delete body[field];
  return body;
}
