import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyCreated, Job } from './support/api-types.js';
import { loadConfig } from '../src/common/config.js';
import { Workspace } from '../src/workspace/workspace.js';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

type Page = { columns: string[]; rows: unknown[][] };
const CSV = 'antenna,band,trec_x\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\n';

/** A CSV of about `mb` megabytes (rows of ~40 bytes). */
function writeBigCsv(file: string, mb: number): number {
  const rows = Math.ceil((mb * 1e6) / 40);
  const lines = ['antenna,band,trec_x,note'];
  for (let i = 0; i < rows; i++) lines.push(`DA${i % 66},${(i % 10) + 1},${(30 + (i % 97) / 7).toFixed(4)},row-${i}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return rows;
}

/** Runs `fn` on the workspace at `home` opened directly (its catalog, no CLI). */
async function withWorkspace<T>(home: string, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await Workspace.open(loadConfig({ home }, {}));
  try {
    return await fn(ws);
  } finally {
    await ws.close();
  }
}

describe('llano CLI on a workspace (no server)', () => {
  let dir: string;
  let home: string[];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-'));
    home = ['--home', path.join(dir, 'ws')];
    writeFileSync(path.join(dir, 'trec.csv'), CSV);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a project, imports, writes a recipe, builds and reads the result', async () => {
    expect((await llano([...home, 'project', 'create', 'QA', '--name', 'Receiver QA'])).code).toBe(0);
    const list = await llano([...home, 'project', 'list']);
    expect(list.out).toMatch(/QA\s+Receiver QA\s+admin/);

    const imp = await llano([...home, '-p', 'QA', 'dataset', 'import', 'trec', path.join(dir, 'trec.csv')]);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/Imported 3 rows into trec/);

    const rec = await llano([
      ...home,
      '-p',
      'QA',
      'recipe',
      'create',
      'r_by_band',
      '--input',
      'trec',
      '--output',
      'by_band',
      '--sql',
      'SELECT band, avg(trec_x) AS mean FROM trec GROUP BY band ORDER BY band',
    ]);
    expect(rec.code, rec.err).toBe(0);

    const build = await llano([...home, '-p', 'QA', 'build', 'by_band']);
    expect(build.code, build.err).toBe(0);
    expect(build.out).toMatch(/succeeded/);

    const head = await llano([...home, '-p', 'QA', '--json', 'dataset', 'head', 'by_band']);
    expect(parseJson<{ rows: unknown[][] }>(head.out).rows).toEqual([
      [3, 36],
      [6, 55],
    ]);

    const stats = await llano([...home, '-p', 'QA', 'dataset', 'stats', 'trec']);
    expect(stats.out).toMatch(/trec_x\s+DOUBLE\s+3\s+0/);

    const out = path.join(dir, 'by_band.csv');
    expect((await llano([...home, '-p', 'QA', 'dataset', 'download', 'by_band', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split(/\r?\n/)).toEqual(['band,mean', '3,36', '6,55']);
    // `-o -` is stdout, not a file named '-'.
    const dash = await llano([...home, '-p', 'QA', 'dataset', 'download', 'by_band', '-o', '-']);
    expect(dash.out.trim().split(/\r?\n/)).toEqual(['band,mean', '3,36', '6,55']);

    const jobs = await llano([...home, '-p', 'QA', '--json', 'job', 'list']);
    const jobId = parseJson<Job[]>(jobs.out)[0].id;
    expect((await llano([...home, '-p', 'QA', 'job', 'log', jobId])).out).toMatch(/wrote 2 rows to by_band/);
    const again = await llano([...home, '-p', 'QA', 'build', 'by_band']);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/nothing to build, everything is up to date/);

    const flow = (await llano([...home, '-p', 'QA', 'flow'])).out;
    expect(flow).toMatch(/upstream\s+downstream/);
    // A dataset's upstream is the recipe that makes it; a recipe's, the datasets it reads.
    expect(flow).toMatch(/dataset\s+by_band\s+built\s+r_by_band\s*\n/);
    expect(flow).toMatch(/recipe\s+r_by_band\s+up to date\s+trec\s+by_band/);
  });

  it('imports a .csv.gz, round-trips a JSON download, prints numbers without float noise', async () => {
    const gz = path.join(dir, 'readings.csv.gz');
    writeFileSync(gz, gzipSync('id,f,d\n1,25.1,0.30000000000000004\n2,-3.7,100.00000000000001\n'));
    const imp = await llano([...home, '-p', 'QA', 'dataset', 'import', 'readings', gz, '--schema', '{"f":"FLOAT"}']);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out).toMatch(/Imported 2 rows into readings/);

    const table = await llano([...home, '-p', 'QA', 'dataset', 'head', 'readings']);
    expect(table.out.split('\n')[2]).toMatch(/^1\s+25\.1\s+0\.3$/);
    expect(table.out.split('\n')[3]).toMatch(/^2\s+-3\.7\s+100$/);
    const json = JSON.parse((await llano([...home, '-p', 'QA', '--json', 'dataset', 'head', 'readings'])).out) as Page;
    expect(json.rows[0]).toEqual([1, 25.100000381469727, 0.30000000000000004]);

    const out = path.join(dir, 'readings.json');
    expect(
      (await llano([...home, '-p', 'QA', 'dataset', 'download', 'readings', '--format', 'json', '--out', out])).code,
    ).toBe(0);
    const back = await llano([...home, '-p', 'QA', 'dataset', 'import', 'readings_back', out]);
    expect(back.code, back.err).toBe(0);
    const again = JSON.parse(
      (await llano([...home, '-p', 'QA', '--json', 'dataset', 'head', 'readings_back'])).out,
    ) as Page;
    expect(again.columns).toEqual(['id', 'f', 'd']);
    expect(again.rows).toEqual(json.rows);
    const stats = await llano([...home, '-p', 'QA', 'dataset', 'stats', 'readings']);
    expect(stats.out).toMatch(/f\s+FLOAT\s+2\s+0\s+2\s+-3\.7\s+25\.1\s+10\.7\s/);
  });

  it('prints integers past 2^53 with every digit, in tables, statistics and --json', async () => {
    const csv = path.join(dir, 'ns.csv');
    writeFileSync(csv, 'ts_ns,v\n1733580000123456789,1\n-9223372036854775807,2\n');
    expect((await llano([...home, '-p', 'QA', 'dataset', 'import', 'ns', csv])).code).toBe(0);
    const table = await llano([...home, '-p', 'QA', 'dataset', 'head', 'ns']);
    expect(table.out.split('\n')[2]).toMatch(/^1733580000123456789\s+1$/);
    expect(table.out.split('\n')[3]).toMatch(/^-9223372036854775807\s+2$/);
    const json = (await llano([...home, '-p', 'QA', '--json', 'dataset', 'head', 'ns'])).out;
    expect(json).toContain('1733580000123456789');
    expect(json).not.toContain('"1733580000123456789"');
    const stats = await llano([...home, '-p', 'QA', 'dataset', 'stats', 'ns']);
    expect(stats.out).toMatch(/ts_ns\s+BIGINT\s+2\s+0\s+2\s+-9223372036854775807\s+1733580000123456789\s/);
  });

  it('errors are one line and a non-zero exit code', async () => {
    const r = await llano([...home, '-p', 'QA', 'dataset', 'import', 'x', path.join(dir, 'missing.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: No such file: ${path.join(dir, 'missing.csv')}\n`);
    const folder = await llano([...home, '-p', 'QA', 'dataset', 'import', 'x', dir]);
    expect(folder.err).toBe(`error: ${dir} is a folder, not a file: import its files one by one (one dataset each)\n`);
    const bad = await llano([
      ...home,
      '-p',
      'QA',
      'recipe',
      'create',
      'r2',
      '--input',
      'trec',
      '--output',
      'o2',
      '--sql',
      'SELECT nope FROM trec',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/nope/);
    expect((await llano([...home, 'dataset', 'list'])).err).toMatch(/--project/);
    expect((await llano([...home, 'no-such-command'])).code).toBe(2);
  });

  it('imports a local file above the HTTP upload limit, streamed', async () => {
    const big = path.join(dir, 'big.csv');
    const rows = writeBigCsv(big, 2.5);
    const r = await llano([...home, '-p', 'QA', '--json', 'dataset', 'import', 'big', big], {
      LLANO_MAX_UPLOAD_MB: '1',
    });
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { rowCount: number }).rowCount).toBe(rows);
  });
});

describe('llano CLI: the admin of a fresh workspace and set-password', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-admin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the first command on a new workspace prints the admin password on stderr, once; --json output stays clean', async () => {
    const home = path.join(dir, 'fresh');
    const first = await llano(['--home', home, '--json', 'project', 'list']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toEqual([]);
    const password = /log in as admin with password (\S+)/.exec(first.err)?.[1];
    expect(password).toBeDefined();
    // Someone who meant a server learns where this went and how to reach one.
    expect(first.err).toContain(`This command used a new local workspace in ${home} (no server was given)`);
    await withWorkspace(home, async (ws) =>
      expect((await ws.catalog.users.verifyPassword('admin', password!)).isAdmin).toBe(true),
    );
    const second = await llano(['--home', home, 'project', 'list']);
    expect(second.err).toBe('');
  });

  it('set-password admin on a new workspace does not print the generated password it replaces', async () => {
    const home = path.join(dir, 'recovered-at-once');
    const r = await llano(
      ['--home', home, 'user', 'set-password', 'admin', '--password-stdin'],
      {},
      dir,
      'mine-from-the-start\n',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^First start: created user admin, with the password this command sets\n/);
    expect(r.err).not.toMatch(/log in as admin with password/);
    await withWorkspace(home, async (ws) =>
      expect((await ws.catalog.users.verifyPassword('admin', 'mine-from-the-start')).username).toBe('admin'),
    );
  });

  it('LLANO_ADMIN_PASSWORD is honoured by whichever command creates the admin', async () => {
    const home = path.join(dir, 'chosen');
    const r = await llano(['--home', home, 'project', 'create', 'P1'], { LLANO_ADMIN_PASSWORD: 'chosen-by-env' });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/password of LLANO_ADMIN_PASSWORD/);
    expect(r.err).not.toMatch(/chosen-by-env/);
    await withWorkspace(home, async (ws) =>
      expect((await ws.catalog.users.verifyPassword('admin', 'chosen-by-env')).username).toBe('admin'),
    );
  });

  it('user set-password works on the local workspace without a server, for any user, and ends their sessions', async () => {
    const home = ['--home', path.join(dir, 'owner')];
    expect((await llano([...home, 'user', 'create', 'ana', '--password', 'first-password'])).code).toBe(0);
    const tokens = await withWorkspace(home[1], async (ws) => ({
      admin: await ws.catalog.users.createSession(await ws.catalog.users.requireByUsername('admin')),
      ana: await ws.catalog.users.createSession(await ws.catalog.users.requireByUsername('ana')),
    }));

    const set = await llano(
      [...home, 'user', 'set-password', 'ana', '--password-stdin'],
      {},
      process.cwd(),
      'second-password\n',
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/Set the password of ana/);
    const lockedOut = await llano(
      [...home, 'user', 'set-password', 'admin', '--password-stdin'],
      {},
      process.cwd(),
      'admin-recovered\n',
    );
    expect(lockedOut.code, lockedOut.err).toBe(0);

    await withWorkspace(home[1], async (ws) => {
      await expect(ws.catalog.users.verifyPassword('ana', 'first-password')).rejects.toThrow(
        /Invalid username or password/,
      );
      expect((await ws.catalog.users.verifyPassword('ana', 'second-password')).username).toBe('ana');
      expect((await ws.catalog.users.verifyPassword('admin', 'admin-recovered')).username).toBe('admin');
      expect(await ws.catalog.users.authenticateToken(tokens.ana)).toBeNull();
      expect(await ws.catalog.users.authenticateToken(tokens.admin)).toBeNull();
    });

    const short = await llano(
      [...home, 'user', 'set-password', 'ana', '--password-stdin'],
      {},
      process.cwd(),
      'short\n',
    );
    expect(short.err).toBe('error: Password must have at least 8 characters\n');
    const noTerminal = await llano([...home, 'user', 'set-password', 'ana']);
    expect(noTerminal.err).toMatch(/--password-stdin/);
    const unknown = await llano(
      [...home, 'user', 'set-password', 'nobody', '--password-stdin'],
      {},
      process.cwd(),
      'long-enough\n',
    );
    expect(unknown.err).toBe('error: User nobody not found\n');
  });
});

describe('llano CLI against a server', () => {
  let s: TestServer;
  beforeAll(async () => {
    // A low upload limit: the CLI's HTTP imports are held to it, local ones (above) are not.
    s = await startTestServer({ maxUploadMb: 1 });
  });
  afterAll(async () => s?.stop());

  it('uses --url and a token; refuses without one', async () => {
    const env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken };
    expect((await llano(['project', 'create', 'REMOTE'], env)).code).toBe(0);
    expect((await llano(['--json', 'project', 'list'], env)).out).toMatch(/"key": "REMOTE"/);
    const anon = await llano(['project', 'list'], { LLANO_URL: s.url });
    expect(anon.code).toBe(1);
    expect(anon.err).toMatch(/^error: Authentication required: log in \(`llano login`/);
    const created = await llano(['--json', 'user', 'create', 'ana', '--password', 'long-password'], env);
    expect(created.code).toBe(0);
    const key = await llano(['--json', 'apikey', 'create', 'laptop'], env);
    expect(parseJson<ApiKeyCreated>(key.out).key).toMatch(/^llk_/);
  });

  it('imports through the server, streamed, within its upload limit', async () => {
    const env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken, LLANO_PROJECT: 'REMOTE' };
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-http-'));
    try {
      writeFileSync(path.join(dir, 'trec.csv'), CSV);
      const small = await llano(['dataset', 'import', 'trec', path.join(dir, 'trec.csv')], env);
      expect(small.code, small.err).toBe(0);
      expect(small.out).toMatch(/Imported 3 rows into trec/);
      writeBigCsv(path.join(dir, 'big.csv'), 2.5);
      const big = await llano(['dataset', 'import', 'big', path.join(dir, 'big.csv')], env);
      expect(big.code).toBe(1);
      expect(big.err).toBe('error: Upload exceeds the limit of 1 MB\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
