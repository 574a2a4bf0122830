import { sql, type Kysely } from 'kysely';
import type { Principal } from './access.js';
import { GROUP_PREFIX } from './groups.js';
import type { ObjectShare, SharedItem } from './share-types.js';
import { SHAREABLE_KINDS, type ShareableKind } from './sharing.js';
import type { CatalogTables } from './tables.js';

/** `"with":"NAME"` as JSON.stringify writes it in a stored body (ObjectStore), for a LIKE pattern. */
const withPattern = (grantee: string) => `%"with":${JSON.stringify(grantee)}%`;

/**
 * The dashboards and webapps shared with the caller, directly or through one of their groups, in
 * projects where they are not a member (members find them in the project). One query over the
 * catalog: the LIKE on the stored body only narrows the candidates (`_` is a wildcard there, and
 * SQLite's LIKE ignores case), and each candidate's `sharing` is then checked exactly. Global
 * admins are members of every project, and an API key reaches shared objects only as
 * `isSharedWith` allows (a personal key with the `read` scope), so both get none.
 */
export async function sharedWithMe(db: Kysely<CatalogTables>, principal: Principal): Promise<SharedItem[]> {
  const key = principal.apiKey;
  if (principal.isAdmin || (key && (key.project !== null || !key.scopes.includes('read')))) return [];
  const me = principal.username;
  const rows = await db
    .selectFrom('objects')
    .innerJoin('projects', 'projects.key', 'objects.project_key')
    .select([
      'objects.project_key',
      'objects.kind',
      'objects.name',
      'objects.body',
      'objects.updated_at',
      'objects.updated_by',
      'projects.name as project_name',
    ])
    .where('objects.kind', 'in', [...SHAREABLE_KINDS])
    .where((eb) =>
      eb.or([
        eb('objects.body', 'like', withPattern(me)),
        eb.exists(
          eb
            .selectFrom('group_members')
            .select('group_members.group_name')
            .where('group_members.username', '=', me)
            .where(
              'objects.body',
              'like',
              sql<string>`${'%"with":"' + GROUP_PREFIX} || group_members.group_name || ${'"%'}`,
            ),
        ),
      ]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('members')
            .select('members.username')
            .whereRef('members.project_key', '=', 'objects.project_key')
            .where((m) =>
              m.or([
                m('members.username', '=', me),
                m(
                  'members.username',
                  'in',
                  m
                    .selectFrom('group_members')
                    .select(sql<string>`${GROUP_PREFIX} || group_name`.as('grantee'))
                    .where('group_members.username', '=', me),
                ),
              ]),
            ),
        ),
      ),
    )
    .orderBy('objects.updated_at', 'desc')
    .execute();
  if (rows.length === 0) return [];
  const groups = await db.selectFrom('group_members').select('group_name').where('username', '=', me).execute();
  const mine = new Set([me, ...groups.map((g) => `${GROUP_PREFIX}${g.group_name}`)]);
  return rows.flatMap((r) => {
    const body = JSON.parse(r.body) as { name?: string; sharing?: ObjectShare[] };
    if (!(body.sharing ?? []).some((s) => mine.has(s.with))) return [];
    return [
      {
        project: r.project_key,
        projectName: r.project_name,
        kind: r.kind as ShareableKind,
        id: r.name,
        name: body.name ?? r.name,
        sharedBy: r.updated_by,
        updatedAt: r.updated_at,
      },
    ];
  });
}
