import type { Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { nowIso } from '../common/ids.js';
import { assertProjectKey, assertUsername } from '../common/names.js';
import { checkRole, isProjectRole, type Principal, type ProjectRole } from './access.js';
import type { Member, Project } from './project-types.js';
import type { CatalogTables } from './tables.js';

export const NewProjectSchema = z.object({
  key: z.string(),
  name: z.string().min(1).max(200).optional(),
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
  'api_deployments',
  'api_active',
  'api_service_keys',
  'api_requests',
] as const satisfies readonly (keyof CatalogTables)[];

const toProject = (r: CatalogTables['projects'], role?: ProjectRole): Project => ({
  key: r.key,
  name: r.name,
  description: r.description,
  tags: JSON.parse(r.tags) as string[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  ...(role ? { role } : {}),
});

/** Projects and their members. Every method checks the caller's role. */
export class ProjectStore {
  constructor(private readonly db: Kysely<CatalogTables>) {}

  async roleOf(principal: Principal, key: string): Promise<ProjectRole | null> {
    if (principal.isAdmin) return 'admin';
    const r = await this.db
      .selectFrom('members')
      .select('role')
      .where('project_key', '=', key)
      .where('username', '=', principal.username)
      .executeTakeFirst();
    return r?.role ?? null;
  }

  /** Throws 404/403 unless the caller has at least `needed` on the project; returns the project. */
  async authorize(principal: Principal, key: string, needed: ProjectRole): Promise<Project> {
    assertProjectKey(key);
    const row = await this.db.selectFrom('projects').selectAll().where('key', '=', key).executeTakeFirst();
    const role = await this.roleOf(principal, key);
    if (!row) throw notFound(`Project ${key} not found`);
    checkRole(key, role, needed, principal);
    return toProject(row, role ?? undefined);
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

  /** Projects the caller may see, newest activity first. */
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
      .where('members.username', '=', principal.username)
      .orderBy('projects.updated_at', 'desc')
      .execute();
    return rows.map((r) => toProject(r, r.role));
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

  async members(principal: Principal, key: string): Promise<Member[]> {
    await this.authorize(principal, key, 'reader');
    const rows = await this.db
      .selectFrom('members')
      .select(['username', 'role'])
      .where('project_key', '=', key)
      .orderBy('username')
      .execute();
    return rows.map((r) => ({ username: r.username, role: r.role }));
  }

  async setMember(principal: Principal, key: string, username: string, role: string): Promise<Member> {
    await this.authorize(principal, key, 'admin');
    assertUsername(username);
    if (!isProjectRole(role)) throw badRequest(`Unknown role ${JSON.stringify(role)}: use reader, writer or admin`);
    const user = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (!user) throw notFound(`User ${username} not found`);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('members').where('project_key', '=', key).where('username', '=', username).execute();
      await trx.insertInto('members').values({ project_key: key, username, role }).execute();
    });
    return { username, role };
  }

  async removeMember(principal: Principal, key: string, username: string): Promise<void> {
    await this.authorize(principal, key, 'admin');
    await this.db.deleteFrom('members').where('project_key', '=', key).where('username', '=', username).execute();
  }
}
