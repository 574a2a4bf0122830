import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, forbidden, notFound, unauthorized } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { newId, newSecret, nowIso, sha256 } from '../common/ids.js';
import { assertUsername } from '../common/names.js';
import { API_KEY_SCOPES, type ApiKeyScope, type Principal, type ProjectRole } from './access.js';
import type { ApiKeyInfo, User } from './user-types.js';
import type { CatalogTables, UsersTable } from './tables.js';

/**
 * argon2, a native addon, loaded at the first password hashed or checked: a command that touches
 * no password (a local `llano dataset import`) does not pay its load.
 */
let argon2Module: Promise<typeof import('argon2')> | undefined;
const loadArgon2 = () => (argon2Module ??= import('argon2'));

async function hashPassword(password: string): Promise<string> {
  const argon2 = await loadArgon2();
  return argon2.hash(password, { type: argon2.argon2id });
}

export const NewUserSchema = z.object({
  username: z.string(),
  password: z.string().min(8, 'Password must have at least 8 characters').max(1024),
  displayName: z.string().max(200).optional(),
  email: z.string().email().optional(),
  isAdmin: z.boolean().optional(),
});
export type NewUser = z.infer<typeof NewUserSchema>;

/** What an admin may change of a user (PATCH /api/users/{name}); the password has its own route. */
export const UserPatchSchema = z
  .object({
    disabled: z.boolean().optional(),
    isAdmin: z.boolean().optional(),
    displayName: z.string().max(200).nullable().optional(),
    email: z.string().email().nullable().optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof UserPatchSchema>;

/** The fields a patch may change, each as it was and as it is now (none of them a secret). */
export type UserChanges = Partial<
  Record<keyof UserPatch, { from: string | boolean | null; to: string | boolean | null }>
>;
const USER_PATCH_FIELDS = ['disabled', 'isAdmin', 'displayName', 'email'] as const satisfies (keyof UserPatch)[];

/** What revoking a user's credentials ended. */
export interface Revoked {
  sessionsEnded: number;
  apiKeysRevoked: number;
}

export type { ApiKeyInfo, User } from './user-types.js';

const SESSION_DAYS = 14;

const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  isAdmin: r.is_admin === 1,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

/** Ends every session and revokes every API key of a user, in the caller's transaction. */
async function revokeCredentials(trx: Transaction<CatalogTables>, userId: string): Promise<Revoked> {
  const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  const keys = await trx.deleteFrom('api_keys').where('user_id', '=', userId).executeTakeFirst();
  return { sessionsEnded: Number(sessions.numDeletedRows), apiKeysRevoked: Number(keys.numDeletedRows) };
}

/**
 * Refuses (400) to leave the workspace without an enabled global admin: nobody could manage
 * users any more. The no-op update first locks the rows of the enabled admins (PostgreSQL), so
 * two admins disabling each other at once cannot both pass; SQLite serializes writers anyway.
 */
async function keepAnAdmin(trx: Transaction<CatalogTables>, user: User, action: string): Promise<void> {
  if (!user.isAdmin || user.disabled) return;
  await trx
    .updateTable('users')
    .set((eb) => ({ is_admin: eb.ref('is_admin') }))
    .where('is_admin', '=', 1)
    .where('disabled', '=', 0)
    .execute();
  const others = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('is_admin', '=', 1)
    .where('disabled', '=', 0)
    .where('id', '<>', user.id)
    .executeTakeFirst();
  if (Number(others?.n ?? 0) === 0)
    throw badRequest(
      `Cannot ${action} ${user.username}: it is the last enabled global admin (make another user a global admin first)`,
    );
}

/** Users, password checks (argon2id), browser sessions and API keys. Secrets are stored only as hashes. */
export class UserStore {
  constructor(private readonly db: Kysely<CatalogTables>) {}

  async create(input: NewUser): Promise<User> {
    const user = await this.createIfAbsent(input);
    if (!user) throw conflict(`User ${input.username} already exists`);
    return user;
  }

  /**
   * Creates the user unless one of that name exists (null then), also when another process
   * creates it at the same moment: the database decides, so exactly one creator learns it won.
   */
  async createIfAbsent(input: NewUser): Promise<User | null> {
    const u = parseOr400(NewUserSchema, input, 'user', { prefix: '' });
    assertUsername(u.username);
    if (await this.findByUsername(u.username)) return null;
    const row = {
      id: newId(),
      username: u.username,
      password_hash: await hashPassword(u.password),
      display_name: u.displayName ?? null,
      email: u.email ?? null,
      is_admin: u.isAdmin ? 1 : 0,
      created_at: nowIso(),
    };
    const r = await this.db
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r ? toUser({ ...row, disabled: 0, oidc_subject: null }) : null;
  }

  /**
   * The user signed in through OpenID Connect as `subject` (`issuer|sub`), created on first sign-in
   * (no password: `password_hash` holds no argon2 hash, so password login always fails) and with
   * name and email refreshed from the claims on later ones. A new user takes `username` when free,
   * else it with a suffix: a provider account never takes over a local one of the same name.
   */
  async upsertOidcUser(claims: {
    subject: string;
    username: string;
    displayName: string | null;
    email: string | null;
  }): Promise<User> {
    const linked = await this.db
      .selectFrom('users')
      .selectAll()
      .where('oidc_subject', '=', claims.subject)
      .executeTakeFirst();
    if (linked) {
      await this.db
        .updateTable('users')
        .set({ display_name: claims.displayName ?? linked.display_name, email: claims.email ?? linked.email })
        .where('id', '=', linked.id)
        .execute();
      return toUser({
        ...linked,
        display_name: claims.displayName ?? linked.display_name,
        email: claims.email ?? linked.email,
      });
    }
    const base = claims.username.slice(0, 56);
    for (let n = 1; n < 100; n++) {
      const username = n === 1 ? base : `${base}-${n}`;
      const row = {
        id: newId(),
        username,
        password_hash: 'oidc:no-password',
        display_name: claims.displayName,
        email: claims.email,
        is_admin: 0,
        created_at: nowIso(),
        oidc_subject: claims.subject,
      };
      const r = await this.db
        .insertInto('users')
        .values(row)
        .onConflict((oc) => oc.column('username').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) return toUser({ ...row, disabled: 0 });
    }
    throw conflict(`No free username near ${base} for the signed-in user`);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async list(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
  }

  async findByUsername(username: string): Promise<User | null> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return r ? toUser(r) : null;
  }

  async requireByUsername(username: string): Promise<User> {
    const u = await this.findByUsername(username);
    if (!u) throw notFound(`User ${username} not found`);
    return u;
  }

  /**
   * Changes a user (global admin's call, checked by the caller). Disabling ends their sessions
   * and revokes their API keys in the same transaction; neither disabling nor taking away the
   * admin right may remove the last enabled global admin.
   */
  async update(username: string, input: unknown): Promise<User & Revoked> {
    return (await this.updateWithChanges(username, input)).user;
  }

  /** {@link update}, with what it changed (for the audit log): each field whose value differs, from → to. */
  async updateWithChanges(username: string, input: unknown): Promise<{ user: User & Revoked; changes: UserChanges }> {
    const patch = parseOr400(UserPatchSchema, input, 'user', { prefix: '' });
    if (Object.keys(patch).length === 0)
      throw badRequest('Nothing to change: give disabled, isAdmin, displayName or email');
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      if (!row) throw notFound(`User ${username} not found`);
      const user = toUser(row);
      if (patch.disabled === true) await keepAnAdmin(trx, user, 'disable');
      else if (patch.isAdmin === false) await keepAnAdmin(trx, user, 'take the admin right from');
      await trx
        .updateTable('users')
        .set({
          ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
          ...(patch.isAdmin !== undefined ? { is_admin: patch.isAdmin ? 1 : 0 } : {}),
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.email !== undefined ? { email: patch.email } : {}),
        })
        .where('id', '=', user.id)
        .execute();
      const revoked = patch.disabled ? await revokeCredentials(trx, user.id) : { sessionsEnded: 0, apiKeysRevoked: 0 };
      const updated = toUser(
        await trx.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow(),
      );
      const changes: UserChanges = {};
      for (const field of USER_PATCH_FIELDS)
        if (updated[field] !== user[field]) changes[field] = { from: user[field], to: updated[field] };
      return { user: { ...updated, ...revoked }, changes };
    });
  }

  /**
   * Deletes a user with their sessions, API keys and project memberships (a user created later
   * under the same name starts with none of them). Not the last enabled global admin.
   */
  async delete(username: string): Promise<Revoked> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      if (!row) throw notFound(`User ${username} not found`);
      await keepAnAdmin(trx, toUser(row), 'delete');
      const revoked = await revokeCredentials(trx, row.id);
      await trx.deleteFrom('members').where('username', '=', username).execute();
      await trx.deleteFrom('group_members').where('username', '=', username).execute();
      await trx.deleteFrom('users').where('id', '=', row.id).execute();
      return revoked;
    });
  }

  /**
   * Sets a password and ends the user's sessions, all but `keepSession` (the token of whoever
   * changes their own password, who stays logged in): whoever knew the old one is logged out.
   * API keys stay (separate credentials, revoked one by one). Returns how many sessions ended.
   */
  async setPassword(
    username: string,
    password: string,
    options: { keepSession?: string } = {},
  ): Promise<{ sessionsEnded: number }> {
    if (password.length < 8) throw badRequest('Password must have at least 8 characters');
    const hash = await hashPassword(password);
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('users')
        .set({ password_hash: hash })
        .where('username', '=', username)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound(`User ${username} not found`);
      let ended = trx
        .deleteFrom('sessions')
        .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username', '=', username));
      if (options.keepSession) ended = ended.where('token_hash', '<>', sha256(options.keepSession));
      return { sessionsEnded: Number((await ended.executeTakeFirst()).numDeletedRows) };
    });
  }

  /**
   * Checks a password; the same error for unknown users and wrong passwords. A disabled user
   * who gives the right password learns that the account is disabled (403).
   */
  async verifyPassword(username: string, password: string): Promise<User> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const ok = r ? await (await loadArgon2()).verify(r.password_hash, password).catch(() => false) : false;
    if (!r || !ok) throw unauthorized('Invalid username or password');
    if (r.disabled === 1) throw forbidden(`User ${username} is disabled: ask a Llano administrator to enable it again`);
    return toUser(r);
  }

  /** Starts a browser session; the token doubles as a Bearer token. */
  async createSession(user: User): Promise<string> {
    const token = newSecret('lls');
    const now = new Date();
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: sha256(token),
        user_id: user.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_DAYS * 86400_000).toISOString(),
      })
      .execute();
    return token;
  }

  async deleteSession(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
  }

  /**
   * Makes an API key; the secret is returned once and only its hash kept. A personal key acts as
   * its user within its scopes; a project key (`project`) acts with `role` in that project only.
   */
  async createApiKey(
    user: User,
    name: string,
    options: { scopes?: ApiKeyScope[]; expiresAt?: string | null; project?: string; role?: ProjectRole } = {},
  ): Promise<{ key: string; info: ApiKeyInfo }> {
    if (!name || name.length > 200) throw badRequest('An API key needs a name (at most 200 characters)');
    const scopes = [...new Set(options.scopes ?? API_KEY_SCOPES)];
    if (!scopes.length) throw badRequest('scopes: give at least one of read, write, run, admin');
    const expiresAt = options.expiresAt ?? null;
    if (expiresAt !== null && expiresAt <= nowIso()) throw badRequest('expiresAt: the expiry must be in the future');
    const key = newSecret('llk');
    const info: ApiKeyInfo = {
      id: newId(),
      username: user.username,
      name,
      prefix: key.slice(0, 10),
      createdAt: nowIso(),
      lastUsedAt: null,
      scopes,
      expiresAt,
      project: options.project ?? null,
      role: options.role ?? null,
    };
    await this.db
      .insertInto('api_keys')
      .values({
        id: info.id,
        user_id: user.id,
        name,
        token_hash: sha256(key),
        token_prefix: info.prefix,
        created_at: info.createdAt,
        last_used_at: null,
        scopes: JSON.stringify(scopes),
        expires_at: expiresAt,
        project_key: info.project,
        role: info.role,
      })
      .execute();
    return { key, info };
  }

  /**
   * Personal API keys of one user, or of everyone (null: an admin's view), by user then age; or,
   * with `project`, that project's keys.
   */
  async listApiKeys(user: User | null, project?: string): Promise<ApiKeyInfo[]> {
    let query = this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .selectAll('api_keys')
      .select('users.username');
    if (user) query = query.where('api_keys.user_id', '=', user.id);
    query =
      project === undefined
        ? query.where('api_keys.project_key', 'is', null)
        : query.where('api_keys.project_key', '=', project);
    const rows = await query.orderBy('users.username').orderBy('api_keys.created_at').execute();
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      name: r.name,
      prefix: r.token_prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      scopes: JSON.parse(r.scopes) as ApiKeyScope[],
      expiresAt: r.expires_at,
      project: r.project_key,
      role: r.role,
    }));
  }

  /** Revokes a personal key of `user`, or any user's (null: a global admin's call), or a key of `project`. */
  async deleteApiKey(user: User | null, id: string, project?: string): Promise<void> {
    let query = this.db.deleteFrom('api_keys').where('id', '=', id);
    if (user) query = query.where('user_id', '=', user.id);
    if (project !== undefined) query = query.where('project_key', '=', project);
    else if (user) query = query.where('project_key', 'is', null);
    const r = await query.executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound(`API key ${id} not found`);
  }

  /** Resolves a session token or API key to its principal, or null when unknown or expired. */
  async authenticateToken(token: string): Promise<Principal | null> {
    return this.authenticateHash(sha256(token), token.startsWith('llk_') ? 'apikey' : 'session');
  }

  /**
   * {@link authenticateToken} by the stored hash of the token (what a webapp view token keeps of
   * the credential that opened it, never the credential itself).
   */
  async authenticateHash(hash: string, kind: 'apikey' | 'session'): Promise<Principal | null> {
    if (kind === 'apikey') {
      const r = await this.db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select([
          'users.id',
          'users.username',
          'users.is_admin',
          'api_keys.id as key_id',
          'api_keys.scopes',
          'api_keys.expires_at',
          'api_keys.project_key',
          'api_keys.role',
        ])
        .where('api_keys.token_hash', '=', hash)
        .where('users.disabled', '=', 0)
        .executeTakeFirst();
      if (!r || (r.expires_at !== null && r.expires_at <= nowIso())) return null;
      await this.db.updateTable('api_keys').set({ last_used_at: nowIso() }).where('id', '=', r.key_id).execute();
      const scopes = JSON.parse(r.scopes) as ApiKeyScope[];
      // Only a personal key with the admin scope carries its user's global admin right.
      const isAdmin = r.is_admin === 1 && r.project_key === null && scopes.includes('admin');
      return {
        userId: r.id,
        username: r.username,
        isAdmin,
        via: 'apikey',
        apiKey: { id: r.key_id, scopes, project: r.project_key, role: r.role },
      };
    }
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.username', 'users.is_admin', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hash)
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    if (!r || r.expires_at < nowIso()) return null;
    return { userId: r.id, username: r.username, isAdmin: r.is_admin === 1, via: 'session' };
  }
}
