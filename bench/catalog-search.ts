/**
 * The catalog search on a generated catalog of BENCH_PROJECTS (default 200) projects × BENCH_DATASETS
 * (default 100) datasets, each with columns, tags and a description, plus a recipe and a wiki page per
 * project: p50 and p95 of 50 varied queries through the search service, for a global admin and for a
 * user who may read half the projects, against a naive reference measured in the same run on the same
 * catalog (a LIKE scan of the objects' JSON and the current versions' columns, ranked in JavaScript), and
 * the index table scanned with LIKE as before the trigram index (migration 0021).
 * SQLite catalog (the default). Medians of BENCH_RUNS (default 3) runs. Run: `npm run bench catalog-search`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startWorkspace } from '../src/app/start-workspace.js';
import type { Principal } from '../src/catalog/access.js';
import { rebuildSearchIndex } from '../src/catalog/search-index.js';
import { searchCatalog } from '../src/collab/catalog-search.js';
import { loadConfig } from '../src/common/config.js';

const projects = Number(process.env.BENCH_PROJECTS ?? 200);
const datasets = Number(process.env.BENCH_DATASETS ?? 100);
const runs = Number(process.env.BENCH_RUNS ?? 3);

const dir = await mkdtemp(join(tmpdir(), 'llano-bench-search-'));
const started = await startWorkspace(loadConfig({ home: join(dir, 'home'), adminPassword: 'bench-pw' }, {}), {
  recover: false,
});
const { ws } = started;
const db = ws.catalog.db;

// A small deterministic vocabulary, so that some words are common and others rare.
const BANDS = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'b10'];
const THINGS = [
  'trec',
  'tsys',
  'wvr',
  'phase',
  'pointing',
  'focus',
  'weather',
  'cryo',
  'lo',
  'ifproc',
  'corr',
  'shutter',
];
const COLUMNS = [
  'ts',
  'antenna',
  'scan',
  'value',
  'band',
  'pol',
  'freq_ghz',
  'elevation',
  'azimuth',
  'flag',
  'temp_k',
  'humidity',
];
const TAGS = [
  'receivers',
  'ops',
  'science',
  'qa',
  'engineering',
  'raw',
  'derived',
  'nightly',
  'archive',
  'calibration',
];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];

console.log(`Generating ${projects} projects × ${datasets} datasets…`);
const t0 = performance.now();
const now = new Date().toISOString();
await db
  .insertInto('users')
  .values({
    id: 'u-seer',
    username: 'seer',
    password_hash: 'x',
    display_name: null,
    email: null,
    is_admin: 0,
    created_at: now,
  })
  .execute();
for (let p = 0; p < projects; p++) {
  const key = `P${String(p).padStart(3, '0')}`;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('projects')
      .values({ key, name: key, description: '', tags: '[]', created_at: now, created_by: 'admin', updated_at: now })
      .execute();
    if (p % 2 === 0)
      await trx.insertInto('members').values({ project_key: key, username: 'seer', role: 'reader' }).execute();
    for (let d = 0; d < datasets; d++) {
      const thing = pick(THINGS);
      const name = `${thing}_${pick(BANDS)}_${d}`;
      const body = {
        name,
        description: `${thing} measurements of ${pick(BANDS)} from the ${pick(TAGS)} pipeline, project ${key}`,
        tags: [pick(TAGS), pick(TAGS)],
        storage: { type: 'managed' },
      };
      await trx
        .insertInto('objects')
        .values({
          project_key: key,
          kind: 'dataset',
          name,
          body: JSON.stringify(body),
          revision: 1,
          updated_at: now,
          updated_by: 'admin',
        })
        .execute();
      const columns = [...new Set(Array.from({ length: 8 }, () => pick(COLUMNS)))].map((c) => ({
        name: `${c}`,
        type: 'VARCHAR',
      }));
      if (d % 10 === 0) columns.push({ name: `${thing}_special_${p}`, type: 'DOUBLE' });
      const id = `${key}-${name}`;
      await trx
        .insertInto('dataset_versions')
        .values({
          id,
          project_key: key,
          dataset: name,
          seq: 1,
          status: 'ready',
          location: 'x',
          row_count: 1,
          content_hash: null,
          columns: JSON.stringify(columns),
          lineage: null,
          job_id: null,
          created_at: now,
          owner: null,
          owner_host: null,
          heartbeat_at: null,
        })
        .execute();
      await trx.insertInto('dataset_state').values({ project_key: key, dataset: name, current_version: id }).execute();
    }
    await trx
      .insertInto('objects')
      .values({
        project_key: key,
        kind: 'recipe',
        name: `smooth_${p}`,
        body: JSON.stringify({
          name: `smooth_${p}`,
          type: 'sql',
          sql: `SELECT * FROM ${pick(THINGS)}`,
          tags: [pick(TAGS)],
        }),
        revision: 1,
        updated_at: now,
        updated_by: 'admin',
      })
      .execute();
    await trx
      .insertInto('objects')
      .values({
        project_key: key,
        kind: 'wiki-page',
        name: 'ops/runbook',
        body: JSON.stringify({
          name: 'ops/runbook',
          content: `Check ${pick(THINGS)} every night; escalate ${pick(THINGS)} issues.`,
        }),
        revision: 1,
        updated_at: now,
        updated_by: 'admin',
      })
      .execute();
  });
}
const indexed = await rebuildSearchIndex(db);
console.log(`Generated and indexed ${indexed} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

// 50 queries: exact names, prefixes, substrings, columns, tags, description words, rare and absent words, filters.
const queries: { q: string; kind?: string; tag?: string; project?: string }[] = [];
for (let i = 0; queries.length < 50; i++) {
  const thing = THINGS[i % THINGS.length];
  const variants = [
    { q: `${thing}_${BANDS[i % BANDS.length]}_${i}` },
    { q: thing.slice(0, 3) },
    { q: `_${BANDS[i % BANDS.length]}_` },
    { q: COLUMNS[i % COLUMNS.length] },
    { q: `${thing}_special_${i * 3}` },
    { q: TAGS[i % TAGS.length] },
    { q: 'pipeline' },
    { q: 'nothing-matches-this' },
    { q: thing, kind: 'dataset', tag: TAGS[(i + 3) % TAGS.length] },
    { q: thing, project: `P${String(i * 2).padStart(3, '0')}` },
  ];
  queries.push(variants[i % variants.length]);
}

const admin: Principal = { userId: 'admin', username: 'admin', isAdmin: true, via: 'local' };
const seer: Principal = { userId: 'u-seer', username: 'seer', isAdmin: false, via: 'local' };

/** The reference: what a search without the index does — a LIKE scan of every object's JSON and columns, ranked in JS. */
async function naive(principal: Principal, query: (typeof queries)[number]) {
  const q = query.q.toLowerCase();
  let scan = db
    .selectFrom('objects')
    .leftJoin('dataset_state', (j) =>
      j
        .onRef('dataset_state.project_key', '=', 'objects.project_key')
        .onRef('dataset_state.dataset', '=', 'objects.name'),
    )
    .leftJoin('dataset_versions', 'dataset_versions.id', 'dataset_state.current_version')
    .select(['objects.project_key', 'objects.kind', 'objects.name', 'objects.body', 'dataset_versions.columns'])
    .where('objects.kind', 'in', ['dataset', 'recipe', 'scenario', 'dashboard', 'insight', 'wiki-page'])
    .where((eb) =>
      eb.or([
        eb(sql`lower(objects.body)`, 'like', `%${q}%`),
        eb(sql`lower(dataset_versions.columns)`, 'like', `%${q}%`),
      ]),
    );
  if (!principal.isAdmin)
    scan = scan.where(
      'objects.project_key',
      'in',
      db.selectFrom('members').select('project_key').where('username', '=', principal.username),
    );
  if (query.kind) scan = scan.where('objects.kind', '=', query.kind);
  if (query.project) scan = scan.where('objects.project_key', '=', query.project);
  const rows = await scan.execute();
  const ranked = rows
    .map((r) => {
      const body = JSON.parse(r.body) as { description?: string; tags?: string[]; content?: string };
      if (query.tag && !(body.tags ?? []).includes(query.tag)) return null;
      const n = r.name.toLowerCase();
      const cols = ((r.columns ? JSON.parse(r.columns) : []) as { name: string }[]).map((c) => c.name.toLowerCase());
      const tier =
        n === q
          ? 0
          : n.startsWith(q)
            ? 1
            : n.includes(q)
              ? 2
              : cols.some((c) => c.includes(q))
                ? 3
                : (body.tags ?? []).some((t) => t.includes(q))
                  ? 4
                  : 5;
      return { r, tier };
    })
    .filter((x) => x !== null)
    .sort((a, b) => a.tier - b.tier || a.r.name.localeCompare(b.r.name));
  return { total: ranked.length, items: ranked.slice(0, 20) };
}

/**
 * The search as it was before the trigram index (migration 0021): a LIKE scan of every index row,
 * ranked with the texts carried through the sort and a window count. Same catalog, same run.
 */
async function indexScan(principal: Principal, query: (typeof queries)[number]) {
  const q = query.q.trim().toLowerCase();
  const esc = (x: string) => x.replace(/[\\%_]/g, (c) => `\\${c}`);
  const contains = `%${esc(q)}%`;
  const like = (column: string, pattern: string) => sql<boolean>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
  const projects = principal.isAdmin ? null : (await ws.catalog.projects.list(principal)).map((p) => p.key);
  let base = db.selectFrom('search_index');
  if (q) base = base.where(like('haystack', contains));
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.project) base = base.where('project_key', '=', query.project);
  if (query.tag) base = base.where(like('tags_lc', `% ${esc(query.tag.toLowerCase())} %`));
  if (projects) base = base.where('project_key', 'in', projects);
  return base
    .select(['project_key', 'kind', 'name', 'title', 'description', 'tags'])
    .select(
      sql<number>`CASE WHEN name_lc = ${q} OR lower(title) = ${q} THEN 0
        WHEN ${like('name_lc', `${esc(q)}%`)} THEN 1
        WHEN ${like('name_lc', contains)} OR lower(title) LIKE ${contains} ESCAPE '\\' THEN 2
        WHEN ${like('columns_lc', contains)} THEN 3 WHEN ${like('tags_lc', contains)} THEN 4
        WHEN ${like('description_lc', contains)} THEN 5 ELSE 6 END`.as('tier'),
    )
    .select(sql<number>`count(*) over ()`.as('total'))
    .orderBy('tier')
    .orderBy('name_lc')
    .orderBy('project_key')
    .orderBy('kind')
    .limit(20)
    .execute();
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const median = (xs: number[]) => percentile(xs, 0.5);

async function measure(fn: (q: (typeof queries)[number]) => Promise<unknown>) {
  const times: number[] = [];
  for (const q of queries) {
    const start = performance.now();
    await fn(q);
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

const cases: [string, (q: (typeof queries)[number]) => Promise<unknown>][] = [
  ['index, global admin', (q) => searchCatalog(ws, admin, { limit: 20, offset: 0, ...q })],
  ['index, reader of half the projects', (q) => searchCatalog(ws, seer, { limit: 20, offset: 0, ...q })],
  ['index table LIKE scan as before 0021, global admin (reference)', (q) => indexScan(admin, q)],
  ['naive LIKE scan, global admin (reference)', (q) => naive(admin, q)],
  ['naive LIKE scan, reader of half (reference)', (q) => naive(seer, q)],
];
// One warm-up pass (page cache, prepared statements), then BENCH_RUNS measured runs.
for (const [, fn] of cases) await measure(fn);
const results = new Map<string, { p50: number[]; p95: number[] }>();
for (let run = 0; run < runs; run++)
  for (const [name, fn] of cases) {
    const m = await measure(fn);
    const r = results.get(name) ?? { p50: [], p95: [] };
    r.p50.push(m.p50);
    r.p95.push(m.p95);
    results.set(name, r);
  }

console.log(
  `${indexed} objects in ${projects} projects; 50 queries; median of ${runs} runs; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}\n`,
);
console.log('| search | p50 ms | p95 ms |');
console.log('| --- | ---: | ---: |');
for (const [name, r] of results) console.log(`| ${name} | ${median(r.p50).toFixed(1)} | ${median(r.p95).toFixed(1)} |`);
const p95 = median(results.get('index, global admin')!.p95);
console.log(`\nTarget p95 ≤ 100 ms (global admin, index): ${p95 <= 100 ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms)`);

await started.close();
await rm(dir, { recursive: true, force: true });
