import { sql, type Kysely, type Transaction } from 'kysely';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { nowIso } from '../common/ids.js';
import type { Revision } from './object-types.js';
import { reusedQuery } from './reused-query.js';
import { SEALED_PREFIX, type SecretBox } from './secret-box.js';
import { indexObjectIn } from './search-index.js';
import type { CatalogTables } from './tables.js';

/**
 * Kinds whose names are SQL identifiers (datasets are views and tables named after them), which
 * SQL compares without case: two of them differing only in case broke every notebook query of
 * their project. A new one may not take the name of another but for case.
 */
const NAMED_IN_SQL = new Set(['dataset']);

/** Kinds of versioned project objects. Capabilities add theirs (scenario, dashboard…). */
export type ObjectKind = string;

export interface StoredObject<T = unknown> {
  projectKey: string;
  kind: ObjectKind;
  name: string;
  body: T;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

export type { Revision } from './object-types.js';

type Db = Kysely<CatalogTables> | Transaction<CatalogTables>;

/** Which object, and who changes it. */
export interface ObjectRef {
  projectKey: string;
  kind: ObjectKind;
  name: string;
  author: string;
}

/** A new body for an object. `expectRevision` gives optimistic concurrency: 0 means "must not exist yet". */
export interface ObjectWrite<T> extends ObjectRef {
  body: T;
  expectRevision?: number;
  action?: Revision['action'];
}

/**
 * Where a kind keeps its secrets: calls `each` on every secret string of `body` and puts back what
 * it returns (the store passes a copy). Declared by the kind's owner (`declareSecrets`).
 */
export type SecretFields = (body: Record<string, unknown>, each: (value: string) => string) => void;

/** Who owns a stored body, as an error about its secrets names it. */
export const ownerOf = (r: { kind: string; name: string; project_key: string }) =>
  `${r.kind} ${r.name} in project ${r.project_key}`;

/** One object's row (a build step reads a few: its output, its inputs, their quality settings). */
const objectByName = reusedQuery<'projectKey' | 'kind' | 'name', CatalogTables['objects']>((db, value) =>
  db
    .selectFrom('objects')
    .selectAll()
    .where('project_key', '=', value('projectKey'))
    .where('kind', '=', value('kind'))
    .where('name', '=', value('name')),
);

/**
 * The versioned object store: every write appends a revision with the full JSON, so any
 * object's history can be listed and any revision restored. Writes run in a transaction.
 */
export class ObjectStore {
  private readonly secretFields = new Map<ObjectKind, SecretFields>();

  /**
   * `maxKb` bounds one object's JSON: every save keeps a full copy as a revision (LLANO_MAX_OBJECT_KB).
   * `box` encrypts the secrets kinds declare (objects and their revisions) and decrypts them on read.
   */
  constructor(
    private readonly db: Kysely<CatalogTables>,
    private readonly box: SecretBox,
    private readonly maxKb = Infinity,
  ) {}

  /** Says where a kind's secrets are: they are stored encrypted from then on. */
  declareSecrets(kind: ObjectKind, fields: SecretFields): void {
    this.secretFields.set(kind, fields);
  }

  /** A body as stored: its kind's secrets encrypted (those already encrypted stay as they are). */
  private sealed(kind: ObjectKind, body: unknown): unknown {
    const fields = this.secretFields.get(kind);
    if (!fields || !body || typeof body !== 'object') return body;
    const copy = structuredClone(body) as Record<string, unknown>;
    fields(copy, (value) => (this.box.isSealed(value) ? value : this.box.seal(value)));
    return copy;
  }

  /**
   * A body's JSON as the catalog stores it: its kind's secrets encrypted. For `put`, and for code
   * writing the tables itself (a project import).
   */
  storedJson(kind: ObjectKind, name: string, body: unknown): string {
    // Only the store writes encrypted values: one given would be read back as a secret.
    if (JSON.stringify(body).includes(`"${SEALED_PREFIX}`))
      throw badRequest(`${kind} ${name}: a value may not start with "${SEALED_PREFIX}"`);
    return JSON.stringify(this.sealed(kind, body));
  }

  /**
   * A stored body's JSON read back, secrets decrypted (whatever the kind: reading never depends on
   * a declaration). `owner` names it in an error ("connection ops in project DE"). For code reading
   * the tables itself (a project export).
   */
  readStored(json: string, owner: string): unknown {
    if (!json.includes(`"${SEALED_PREFIX}`)) return JSON.parse(json);
    return JSON.parse(json, (_key, value: unknown) =>
      typeof value === 'string' && this.box.isSealed(value) ? this.box.open(value, owner) : value,
    );
  }

  private toStored<T>(row: CatalogTables['objects']): StoredObject<T> {
    return {
      projectKey: row.project_key,
      kind: row.kind,
      name: row.name,
      body: this.readStored(row.body, ownerOf(row)) as T,
      revision: row.revision,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  /**
   * Encrypts the secrets of every object and revision of the declared kinds that are still in the
   * clear (written before secrets were encrypted, or before their kind declared them); answers how
   * many rows it rewrote. Idempotent: servers run it at start (bootstrapWorkspace, under a lock).
   * Revisions are rewritten in place: a history must not keep the clear value either.
   */
  async sealStoredSecrets(): Promise<number> {
    let rewritten = 0;
    for (const kind of this.secretFields.keys()) {
      await this.db.transaction().execute(async (trx) => {
        // A row of either table is one revision of one object (an object's row: its current one).
        for (const table of ['objects', 'revisions'] as const) {
          const rows = await trx
            .selectFrom(table)
            .select(['project_key', 'name', 'revision', 'body'])
            .where('kind', '=', kind)
            .execute();
          for (const row of rows) {
            const body = row.body === null ? null : this.resealed(kind, row.body);
            if (body === null) continue;
            await trx
              .updateTable(table)
              .set({ body })
              .where('project_key', '=', row.project_key)
              .where('kind', '=', kind)
              .where('name', '=', row.name)
              .where('revision', '=', row.revision)
              .execute();
            rewritten++;
          }
        }
      });
    }
    return rewritten;
  }

  /** A stored JSON with its clear secrets encrypted, or null when it has none left. */
  private resealed(kind: ObjectKind, json: string): string | null {
    const body: unknown = JSON.parse(json);
    // Compared as this process writes JSON: a catalog may give the text back spaced otherwise.
    const [before, after] = [JSON.stringify(body), JSON.stringify(this.sealed(kind, body))];
    return after === before ? null : after;
  }

  async get<T>(projectKey: string, kind: ObjectKind, name: string, db: Db = this.db): Promise<StoredObject<T> | null> {
    const row = (await objectByName(db, { projectKey, kind, name })).rows[0];
    return row ? this.toStored<T>(row) : null;
  }

  async require<T>(projectKey: string, kind: ObjectKind, name: string, db: Db = this.db): Promise<StoredObject<T>> {
    const found = await this.get<T>(projectKey, kind, name, db);
    if (!found) throw notFound(`${kind} ${name} not found in project ${projectKey}`);
    return found;
  }

  async list<T>(projectKey: string, kind: ObjectKind, db: Db = this.db): Promise<StoredObject<T>[]> {
    const rows = await db
      .selectFrom('objects')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .orderBy('name')
      .execute();
    return rows.map((r) => this.toStored<T>(r));
  }

  /**
   * Names, revisions and save times of one kind's objects, without their bodies: enough to tell
   * whether any of them changed (a save raises the revision; a delete and re-create changes the time).
   */
  async listVersions(projectKey: string, kind: ObjectKind, db: Db = this.db) {
    return db
      .selectFrom('objects')
      .select(['name', 'revision', 'updated_at'])
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .orderBy('name')
      .execute();
  }

  /** Lists one kind across every project (used by the scheduler and monitoring). */
  async listAllProjects<T>(kind: ObjectKind, db: Db = this.db): Promise<StoredObject<T>[]> {
    const rows = await db
      .selectFrom('objects')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('project_key')
      .orderBy('name')
      .execute();
    return rows.map((r) => this.toStored<T>(r));
  }

  /** Creates or updates an object and appends a revision. */
  async put<T>(write: ObjectWrite<T>): Promise<StoredObject<T>> {
    return this.db
      .transaction()
      .execute(async (trx) => this.putIn(trx, write))
      .catch((error: unknown) => {
        // Two requests creating one name at once: the second insert breaks the key (PostgreSQL
        // checks it at insert, after both read "absent"). Theirs is a conflict, not a server error.
        if (isUniqueViolation(error))
          throw conflict(`${write.kind} ${write.name} was created by another request at the same moment`);
        throw error;
      });
  }

  /** Same as `put`, inside a caller's transaction. */
  async putIn<T>(trx: Transaction<CatalogTables>, write: ObjectWrite<T>): Promise<StoredObject<T>> {
    const { projectKey, kind, name, body, author, ...options } = write;
    const json = this.storedJson(kind, name, body);
    const kb = Buffer.byteLength(json) / 1024;
    if (kb > this.maxKb)
      throw badRequest(
        `${kind} ${name} is ${Math.ceil(kb).toLocaleString('en-US')} KB as JSON, over the limit of ${this.maxKb.toLocaleString('en-US')} KB for one saved object (LLANO_MAX_OBJECT_KB); every save keeps a revision, so keep large data in datasets`,
      );
    const existing = await this.get<T>(projectKey, kind, name, trx);
    if (!existing && NAMED_IN_SQL.has(kind)) {
      const twin = await trx
        .selectFrom('objects')
        .select('name')
        .where('project_key', '=', projectKey)
        .where('kind', '=', kind)
        .where(sql<string>`lower(name)`, '=', name.toLowerCase())
        .executeTakeFirst();
      if (twin)
        throw conflict(
          `${kind} ${name} differs only in case from ${kind} ${twin.name}: SQL does not tell them apart, choose another name`,
        );
    }
    const current = existing?.revision ?? 0;
    if (options.expectRevision !== undefined && options.expectRevision !== current) {
      throw conflict(
        !existing
          ? `${kind} ${name} does not exist`
          : options.expectRevision === 0
            ? `${kind} ${name} already exists (revision ${current}, saved by ${existing.updatedBy} at ${existing.updatedAt})`
            : `${kind} ${name} was changed by ${existing.updatedBy} at ${existing.updatedAt} (revision ${current}; you edited revision ${options.expectRevision}): reload it and apply your change again`,
        existing ? { revision: current, updatedBy: existing.updatedBy, updatedAt: existing.updatedAt } : undefined,
      );
    }
    const last = await trx
      .selectFrom('revisions')
      .select((eb) => eb.fn.max('revision').as('max'))
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst();
    const revision = Math.max(current, Number(last?.max ?? 0)) + 1;
    const now = nowIso();
    if (existing) {
      await trx
        .updateTable('objects')
        .set({ body: json, revision, updated_at: now, updated_by: author })
        .where('project_key', '=', projectKey)
        .where('kind', '=', kind)
        .where('name', '=', name)
        .execute();
    } else {
      await trx
        .insertInto('objects')
        .values({ project_key: projectKey, kind, name, body: json, revision, updated_at: now, updated_by: author })
        .execute();
    }
    await trx
      .insertInto('revisions')
      .values({
        project_key: projectKey,
        kind,
        name,
        revision,
        action: options.action ?? (existing ? 'update' : 'create'),
        body: json,
        author,
        created_at: now,
      })
      .execute();
    // The catalog search index changes in the same transaction as the object.
    await indexObjectIn(trx, { projectKey, kind, name, body });
    return { projectKey, kind, name, body, revision, updatedAt: now, updatedBy: author };
  }

  /** Deletes an object; its history stays, with a final `delete` revision. */
  async delete(ref: ObjectRef, trx?: Transaction<CatalogTables>): Promise<void> {
    const { projectKey, kind, name, author } = ref;
    const work = async (t: Transaction<CatalogTables>) => {
      // Its row, not its body: an object whose secrets this server cannot decrypt can still go.
      const existing = (await objectByName(t, { projectKey, kind, name })).rows[0];
      if (!existing) throw notFound(`${kind} ${name} not found in project ${projectKey}`);
      await t
        .deleteFrom('objects')
        .where('project_key', '=', projectKey)
        .where('kind', '=', kind)
        .where('name', '=', name)
        .execute();
      await t
        .insertInto('revisions')
        .values({
          project_key: projectKey,
          kind,
          name,
          revision: existing.revision + 1,
          action: 'delete',
          body: null,
          author,
          created_at: nowIso(),
        })
        .execute();
      await indexObjectIn(t, { projectKey, kind, name, body: null });
    };
    if (trx) await work(trx);
    else await this.db.transaction().execute(work);
  }

  async history(projectKey: string, kind: ObjectKind, name: string): Promise<Revision[]> {
    const rows = await this.db
      .selectFrom('revisions')
      .selectAll()
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .orderBy('revision', 'desc')
      .execute();
    if (rows.length === 0) throw notFound(`No history for ${kind} ${name} in project ${projectKey}`);
    return rows.map((r) => ({
      revision: r.revision,
      action: r.action as Revision['action'],
      body: r.body === null ? null : this.readStored(r.body, ownerOf(r)),
      author: r.author,
      createdAt: r.created_at,
    }));
  }

  /**
   * Marks the newest revision of an object as a revert: the kind's own save stored it as an
   * update, but its history should say what happened.
   */
  async markLatestAsRevert(projectKey: string, kind: ObjectKind, name: string): Promise<void> {
    const latest = this.db
      .selectFrom('revisions')
      .select((eb) => eb.fn.max('revision').as('revision'))
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .where('name', '=', name);
    await this.db
      .updateTable('revisions')
      .set({ action: 'revert' })
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .where('revision', '=', latest)
      .execute();
  }

  /** The body stored at one revision (for revert); validation of that body is the caller's job. */
  async bodyAt(projectKey: string, kind: ObjectKind, name: string, revision: number): Promise<unknown> {
    const row = await this.db
      .selectFrom('revisions')
      .select(['body'])
      .where('project_key', '=', projectKey)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .where('revision', '=', revision)
      .executeTakeFirst();
    if (!row) throw notFound(`${kind} ${name} has no revision ${revision}`);
    if (row.body === null)
      throw conflict(`Revision ${revision} of ${kind} ${name} is a deletion; pick an earlier revision`);
    return this.readStored(row.body, ownerOf({ kind, name, project_key: projectKey }));
  }
}

/** A broken primary key or unique constraint, from PostgreSQL (23505) or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown } | null;
  return e?.code === '23505' || (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT_'));
}
