import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { buildOnly, startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/RLIB';

/**
 * A file:// CRAN-like repository holding one tiny source package (llanofixture 0.1.0, built with
 * R CMD build), indexed by tools::write_PACKAGES: what LLANO_R_REPOS points at.
 */
function buildFixtureRepository(dir: string): string {
  const src = path.join(dir, 'llanofixture');
  mkdirSync(path.join(src, 'R'), { recursive: true });
  writeFileSync(
    path.join(src, 'DESCRIPTION'),
    'Package: llanofixture\nVersion: 0.1.0\nTitle: Llano Test Fixture\nDescription: A package for tests.\nAuthors@R: person("A", "B", email = "a@b.org", role = c("aut", "cre"))\nLicense: MIT\n',
  );
  writeFileSync(path.join(src, 'NAMESPACE'), 'export(greet)\n');
  writeFileSync(path.join(src, 'R', 'greet.R'), 'greet <- function() "hello from the R library"\n');
  const env = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
  execFileSync('R', ['CMD', 'build', '--no-build-vignettes', '--no-manual', src], { cwd: dir, env, stdio: 'ignore' });
  const contrib = path.join(dir, 'repo', 'src', 'contrib');
  mkdirSync(contrib, { recursive: true });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tar.gz'))!;
  renameSync(path.join(dir, tarball), path.join(contrib, tarball));
  execFileSync('Rscript', ['--vanilla', '-e', `tools::write_PACKAGES("${contrib}", type = "source")`], {
    env,
    stdio: 'ignore',
  });
  return `file://${path.join(dir, 'repo')}`;
}

interface EnvironmentInfo {
  library?: { status: string; packages?: string[]; error?: string };
  buildJobId?: string;
}

describe('per-project R libraries', () => {
  let s: TestServer;
  let dir: string;
  const token = () => s.adminToken;
  const saveEnv = async (name: string, requirements: string[]) => {
    const body = { name, language: 'r', r: { library: true, requirements } };
    const exists = (await s.call('GET', `${P}/code-environments/${name}`, { token: token() })).status === 200;
    const r = await s.call<EnvironmentInfo>(
      exists ? 'PUT' : 'POST',
      `${P}/code-environments${exists ? `/${name}` : ''}`,
      {
        token: token(),
        body,
      },
    );
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  const saveRecipe = async (environment: string) => {
    const code =
      'run <- function(inputs, output, variables, log) {\n  raw <- inputs$raw\n  output$write(data.frame(id = raw$id, greeting = llanofixture::greet(), stringsAsFactors = FALSE))\n}\n';
    const body = { name: 'greet', type: 'r', inputs: ['raw'], output: 'greet_out', code, environment };
    const exists = (await s.call('GET', `${P}/recipes/greet`, { token: token() })).status === 200;
    const r = await s.call(exists ? 'PUT' : 'POST', exists ? `${P}/recipes/greet` : `${P}/recipes`, {
      token: token(),
      body,
    });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  };
  const build = (output: string) => buildOnly(s, 'RLIB', [output]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-rlib-'));
    s = await startTestServer({ rRepos: buildFixtureRepository(dir) });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: 'RLIB' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,B3\n2,B6\n', 'raw.csv')).status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the library as a job from the file:// repository, runs R recipes with it and records its versions', async () => {
    const saved = await saveEnv('rfix', ['llanofixture==0.1.0']);
    expect(saved.buildJobId).toBeTruthy();
    const job = await waitForJobEnd(s, 'RLIB', saved.buildJobId!);
    const log = (await s.call<string>('GET', `${P}/jobs/${job.id}/log`, { token: token() })).body;
    expect(job.status, JSON.stringify(log)).toBe('succeeded');
    const env = (await s.call<EnvironmentInfo>('GET', `${P}/code-environments/rfix`, { token: token() })).body;
    expect(env.library).toMatchObject({ status: 'ready', packages: ['llanofixture==0.1.0'] });

    await saveRecipe('rfix');
    const built = await build('greet_out');
    expect(built.status, built.activities?.[0]?.error ?? '').toBe('succeeded');
    const data = await s.call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `${P}/datasets/greet_out/data?limit=10&sort=id`,
      { token: token() },
    );
    expect(data.body.columns).toEqual(['id', 'greeting']);
    expect(data.body.rows.map((r) => r[1])).toEqual(['hello from the R library', 'hello from the R library']);
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/greet_out/versions`,
      { token: token() },
    );
    expect(versions.body[0].lineage.environment).toMatchObject({
      name: 'rfix',
      language: 'r',
      library: true,
      packages: { llanofixture: '0.1.0' },
    });
  }, 300_000);

  it('fails the build with R’s message for a missing package, and the recipe says the environment is not ready', async () => {
    const saved = await saveEnv('rmissing', ['nosuchpkg']);
    const job = await waitForJobEnd(s, 'RLIB', saved.buildJobId!);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('nosuchpkg');
    // R's own warning: "package 'nosuchpkg' is not available for this version of R".
    expect(job.error).toMatch(/is not available/);
    const env = (await s.call<EnvironmentInfo>('GET', `${P}/code-environments/rmissing`, { token: token() })).body;
    expect(env.library?.status).toBe('failed');
    await saveRecipe('rmissing');
    const built = await build('greet_out');
    expect(built.status).toBe('failed');
    expect(built.activities?.[0]?.error).toContain('Code environment rmissing is not ready');
    expect(built.activities?.[0]?.error).toContain('nosuchpkg');
    // A version the repository does not have fails the build naming both.
    const wrong = await saveEnv('rwrong', ['llanofixture>=9.0']);
    const wrongJob = await waitForJobEnd(s, 'RLIB', wrong.buildJobId!);
    expect(wrongJob.status).toBe('failed');
    expect(wrongJob.error).toContain('llanofixture 0.1.0 was installed from the repository, not >= 9.0');
    // R requirements are package names, never install.packages arguments; only an R environment has a library.
    for (const body of [
      { name: 'bad', language: 'r', r: { library: true, requirements: ['x; system("id")'] } },
      { name: 'bad', language: 'python', r: { library: true } },
    ]) {
      const r = await s.call('POST', `${P}/code-environments`, { token: token(), body });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
    }
  }, 300_000);

  it('is created, listed and rebuilt from the CLI', async () => {
    const cli = (...args: string[]) => llano(['--url', s.url, '--token', token(), '-p', 'RLIB', ...args]);
    const created = await cli('env', 'create', 'rcli', '--language', 'r', '--library', '--requirement', 'llanofixture');
    expect(created.code, created.err + created.out).toBe(0);
    expect(created.out).toContain('R library built');
    const list = await cli('env', 'list');
    expect(list.out).toMatch(/rcli\s+r\s+ready\s+llanofixture/);
    const rebuilt = await cli('env', 'rebuild', 'rcli');
    expect(rebuilt.code, rebuilt.err + rebuilt.out).toBe(0);
  }, 300_000);
});
