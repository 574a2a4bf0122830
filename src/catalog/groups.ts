import type { Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import { assertUsername, quotedName, USERNAME } from '../common/names.js';
import { parseOr400 } from '../common/parse.js';
import type { Group } from './group-types.js';
import type { CatalogTables } from './tables.js';

export type { Group } from './group-types.js';

/** A group's grant in `members` is stored under this prefix: `group:ops`. Usernames cannot contain ':'. */
export const GROUP_PREFIX = 'group:';

/** `group:ops` → `ops`; null for a username. Throws 400 for a malformed group name. */
export function groupGrantName(grantee: string): string | null {
  if (!grantee.startsWith(GROUP_PREFIX)) return null;
  return assertGroupName(grantee.slice(GROUP_PREFIX.length));
}

/** Group names follow the username rule (letters, digits, '.', '-', '_'). */
export function assertGroupName(name: string): string {
  if (!USERNAME.test(name))
    throw badRequest(`Invalid group name ${quotedName(name)}: use letters, digits, '.', '-' and '_'`);
  return name;
}

export const GroupSchema = z
  .object({
    name: z.string(),
    description: z.string().max(2000).optional(),
    members: z.array(z.string()).max(10_000).optional(),
  })
  .strict();
export const GroupPatchSchema = GroupSchema.omit({ name: true }).strict();

/** Groups of users; a group is given project roles like a user (see `ProjectStore.setMember`). */
export class GroupStore {
  constructor(private readonly db: Kysely<CatalogTables>) {}

  async list(): Promise<Group[]> {
    const groups = await this.db.selectFrom('groups').selectAll().orderBy('name').execute();
    const members = await this.db.selectFrom('group_members').selectAll().orderBy('username').execute();
    return groups.map((g) => ({
      name: g.name,
      description: g.description,
      createdAt: g.created_at,
      members: members.filter((m) => m.group_name === g.name).map((m) => m.username),
    }));
  }

  async get(name: string): Promise<Group> {
    assertGroupName(name);
    const g = await this.db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
    if (!g) throw notFound(`Group ${name} not found`);
    const members = await this.db
      .selectFrom('group_members')
      .select('username')
      .where('group_name', '=', name)
      .orderBy('username')
      .execute();
    return { name, description: g.description, createdAt: g.created_at, members: members.map((m) => m.username) };
  }

  /** The groups a user belongs to. */
  async groupsOf(username: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('group_members')
      .select('group_name')
      .where('username', '=', username)
      .orderBy('group_name')
      .execute();
    return rows.map((r) => r.group_name);
  }

  async create(input: unknown): Promise<Group> {
    const g = parseOr400(GroupSchema, input, 'group', { prefix: '' });
    assertGroupName(g.name);
    const members = await this.existingUsers(g.members ?? []);
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('groups').select('name').where('name', '=', g.name).executeTakeFirst();
      if (exists) throw conflict(`Group ${g.name} already exists`);
      await trx
        .insertInto('groups')
        .values({ name: g.name, description: g.description ?? '', created_at: nowIso() })
        .execute();
      if (members.length)
        await trx
          .insertInto('group_members')
          .values(members.map((username) => ({ group_name: g.name, username })))
          .execute();
    });
    return this.get(g.name);
  }

  /** Replaces the description and, when given, the whole member list. */
  async update(name: string, input: unknown): Promise<Group> {
    const patch = parseOr400(GroupPatchSchema, input, 'group', { prefix: '' });
    await this.get(name);
    const members = patch.members ? await this.existingUsers(patch.members) : null;
    await this.db.transaction().execute(async (trx) => {
      if (patch.description !== undefined)
        await trx.updateTable('groups').set({ description: patch.description }).where('name', '=', name).execute();
      if (members) {
        await trx.deleteFrom('group_members').where('group_name', '=', name).execute();
        if (members.length)
          await trx
            .insertInto('group_members')
            .values(members.map((username) => ({ group_name: name, username })))
            .execute();
      }
    });
    return this.get(name);
  }

  async addMember(name: string, username: string): Promise<Group> {
    const group = await this.get(name);
    if (!group.members.includes(username)) {
      await this.existingUsers([username]);
      await this.db
        .insertInto('group_members')
        .values({ group_name: name, username })
        .onConflict((oc) => oc.columns(['group_name', 'username']).doNothing())
        .execute();
    }
    return this.get(name);
  }

  async removeMember(name: string, username: string): Promise<Group> {
    await this.get(name);
    await this.db.deleteFrom('group_members').where('group_name', '=', name).where('username', '=', username).execute();
    return this.get(name);
  }

  /** Deletes a group, its memberships and its project grants. */
  async delete(name: string): Promise<void> {
    await this.get(name);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('members')
        .where('username', '=', GROUP_PREFIX + name)
        .execute();
      await trx.deleteFrom('group_members').where('group_name', '=', name).execute();
      await trx.deleteFrom('groups').where('name', '=', name).execute();
    });
  }

  /**
   * Sign-in through OpenID Connect: the provider's groups claim is authoritative, so the user's
   * memberships become exactly the Llano groups named in it (names with no Llano group are ignored:
   * an admin creates the groups that matter and gives them project roles). Returns the groups.
   */
  async syncMemberships(username: string, claimed: string[]): Promise<string[]> {
    const names = [...new Set(claimed.filter((n) => USERNAME.test(n)))];
    const existing = names.length
      ? (await this.db.selectFrom('groups').select('name').where('name', 'in', names).execute()).map((r) => r.name)
      : [];
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('group_members').where('username', '=', username).execute();
      if (existing.length)
        await trx
          .insertInto('group_members')
          .values(existing.map((group_name) => ({ group_name, username })))
          .execute();
    });
    return existing.sort();
  }

  /** The given usernames, deduplicated; 400 naming the first that is not a user. */
  private async existingUsers(usernames: string[]): Promise<string[]> {
    const unique = [...new Set(usernames)];
    for (const u of unique) assertUsername(u);
    if (!unique.length) return [];
    const found = new Set(
      (await this.db.selectFrom('users').select('username').where('username', 'in', unique).execute()).map(
        (r) => r.username,
      ),
    );
    const missing = unique.find((u) => !found.has(u));
    if (missing) throw badRequest(`members: user ${missing} not found`);
    return unique;
  }
}
