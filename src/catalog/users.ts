import argon2 from 'argon2';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { badRequest, conflict, notFound, unauthorized } from '../common/errors.js';
import { parseOr400 } from '../common/parse.js';
import { newId, newSecret, nowIso, sha256 } from '../common/ids.js';
import { assertUsername } from '../common/names.js';
import type { Principal } from './access.js';
import type { ApiKeyInfo, User } from './user-types.js';
import type { CatalogTables } from './tables.js';

export const NewUserSchema = z.object({
  username: z.string(),
  password: z.string().min(8, 'Password must have at least 8 characters').max(1024),
  displayName: z.string().max(200).optional(),
  email: z.string().email().optional(),
  isAdmin: z.boolean().optional(),
});
export type NewUser = z.infer<typeof NewUserSchema>;

export type { ApiKeyInfo, User } from './user-types.js';

const SESSION_DAYS = 14;

const toUser = (r: CatalogTables['users']): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at,
});

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
      password_hash: await argon2.hash(u.password, { type: argon2.argon2id }),
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
    return r ? toUser(row) : null;
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
   * Sets a password and ends every session of the user: whoever knew the old one is logged out.
   * API keys stay (separate credentials, revoked one by one). Returns how many sessions ended.
   */
  async setPassword(username: string, password: string): Promise<{ sessionsEnded: number }> {
    if (password.length < 8) throw badRequest('Password must have at least 8 characters');
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('users')
        .set({ password_hash: hash })
        .where('username', '=', username)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound(`User ${username} not found`);
      const ended = await trx
        .deleteFrom('sessions')
        .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username', '=', username))
        .executeTakeFirst();
      return { sessionsEnded: Number(ended.numDeletedRows) };
    });
  }

  /** Checks a password; the same error for unknown users and wrong passwords. */
  async verifyPassword(username: string, password: string): Promise<User> {
    const r = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    const ok = r ? await argon2.verify(r.password_hash, password).catch(() => false) : false;
    if (!r || !ok) throw unauthorized('Invalid username or password');
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

  async createApiKey(user: User, name: string): Promise<{ key: string; info: ApiKeyInfo }> {
    if (!name || name.length > 200) throw badRequest('An API key needs a name (at most 200 characters)');
    const key = newSecret('llk');
    const info = { id: newId(), name, prefix: key.slice(0, 10), createdAt: nowIso(), lastUsedAt: null };
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
      })
      .execute();
    return { key, info };
  }

  async listApiKeys(user: User): Promise<ApiKeyInfo[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', user.id)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.token_prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async deleteApiKey(user: User, id: string): Promise<void> {
    const r = await this.db
      .deleteFrom('api_keys')
      .where('id', '=', id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound(`API key ${id} not found`);
  }

  /** Resolves a session token or API key to its principal, or null when unknown or expired. */
  async authenticateToken(token: string): Promise<Principal | null> {
    const hash = sha256(token);
    if (token.startsWith('llk_')) {
      const r = await this.db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .select(['users.id', 'users.username', 'users.is_admin', 'api_keys.id as key_id'])
        .where('api_keys.token_hash', '=', hash)
        .executeTakeFirst();
      if (!r) return null;
      await this.db.updateTable('api_keys').set({ last_used_at: nowIso() }).where('id', '=', r.key_id).execute();
      return { userId: r.id, username: r.username, isAdmin: r.is_admin === 1, via: 'apikey' };
    }
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.username', 'users.is_admin', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', hash)
      .executeTakeFirst();
    if (!r || r.expires_at < nowIso()) return null;
    return { userId: r.id, username: r.username, isAdmin: r.is_admin === 1, via: 'session' };
  }
}
