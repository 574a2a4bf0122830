import { sql, type Kysely, type Transaction } from 'kysely';
import { nowIso } from '../common/ids.js';
import type { Dialect } from './database.js';
import { reusedQuery } from './reused-query.js';
import type { CatalogTables } from './tables.js';

type Db = Kysely<CatalogTables> | Transaction<CatalogTables>;

/** The kinds of project objects the catalog search finds; other kinds (connections, variables…) are not indexed. */
export const SEARCHABLE_KINDS = ['dataset', 'recipe', 'scenario', 'dashboard', 'insight', 'wiki-page'] as const;
export type SearchableKind = (typeof SEARCHABLE_KINDS)[number];
export const isSearchableKind = (kind: string): kind is SearchableKind =>
  (SEARCHABLE_KINDS as readonly string[]).includes(kind);

/** Long texts (wiki pages, SQL) are searched on their beginning: the index stays small and scans stay fast. */
const CONTENT_CHARS = 20_000;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
// Spaces inside a tag or column name become '_' so that ` word ` still matches one whole entry.
const words = (list: string[]) =>
  list.length ? ` ${list.map((w) => w.toLowerCase().replace(/\s+/g, '_')).join(' ')} ` : '';

interface Body {
  name?: unknown;
  description?: unknown;
  tags?: unknown;
  content?: unknown;
  sql?: unknown;
  code?: unknown;
  text?: unknown;
}

/** The current columns of a dataset (from its current version), [] before its first build. */
async function datasetColumns(db: Db, projectKey: string, dataset: string): Promise<string[]> {
  const row = await db
    .selectFrom('dataset_state')
    .innerJoin('dataset_versions', 'dataset_versions.id', 'dataset_state.current_version')
    .select('dataset_versions.columns')
    .where('dataset_state.project_key', '=', projectKey)
    .where('dataset_state.dataset', '=', dataset)
    .executeTakeFirst();
  if (!row?.columns) return [];
  return (JSON.parse(row.columns) as { name: string }[]).map((c) => c.name);
}

/**
 * Brings the index row of one object up to date inside the caller's transaction: the object's
 * body (null: deleted), its tags and description (from the body, else the `object_tags` row)
 * and, for a dataset, the columns of its current version.
 */
export async function indexObjectIn(
  db: Db,
  object: { projectKey: string; kind: string; name: string; body: unknown; columns?: string[] },
): Promise<void> {
  const { projectKey, kind, name } = object;
  if (!isSearchableKind(kind)) return;
  await db
    .deleteFrom('search_index')
    .where('project_key', '=', projectKey)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .execute();
  if (object.body === null || typeof object.body !== 'object') return;
  const body = object.body as Body;
  const meta = await db
    .selectFrom('object_tags')
    .select(['tags', 'description'])
    .where('project_key', '=', projectKey)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  const bodyTags = Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [];
  const tags = [...new Set([...bodyTags, ...(meta ? (JSON.parse(meta.tags) as string[]) : [])])];
  const description = text(body.description) || meta?.description || '';
  const content = (text(body.content) || text(body.sql) || text(body.code) || text(body.text)).slice(0, CONTENT_CHARS);
  const columns = kind !== 'dataset' ? [] : (object.columns ?? (await datasetColumns(db, projectKey, name)));
  const title = kind !== 'dataset' && kind !== 'recipe' && text(body.name) ? text(body.name) : name;
  const row = {
    project_key: projectKey,
    kind,
    name,
    title,
    name_lc: name.toLowerCase(),
    columns_lc: words(columns),
    tags_lc: words(tags),
    description_lc: description.toLowerCase(),
    content_lc: content.toLowerCase(),
    description: description.slice(0, 500),
    tags: JSON.stringify(tags),
    updated_at: nowIso(),
  };
  const haystack = [row.name_lc, title.toLowerCase(), row.columns_lc, row.tags_lc, row.description_lc, row.content_lc]
    .filter(Boolean)
    .join('\n');
  await db
    .insertInto('search_index')
    .values({ ...row, haystack })
    .execute();
}

/** Re-reads one object and refreshes its index row (after a build changed a dataset's columns, or its tags changed). */
export async function reindexObject(db: Kysely<CatalogTables>, projectKey: string, kind: string, name: string) {
  if (!isSearchableKind(kind)) return;
  await db.transaction().execute((trx) => reindexObjectIn(trx, { projectKey, kind, name }));
}

/**
 * `reindexObject` inside the caller's transaction (a build's commit). `columns`, when the caller
 * knows a dataset's new columns, saves reading them back.
 */
export async function reindexObjectIn(
  trx: Transaction<CatalogTables>,
  object: { projectKey: string; kind: string; name: string; columns?: string[] },
): Promise<void> {
  const { projectKey, kind, name } = object;
  if (!isSearchableKind(kind)) return;
  const row = await trx
    .selectFrom('objects')
    .select('body')
    .where('project_key', '=', projectKey)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  const body = row ? (JSON.parse(row.body) as unknown) : null;
  await indexObjectIn(trx, { projectKey, kind, name, body, columns: object.columns });
}

/** The columns a dataset's index row has (read at every build step's commit). */
const indexedDatasetColumns = reusedQuery<'projectKey' | 'name', { columns_lc: string }>((db, value) =>
  db
    .selectFrom('search_index')
    .select('columns_lc')
    .where('project_key', '=', value('projectKey'))
    .where('kind', '=', 'dataset')
    .where('name', '=', value('name')),
);

/**
 * After a dataset's new version became current, in the commit's transaction: its index row
 * changes only when its columns did (a rebuild usually keeps them), so one read saves the four
 * statements of a reindex.
 */
export async function reindexDatasetColumnsIn(
  trx: Transaction<CatalogTables>,
  dataset: { projectKey: string; name: string; columns: string[] },
): Promise<void> {
  const { projectKey, name, columns } = dataset;
  const row = (await indexedDatasetColumns(trx, { projectKey, name })).rows[0];
  if (row?.columns_lc === words(columns)) return;
  await reindexObjectIn(trx, { projectKey, kind: 'dataset', name, columns });
}

/** Fills the index from the objects table (a catalog from before the index, or a repair); answers the rows written. */
export async function rebuildSearchIndex(db: Kysely<CatalogTables>): Promise<number> {
  const rows = await db
    .selectFrom('objects')
    .select(['project_key', 'kind', 'name', 'body'])
    .where('kind', 'in', [...SEARCHABLE_KINDS])
    .execute();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('search_index').execute();
    for (const r of rows)
      await indexObjectIn(trx, {
        projectKey: r.project_key,
        kind: r.kind,
        name: r.name,
        body: JSON.parse(r.body) as unknown,
      });
  });
  return rows.length;
}

/** Why an object matched, best first: the ranking's tiers. */
export const MATCH_TIERS = ['name', 'prefix', 'contains', 'column', 'tag', 'description', 'content'] as const;
export type MatchTier = (typeof MATCH_TIERS)[number];

export interface IndexQuery {
  /** Searched as one phrase, case-insensitive; empty: every object (filters still apply). */
  q: string;
  kind?: string;
  tag?: string;
  project?: string;
  /** Projects the caller may read; null: every project (a global admin). */
  projects: string[] | null;
  limit: number;
  offset: number;
}

export interface IndexHit {
  projectKey: string;
  kind: string;
  name: string;
  title: string;
  description: string;
  tags: string[];
  match: MatchTier | null;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The trigram index answers substrings of at least this many characters; shorter ones scan. */
const TRIGRAM = 3;

/**
 * Ranked search over the index: exact name > name prefix > name contains > column > tag >
 * description > content, then by name. The rows whose text contains the phrase come from a
 * trigram index (SQLite: the FTS5 table `search_text`; PostgreSQL: a pg_trgm GIN index on
 * `haystack`, used by the LIKE itself), the tier is worked out on those rows only.
 */
export async function searchIndex(
  db: Kysely<CatalogTables>,
  query: IndexQuery,
  dialect: Dialect = 'sqlite',
): Promise<{ total: number; hits: IndexHit[] }> {
  const q = query.q.trim().toLowerCase();
  if (query.projects && query.projects.length === 0) return { total: 0, hits: [] };
  const contains = `%${likeEscape(q)}%`;
  const like = (column: string, pattern: string) => sql<boolean>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
  const tier = q
    ? sql<number>`CASE
        WHEN name_lc = ${q} OR lower(title) = ${q} THEN 0
        WHEN ${like('name_lc', `${likeEscape(q)}%`)} THEN 1
        WHEN ${like('name_lc', contains)} OR lower(title) LIKE ${contains} ESCAPE '\\' THEN 2
        WHEN ${like('columns_lc', contains)} THEN 3
        WHEN ${like('tags_lc', contains)} THEN 4
        WHEN ${like('description_lc', contains)} THEN 5
        ELSE 6 END`
    : sql<number>`-1`;
  const fts = dialect === 'sqlite' && [...q].length >= TRIGRAM;
  let base = db.selectFrom('search_index');
  // FTS5 does not take LIKE … ESCAPE (and `_` is in most names): a trigram phrase query is the same
  // case-insensitive substring test, on text lower-cased when indexed.
  if (fts)
    base = base.where(
      sql<boolean>`id IN (SELECT rowid FROM search_text WHERE search_text MATCH ${`"${q.replace(/"/g, '""')}"`})`,
    );
  else if (q) base = base.where(like('haystack', contains));
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.project) base = base.where('project_key', '=', query.project);
  if (query.tag)
    base = base.where(like('tags_lc', `% ${likeEscape(query.tag.trim().toLowerCase().replace(/\s+/g, '_'))} %`));
  if (query.projects) base = base.where('project_key', 'in', query.projects);
  // Ranked on narrow rows (a common word matches thousands): the page's texts are read afterwards.
  const page = await base
    .select(['project_key', 'kind', 'name'])
    .select(tier.as('tier'))
    .orderBy('tier')
    .orderBy('name_lc')
    .orderBy('project_key')
    .orderBy('kind')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  // A short page tells the total itself; a full one (or one past the end) is counted.
  const total =
    page.length > 0 && page.length < query.limit
      ? query.offset + page.length
      : page.length === 0 && query.offset === 0
        ? 0
        : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const details = page.length
    ? await db
        .selectFrom('search_index')
        .select(['project_key', 'kind', 'name', 'title', 'description', 'tags'])
        .where((eb) =>
          eb.or(
            page.map((r) =>
              eb.and([eb('project_key', '=', r.project_key), eb('kind', '=', r.kind), eb('name', '=', r.name)]),
            ),
          ),
        )
        .execute()
    : [];
  const byKey = new Map(details.map((d) => [`${d.project_key}\0${d.kind}\0${d.name}`, d]));
  const rows = page.flatMap((r) => {
    const d = byKey.get(`${r.project_key}\0${r.kind}\0${r.name}`);
    return d ? [{ ...d, tier: r.tier }] : [];
  });
  return {
    total,
    hits: rows.map((r) => ({
      projectKey: r.project_key,
      kind: r.kind,
      name: r.name,
      title: r.title,
      description: r.description,
      tags: JSON.parse(r.tags) as string[],
      match: Number(r.tier) < 0 ? null : MATCH_TIERS[Number(r.tier)],
    })),
  };
}
