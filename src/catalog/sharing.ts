import type { Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { USERNAME } from '../common/names.js';
import type { Principal } from './access.js';
import { GROUP_PREFIX } from './groups.js';
import type { ObjectShare } from './share-types.js';
import type { CatalogTables } from './tables.js';

export type { ObjectShare } from './share-types.js';

/** The object kinds that can be shared with non-members. */
export const SHAREABLE_KINDS = ['dashboard', 'webapp'] as const;
export type ShareableKind = (typeof SHAREABLE_KINDS)[number];

const Grantee = z
  .string()
  .max(140)
  .refine(
    (v) => USERNAME.test(v.startsWith(GROUP_PREFIX) ? v.slice(GROUP_PREFIX.length) : v),
    'a username or group:NAME (letters, digits, ".", "-" and "_")',
  );

/** The `sharing` field of a dashboard or webapp body. */
export const SharingSchema = z
  .array(z.object({ with: Grantee, role: z.literal('viewer').default('viewer') }).strict())
  .max(200, 'at most 200 entries')
  .optional();

/** Checks the grantees of a `sharing` list exist (400 naming the first unknown one); answers it without duplicates. */
export async function checkSharing(
  db: Kysely<CatalogTables>,
  sharing: ObjectShare[] | undefined,
): Promise<ObjectShare[] | undefined> {
  if (!sharing) return undefined;
  const seen = new Map<string, ObjectShare>();
  for (const share of sharing) seen.set(share.with, share);
  for (const grantee of seen.keys()) {
    const found = grantee.startsWith(GROUP_PREFIX)
      ? await db
          .selectFrom('groups')
          .select('name')
          .where('name', '=', grantee.slice(GROUP_PREFIX.length))
          .executeTakeFirst()
      : await db.selectFrom('users').select('username').where('username', '=', grantee).executeTakeFirst();
    if (!found)
      throw badRequest(
        `sharing: no ${grantee.startsWith(GROUP_PREFIX) ? 'group' : 'user'} ${JSON.stringify(grantee)} to share with`,
      );
  }
  return [...seen.values()];
}

/**
 * Whether the object's `sharing` names the caller or one of their groups. A project API key
 * reaches its own project only, and a key without the `read` scope reads nothing shared.
 */
export async function isSharedWith(
  db: Kysely<CatalogTables>,
  principal: Principal,
  projectKey: string,
  kind: ShareableKind,
  name: string,
): Promise<boolean> {
  const key = principal.apiKey;
  if (key && (key.project !== null || !key.scopes.includes('read'))) return false;
  const row = await db
    .selectFrom('objects')
    .select('body')
    .where('project_key', '=', projectKey)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) return false;
  const sharing = (JSON.parse(row.body) as { sharing?: ObjectShare[] }).sharing ?? [];
  if (sharing.length === 0) return false;
  if (sharing.some((s) => s.with === principal.username)) return true;
  const groups = await db
    .selectFrom('group_members')
    .select('group_name')
    .where('username', '=', principal.username)
    .execute();
  return groups.some((g) => sharing.some((s) => s.with === `${GROUP_PREFIX}${g.group_name}`));
}

/**
 * The caller as the viewer of one shared object: a reader of `projectKey` without fine rights,
 * for the calls made while answering that one read. Only made after `isSharedWith` said yes.
 */
export const asSharedViewer = (principal: Principal, projectKey: string): Principal => ({
  ...principal,
  sharedView: { project: projectKey },
});
