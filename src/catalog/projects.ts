import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { nowIso } from '../common/ids.js';
import { assertProjectKey, assertUsername } from '../common/names.js';
import {
  capByKey,
  checkRight,
  checkRole,
  isFineRight,
  isProjectRole,
  maxRole,
  rightsOfRole,
  type FineRight,
  type Principal,
  type ProjectGrant,
  type ProjectRole,
} from './access.js';
import { GROUP_PREFIX, groupGrantName } from './groups.js';
import type { Member, Project } from './project-types.js';
import type { CatalogTables } from './tables.js';
import { displayName } from '../common/display-text.js';

export const NewProjectSchema = z.object({
  key: z.string(),
  name: displayName().optional(),
  description: z.string().max(10_000).optional(),
  // Tags are a set: trimmed, empty ones dropped, duplicates removed.
  tags: z
    .array(z.string().max(50))
    .max(50)
    .transform((tags) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))])
    .optional(),
});
export const ProjectPatchSchema = NewProjectSchema.omit({ key: true }).strict();

export type { Member, Project } from './project-types.js';

/**
 * Every catalog table whose rows belong to a project by their `project_key` column: deleting a
 * project empties them all, or whoever created the key again would read the old rows. A test
 * checks the catalog has no other such table (a new one must be added here).
 */
export const PROJECT_TABLES = [
  'objects',
  'revisions',
  'members',
  'dataset_state',
  'dataset_versions',
  'jobs',
  'scenario_runs',
  'trigger_fires',
  'trigger_state',
  'dataset_metrics',
  'check_results',
  'build_claims',
  'detector_state',
  'detector_claims',
  'api_keys',
  'search_index',
  'object_tags',
  'wiki_attachments',
  'discussions',
  'discussion_messages',
  'notifications',
  'api_deployments',
  'api_active',
  'api_service_keys',
  'api_requests',
  'dataset_partitioning',
  'dataset_version_partitions',
  'partition_builds',
] as const satisfies readonly (keyof CatalogTables)[];

const toProject = (r: CatalogTables['projects'], role?: ProjectRole, rights?: FineRight[]): Project => ({
  key: r.key,
  name: r.name,
  description: r.description,
  tags: JSON.parse(r.tags) as string[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  ...(role ? { role } : {}),
  ...(role && rights ? { rights } : {}),
});

/** Projects and their members. Every method checks the caller's role. */
export class ProjectStore {
  constructor(private readonly db: Kysely<CatalogTables>) {}

  async roleOf(principal: Principal, key: string): Promise<ProjectRole | null> {
    return (await this.grantOf(principal, key)).role;
  }

  /**
   * The caller's role in a project (the highest of their own and their groups') and fine rights
   * (their role's, plus those granted to them or their groups), narrowed by their API key.
   */
  async grantOf(principal: Principal, key: string): Promise<ProjectGrant> {
    if (principal.isAdmin) return { role: 'admin', rights: rightsOfRole('admin') };
    const rows = await this.db
      .selectFrom('members')
      .select(['role', 'rights'])
      .where('project_key', '=', key)
      .where((eb) =>
        eb.or([
          eb('username', '=', principal.username),
          eb(
            'username',
            'in',
            eb
              .selectFrom('group_members')
              .select(sql<string>`${GROUP_PREFIX} || group_name`.as('grantee'))
              .where('group_members.username', '=', principal.username),
          ),
        ]),
      )
      .execute();
    let role: ProjectRole | null = null;
    const rights = new Set<FineRight>();
    for (const r of rows) {
      role = maxRole(role, r.role);
      for (const right of JSON.parse(r.rights) as string[]) if (isFineRight(right)) rights.add(right);
    }
    for (const right of rightsOfRole(role)) rights.add(right);
    if (role === null && principal.sharedView?.project === key) return { role: 'reader', rights: [] };
    return capByKey(principal, key, { role, rights: role === null ? [] : [...rights] });
  }

  /** Throws 404/403 unless the caller has at least `needed` on the project; returns the project. */
  async authorize(principal: Principal, key: string, needed: ProjectRole): Promise<Project> {
    assertProjectKey(key);
    const row = await this.db.selectFrom('projects').selectAll().where('key', '=', key).executeTakeFirst();
    const { role, rights } = await this.grantOf(principal, key);
    if (!row) throw notFound(`Project ${key} not found`);
    checkRole(key, role, needed, principal);
    return toProject(row, role ?? undefined, rights);
  }

  /** Throws 404/403 unless the caller has the fine right `right` on the project (writers and admins do). */
  async authorizeRight(principal: Principal, key: string, right: FineRight): Promise<Project> {
    assertProjectKey(key);
    const row = await this.db.selectFrom('projects').selectAll().where('key', '=', key).executeTakeFirst();
    const grant = await this.grantOf(principal, key);
    if (!row) throw notFound(`Project ${key} not found`);
    checkRight(key, grant, right, principal);
    return toProject(row, grant.role ?? undefined, grant.rights);
  }

  async create(principal: Principal, input: z.input<typeof NewProjectSchema>): Promise<Project> {
    const p = parseOr400(NewProjectSchema, input, 'project', { prefix: '' });
    assertProjectKey(p.key);
    const now = nowIso();
    const row = {
      key: p.key,
      name: p.name ?? p.key,
      description: p.description ?? '',
      tags: JSON.stringify(p.tags ?? []),
      created_at: now,
      created_by: principal.username,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('projects').select('key').where('key', '=', p.key).executeTakeFirst();
      if (exists) throw conflict(`Project ${p.key} already exists`);
      await trx.insertInto('projects').values(row).execute();
      await trx
        .insertInto('members')
        .values({ project_key: p.key, username: principal.username, role: 'admin' })
        .execute();
    });
    return toProject(row, 'admin');
  }

  /** Projects the caller may see (as a member or through a group), newest activity first. */
  async list(principal: Principal): Promise<Project[]> {
    if (principal.isAdmin) {
      return (await this.db.selectFrom('projects').selectAll().orderBy('updated_at', 'desc').execute()).map((r) =>
        toProject(r, 'admin'),
      );
    }
    const rows = await this.db
      .selectFrom('projects')
      .innerJoin('members', 'members.project_key', 'projects.key')
      .selectAll('projects')
      .select('members.role')
      .where((eb) =>
        eb.or([
          eb('members.username', '=', principal.username),
          eb(
            'members.username',
            'in',
            eb
              .selectFrom('group_members')
              .select(sql<string>`${GROUP_PREFIX} || group_name`.as('grantee'))
              .where('group_members.username', '=', principal.username),
          ),
        ]),
      )
      .orderBy('projects.updated_at', 'desc')
      .execute();
    const byKey = new Map<string, Project>();
    for (const r of rows) {
      const role = capByKey(principal, r.key, { role: r.role, rights: [] }).role;
      if (role === null) continue;
      const seen = byKey.get(r.key);
      byKey.set(r.key, toProject(r, maxRole(seen?.role ?? null, role) ?? role));
    }
    return [...byKey.values()];
  }

  async update(principal: Principal, key: string, patch: unknown): Promise<Project> {
    await this.authorize(principal, key, 'admin');
    const p = parseOr400(ProjectPatchSchema, patch, 'project', { prefix: '' });
    await this.db
      .updateTable('projects')
      .set({
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.tags !== undefined ? { tags: JSON.stringify(p.tags) } : {}),
        updated_at: nowIso(),
      })
      .where('key', '=', key)
      .execute();
    return this.authorize(principal, key, 'reader');
  }

  /** Marks activity so the home page can sort by it. */
  async touch(key: string): Promise<void> {
    await this.db.updateTable('projects').set({ updated_at: nowIso() }).where('key', '=', key).execute();
  }

  /**
   * Deletes the catalog part of a project in one transaction: its rows in every table of
   * `PROJECT_TABLES`, and the rows kept by job or run id (activities, logs, step runs). Its
   * files and running work are the caller's (`deleteProject`).
   */
  async delete(principal: Principal, key: string): Promise<void> {
    await this.authorize(principal, key, 'admin');
    await this.db.transaction().execute(async (trx) => {
      const jobsOf = trx.selectFrom('jobs').select('id').where('project_key', '=', key);
      await trx.deleteFrom('job_logs').where('job_id', 'in', jobsOf).execute();
      await trx.deleteFrom('job_activities').where('job_id', 'in', jobsOf).execute();
      const runsOf = trx.selectFrom('scenario_runs').select('id').where('project_key', '=', key);
      await trx.deleteFrom('scenario_run_logs').where('run_id', 'in', runsOf).execute();
      await trx.deleteFrom('scenario_step_runs').where('run_id', 'in', runsOf).execute();
      for (const table of PROJECT_TABLES) await trx.deleteFrom(table).where('project_key', '=', key).execute();
      await trx.deleteFrom('projects').where('key', '=', key).execute();
    });
  }

  /** Users and groups (`group:NAME`) with their roles and granted fine rights. */
  async members(principal: Principal, key: string): Promise<Member[]> {
    await this.authorize(principal, key, 'reader');
    const rows = await this.db
      .selectFrom('members')
      .select(['username', 'role', 'rights'])
      .where('project_key', '=', key)
      .orderBy('username')
      .execute();
    return rows.map((r) => ({
      username: r.username,
      role: r.role,
      rights: JSON.parse(r.rights) as FineRight[],
      kind: r.username.startsWith(GROUP_PREFIX) ? ('group' as const) : ('user' as const),
    }));
  }

  /** Gives a user, or a group (`group:NAME`), a role and fine rights in the project. */
  async setMember(
    principal: Principal,
    key: string,
    username: string,
    role: string,
    rights: string[] = [],
  ): Promise<Member> {
    await this.authorize(principal, key, 'admin');
    const group = groupGrantName(username);
    if (group === null) assertUsername(username);
    if (!isProjectRole(role)) throw badRequest(`Unknown role ${JSON.stringify(role)}: use reader, writer or admin`);
    const unknown = rights.filter((r) => !isFineRight(r));
    if (unknown.length)
      throw badRequest(
        `Unknown right ${JSON.stringify(unknown[0])}: use run-scenarios, export-data or manage-dashboards`,
      );
    const granted = [...new Set(rights)] as FineRight[];
    if (group !== null) {
      const g = await this.db.selectFrom('groups').select('name').where('name', '=', group).executeTakeFirst();
      if (!g) throw notFound(`Group ${group} not found`);
    } else {
      const user = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (!user) throw notFound(`User ${username} not found`);
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('members').where('project_key', '=', key).where('username', '=', username).execute();
      await trx
        .insertInto('members')
        .values({ project_key: key, username, role, rights: JSON.stringify(granted) })
        .execute();
    });
    return { username, role, rights: granted, kind: group === null ? 'user' : 'group' };
  }

  async removeMember(principal: Principal, key: string, username: string): Promise<void> {
    await this.authorize(principal, key, 'admin');
    await this.db.deleteFrom('members').where('project_key', '=', key).where('username', '=', username).execute();
  }
}
