import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPage } from './support/api-types.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/UPL';
const CSV = 'antenna,band\nDA41,3\nDA42,6\n';
type Refusal = { error: { code: string; message: string; details?: { datasets: string[] } } };

describe('a recipe taking over a dataset of uploaded data', () => {
  let s: TestServer;
  let dir: string;
  const call = <T = unknown>(method: string, url: string, body?: unknown) =>
    s.call<T>(method, `${P}${url}`, { token: s.adminToken, body });
  const recipe = (name: string, output: string) => ({
    name,
    type: 'sql',
    inputs: ['obs'],
    output,
    sql: 'SELECT antenna FROM obs',
  });

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-upl-'));
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'UPL' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/obs/upload`, CSV, 'obs.csv')).status).toBe(201);
    expect((await s.upload(`${P}/datasets/targets/upload`, CSV, 'targets.csv')).status).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses with 409 until the request confirms; the confirmation is not stored', async () => {
    const refused = await call<Refusal>('POST', '/recipes', recipe('r_take', 'targets'));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('replaces_uploaded');
    expect(refused.body.error.message).toContain(
      'would replace the uploaded data of targets (uploaded from targets.csv, 2 rows)',
    );
    expect(refused.body.error.message).toContain('"replaceUploaded": true');
    expect(refused.body.error.details).toEqual({ datasets: ['targets'] });
    expect((await call('GET', '/recipes/r_take')).status).toBe(404);
    expect((await call<DataPage>('GET', '/datasets/targets/data')).body.rows).toHaveLength(2);

    const saved = await call<Record<string, unknown>>('POST', '/recipes', {
      ...recipe('r_take', 'targets'),
      replaceUploaded: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body).not.toHaveProperty('replaceUploaded');
    expect((await call<Record<string, unknown>>('GET', '/recipes/r_take')).body).not.toHaveProperty('replaceUploaded');
    // Saved again with the output it already writes: nothing more to confirm.
    expect((await call('PUT', '/recipes/r_take', recipe('r_take', 'targets'))).status).toBe(200);
  });

  it('asks again when a saved recipe is pointed at uploaded data; new and built outputs need nothing', async () => {
    expect((await call('POST', '/recipes', recipe('r_new', 'fresh'))).status).toBe(201);
    expect((await s.upload(`${P}/datasets/other/upload`, CSV, 'other.csv')).status).toBe(201);
    const moved = await call<Refusal>('PUT', '/recipes/r_new', recipe('r_new', 'other'));
    expect(moved.status).toBe(409);
    expect(moved.body.error.details).toEqual({ datasets: ['other'] });
    expect((await call('PUT', '/recipes/r_new', { ...recipe('r_new', 'other'), replaceUploaded: true })).status).toBe(
      200,
    );
  });

  it('the CLI is refused without --replace-uploaded and saves with it', async () => {
    const home = ['--home', path.join(dir, 'ws')];
    const file = path.join(dir, 'obs.csv');
    writeFileSync(file, CSV);
    expect((await llano([...home, 'project', 'create', 'UPL'])).code).toBe(0);
    for (const name of ['obs', 'targets'])
      expect((await llano([...home, '-p', 'UPL', 'dataset', 'import', name, file])).code).toBe(0);
    const create = (...flags: string[]) =>
      llano([
        ...home,
        '-p',
        'UPL',
        'recipe',
        'create',
        'r_take',
        '--input',
        'obs',
        '--output',
        'targets',
        '--sql',
        'SELECT antenna FROM obs',
        ...flags,
      ]);
    const refused = await create();
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('would replace the uploaded data of targets');
    expect(refused.err).toContain('--replace-uploaded');
    const saved = await create('--replace-uploaded');
    expect(saved.code, saved.err).toBe(0);
    expect(saved.out).toContain('Created recipe r_take');
  });
});
