import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';

/** Two sites, A with a step from 10 to 20 halfway, B a rising line; one hour apart. */
function csv(): string {
  const lines = ['site,at,v'];
  for (let i = 0; i < 40; i++) {
    const at = new Date(Date.UTC(2024, 0, 1, i)).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`A,${at},${(i < 20 ? 10 : 20) + 0.2 * Math.sin(i)}`, `B,${at},${i + 0.3 * Math.cos(i)}`);
  }
  return lines.join('\n') + '\n';
}

describe('llano recipe create --type (analysis recipes from the CLI)', () => {
  let dir: string;
  let home: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-ana-'));
    home = ['--home', path.join(dir, 'ws'), '-p', 'ANA'];
    writeFileSync(path.join(dir, 'obs.csv'), csv());
    expect((await llano(['--home', path.join(dir, 'ws'), 'project', 'create', 'ANA'])).code).toBe(0);
    expect((await llano([...home, 'dataset', 'import', 'obs', path.join(dir, 'obs.csv')])).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a changepoints recipe from --param flags, builds it and reads the change', async () => {
    const create = await llano([
      ...home,
      'recipe',
      'create',
      'find_steps',
      '--type',
      'changepoints',
      '--input',
      'obs',
      '--output',
      'steps',
      '--param',
      'groupBy=site',
      '--param',
      'orderBy=at',
      '--param',
      'column=v',
      '--param',
      'minSize=5',
    ]);
    expect(create.code, create.err).toBe(0);
    expect(create.out).toMatch(/Created recipe find_steps: obs → steps/);
    const build = await llano([...home, 'build', 'steps']);
    expect(build.code, build.err).toBe(0);
    const head = await llano([...home, '--json', 'dataset', 'head', 'steps']);
    const page = parseJson<{ columns: string[]; rows: unknown[][] }>(head.out);
    const site = page.columns.indexOf('site');
    const index = page.columns.indexOf('change_index');
    expect(page.rows.filter((r) => r[site] === 'A').map((r) => r[index])).toContain(20);
  });

  it('takes settings from a JSON file, lists the types and refuses a bad setting', async () => {
    const file = path.join(dir, 'trend.json');
    writeFileSync(file, JSON.stringify({ groupBy: ['site'], orderBy: 'at', column: 'v', alpha: 0.01 }));
    const create = await llano([
      ...home,
      'recipe',
      'create',
      'fit',
      '--type',
      'trend',
      '--input',
      'obs',
      '--output',
      'trends',
      '--params-file',
      file,
    ]);
    expect(create.code, create.err).toBe(0);
    const shown = await llano([...home, '--json', 'recipe', 'show', 'fit']);
    expect(parseJson<{ alpha: number }>(shown.out).alpha).toBe(0.01);
    const types = await llano([...home, 'recipe', 'types']);
    expect(types.out).toMatch(/outliers\s+Outliers per series\s+groupBy, column, orderBy, method/);
    const bad = await llano([
      ...home,
      'recipe',
      'create',
      'bad',
      '--type',
      'outliers',
      '--input',
      'obs',
      '--output',
      'bad',
      '--param',
      'column=v',
      '--param',
      'method=nope',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/method/);
  });
});
