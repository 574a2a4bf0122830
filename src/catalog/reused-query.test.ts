import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../test/support/embedded-postgres.js';
import { Catalog } from './catalog.js';
import { reusedQuery } from './reused-query.js';

/** The same suite runs against both catalog databases (their placeholders differ: `?` and `$1`). */
const backends: { name: string; open: () => Promise<{ catalog: Catalog; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'llano-reused-'));
      const catalog = await Catalog.open({ home });
      return { catalog, cleanup: () => catalog.close().then(() => rmSync(home, { recursive: true, force: true })) };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const pg = await startPostgres();
      const catalog = await Catalog.open({ home: tmpdir(), url: pg.url });
      return { catalog, cleanup: () => catalog.close().then(() => pg.stop()) };
    },
  },
];

describe.each(backends)('a reused query on $name', ({ open }) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ catalog, cleanup } = await open()));
  afterAll(async () => cleanup?.());

  it('is built once, runs with each call’s values, keeps the constants of its text, in and out of transactions', async () => {
    let builds = 0;
    const setState = reusedQuery<'projectKey' | 'dataset' | 'version', never>((db, value) => {
      builds++;
      return db
        .insertInto('dataset_state')
        .values({ project_key: value('projectKey'), dataset: value('dataset'), current_version: value('version') })
        .onConflict((oc) => oc.columns(['project_key', 'dataset']).doUpdateSet({ current_version: value('version') }));
    });
    const statesOf = reusedQuery<'projectKey', { dataset: string; current_version: string }>((db, value) => {
      builds++;
      return db
        .selectFrom('dataset_state')
        .select(['dataset', 'current_version'])
        .where('project_key', '=', value('projectKey'))
        .where('dataset', '!=', 'hidden')
        .orderBy('dataset')
        .limit(2);
    });
    for (const [projectKey, dataset, version] of [
      ['P', 'a', 'v1'],
      ['P', 'b', 'v2'],
      ['P', 'c', 'v3'],
      ['P', 'hidden', 'v4'],
      ['Q', 'a', 'v5'],
    ])
      expect(Number((await setState(catalog.db, { projectKey, dataset, version })).numAffectedRows)).toBe(1);
    expect((await statesOf(catalog.db, { projectKey: 'P' })).rows).toEqual([
      { dataset: 'a', current_version: 'v1' },
      { dataset: 'b', current_version: 'v2' },
    ]);
    await catalog.db.transaction().execute(async (trx) => {
      await setState(trx, { projectKey: 'Q', dataset: 'a', version: 'v6' });
      expect((await statesOf(trx, { projectKey: 'Q' })).rows).toEqual([{ dataset: 'a', current_version: 'v6' }]);
    });
    expect((await statesOf(catalog.db, { projectKey: 'R' })).rows).toEqual([]);
    expect(builds).toBe(2);
  });
});
