import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from './support/api-types.js';
import { llano } from './support/cli.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const KEY = 'STALE';
const P = `/api/projects/${KEY}`;

/** Each language keeps the bands its library lists; SQL keeps B3 whatever the libraries say. */
const RECIPES = [
  {
    name: 'keep_py',
    type: 'python',
    code: 'import bands\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        if r["band"] in bands.KEEP:\n            output.write({"id": r["id"]})\n',
  },
  {
    name: 'keep_ts',
    type: 'typescript',
    code: "import { KEEP } from './lib/bands.ts';\nexport default async function run({ inputs, output }) {\n  for await (const r of inputs.raw) if (KEEP.includes(r.band)) await output.write({ id: r.id });\n}\n",
  },
  {
    name: 'keep_r',
    type: 'r',
    code: 'source("lib/bands.R")\nrun <- function(inputs, output, variables, log) {\n  raw <- inputs$raw\n  output$write(data.frame(id = raw$id[raw$band %in% KEEP]))\n}\n',
  },
  { name: 'keep_sql', type: 'sql', sql: "SELECT id FROM raw WHERE band = 'B3'" },
];
const OUTPUTS = RECIPES.map((r) => `${r.name}_out`);

const library = (bands: string[]) => ({
  'bands.py': `KEEP = ${JSON.stringify(bands)}\n`,
  'bands.ts': `export const KEEP = ${JSON.stringify(bands)};\n`,
  'bands.R': `KEEP <- c(${bands.map((b) => JSON.stringify(b)).join(', ')})\n`,
});

describe('a code recipe is stale when its libraries or its environment change', () => {
  let s: TestServer;
  let dir: string;
  /** A second Python, its own copy of the machine's (`venv --copies`), listed by LLANO_PYTHON_INTERPRETERS. */
  let other: string;
  const token = () => s.adminToken;
  const cli = (...args: string[]) => llano(['--url', s.url, '--token', token(), '-p', KEY, ...args]);

  /** Starts a build of the targets in `required` mode: answers its plan ({recipe, reason}) and the ended job. */
  const buildRequired = async (targets: (string | { dataset: string; partitions: string[] })[]) => {
    const r = await s.call<{ jobId: string; plan: { recipe: string; reason: string }[] }>('POST', `${P}/builds`, {
      token: token(),
      body: { targets, mode: 'required' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job: Job = await waitForJobEnd(s, KEY, r.body.jobId);
    expect(job.status, JSON.stringify(job.activities)).toBe('succeeded');
    return Object.fromEntries(r.body.plan.map((a) => [a.recipe, a.reason]));
  };
  /** Why each recipe is stale, as the flow view (the UI's) says; null when up to date. */
  const flowStaleness = async () => {
    const flow = await s.call<{ nodes: { kind: string; name: string; stale?: string | null }[] }>('GET', `${P}/flow`, {
      token: token(),
    });
    return Object.fromEntries(flow.body.nodes.filter((n) => n.kind === 'recipe').map((n) => [n.name, n.stale]));
  };
  const ids = async (dataset: string) =>
    (
      await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/${dataset}/data?limit=100&sort=id`, { token: token() })
    ).body.rows.map((r) => r[0]);
  const putLibrary = async (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    const put = await cli('library', 'put', file);
    expect(put.code, put.err).toBe(0);
  };
  /** Saves an environment; a venv's build job is waited for. */
  const saveEnvironment = async (body: Record<string, unknown>) => {
    const exists = (await s.call('GET', `${P}/code-environments/${String(body.name)}`, { token: token() })).status;
    const r = await s.call(
      exists === 200 ? 'PUT' : 'POST',
      exists === 200 ? `${P}/code-environments/${String(body.name)}` : `${P}/code-environments`,
      { token: token(), body },
    );
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    const jobId = (r.body as { buildJobId?: string }).buildJobId;
    if (jobId) expect((await waitForJobEnd(s, KEY, jobId)).status).toBe('succeeded');
  };
  const pythonRecipe = (name: string, environment: string) => ({
    name,
    type: 'python',
    inputs: ['raw'],
    output: `${name}_out`,
    environment,
    code: 'import sys\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        output.write({"id": r["id"], "exe": sys.executable})\n',
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-stale-'));
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--copies', '--without-pip', path.join(dir, 'py')]);
    other = path.join(dir, 'py', 'bin', 'python3');
    // pip installs from an empty folder: the venvs here have no requirements.
    const wheels = path.join(dir, 'wheels');
    mkdirSync(wheels);
    s = await startTestServer({ python: '/usr/bin/python3', pythonInterpreters: [other], pipFindLinks: wheels });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: KEY } })).status).toBe(201);
    const raw = 'id,band\n1,B3\n2,B6\n3,B7\n4,B3\n';
    expect((await s.upload(`${P}/datasets/raw/upload`, raw, 'raw.csv')).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a changed library file makes the recipes importing it stale in the flow, the CLI and the build, naming it; SQL is unaffected', async () => {
    for (const [name, content] of Object.entries(library(['B3']))) await putLibrary(name, content);
    for (const r of RECIPES) {
      const saved = await s.call('POST', `${P}/recipes`, {
        token: token(),
        body: { ...r, inputs: ['raw'], output: `${r.name}_out` },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    }
    expect(Object.keys(await buildRequired(OUTPUTS)).sort()).toEqual(['keep_py', 'keep_r', 'keep_sql', 'keep_ts']);
    for (const out of OUTPUTS) expect(await ids(out), out).toEqual([1, 4]);
    // Unchanged: nothing to build, and the flow says so.
    expect(await buildRequired(OUTPUTS)).toEqual({});
    expect(Object.values(await flowStaleness())).toEqual([null, null, null, null]);

    await putLibrary('bands.py', library(['B3', 'B6'])['bands.py']);
    expect(await flowStaleness()).toEqual({
      keep_py: 'library bands.py changed',
      keep_ts: null,
      keep_r: null,
      keep_sql: null,
    });
    const flow = await cli('flow');
    expect(flow.out).toMatch(/recipe\s+keep_py\s+library bands.py changed/);
    expect(flow.out).toMatch(/recipe\s+keep_ts\s+up to date/);
    expect(await buildRequired(OUTPUTS)).toEqual({ keep_py: 'library bands.py changed' });
    expect(await ids('keep_py_out')).toEqual([1, 2, 4]);

    // The same file saved again (a new revision, same content) changes nothing.
    await putLibrary('bands.py', library(['B3', 'B6'])['bands.py']);
    expect(await buildRequired(OUTPUTS)).toEqual({});

    // TypeScript (and its .js, .mjs) and R files make their own language's recipes stale.
    await putLibrary('bands.ts', library(['B7'])['bands.ts']);
    await putLibrary('bands.R', library(['B6'])['bands.R']);
    expect(await buildRequired(OUTPUTS)).toEqual({
      keep_ts: 'library bands.ts changed',
      keep_r: 'library bands.R changed',
    });
    expect(await ids('keep_ts_out')).toEqual([3]);
    expect(await ids('keep_r_out')).toEqual([2]);
    // A library file no recipe imports changes nothing; one imported through another library does.
    await putLibrary('extra.mjs', "export const EXTRA = ['B6'];\n");
    await putLibrary('unused.py', 'X = 1\n');
    expect(Object.values(await flowStaleness())).toEqual([null, null, null, null]);
    await putLibrary('bands.ts', "import { EXTRA } from './extra.mjs';\nexport const KEEP = ['B7', ...EXTRA];\n");
    expect(await buildRequired(OUTPUTS)).toEqual({ keep_ts: 'libraries bands.ts, extra.mjs changed' });
    expect(await ids('keep_ts_out')).toEqual([2, 3]);
    await putLibrary('extra.mjs', "export const EXTRA = ['B3'];\n");
    expect(await buildRequired(OUTPUTS)).toEqual({ keep_ts: 'library extra.mjs changed' });
    expect(await ids('keep_ts_out')).toEqual([1, 3, 4]);
    expect((await cli('library', 'rm', 'unused.py')).code).toBe(0);
    expect(Object.values(await flowStaleness())).toEqual([null, null, null, null]);
    expect(await ids('keep_sql_out')).toEqual([1, 4]);
  }, 240_000);

  it('a changed environment makes its recipes stale, and the new build records the new interpreter', async () => {
    await saveEnvironment({ name: 'py_env', language: 'python' });
    const recipe = pythonRecipe('which', 'py_env');
    expect((await s.call('POST', `${P}/recipes`, { token: token(), body: recipe })).status).toBe(201);
    expect(await buildRequired(['which_out'])).toEqual({ which: 'never built' });
    // What does not change the output leaves it up to date: the packages it only records, a description.
    await saveEnvironment({ name: 'py_env', language: 'python', packages: ['json5'], description: 'recorded only' });
    expect((await flowStaleness()).which).toBeNull();

    await saveEnvironment({ name: 'py_env', language: 'python', interpreter: other });
    expect((await flowStaleness()).which).toBe('environment changed');
    expect(await buildRequired(['which_out'])).toEqual({ which: 'environment changed' });
    const data = await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/which_out/data?limit=10&sort=id`, {
      token: token(),
    });
    expect(new Set(data.body.rows.map((r) => r[1]))).toEqual(new Set([other]));
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/which_out/versions`,
      { token: token() },
    );
    expect(versions.body[0].lineage.environment).toMatchObject({ name: 'py_env', interpreter: other });
    expect(await buildRequired(['which_out'])).toEqual({});
    // A package of the machine installed or upgraded for that interpreter (pip, a Debian package) changes it too.
    const lib = path.join(dir, 'py', 'lib');
    const info = path.join(lib, readdirSync(lib)[0], 'site-packages', 'fakepkg-1.0.dist-info');
    mkdirSync(info);
    writeFileSync(path.join(info, 'METADATA'), 'Metadata-Version: 2.1\nName: fakepkg\nVersion: 1.0\n');
    expect((await flowStaleness()).which).toBe('environment changed');
    expect(await buildRequired(['which_out'])).toEqual({ which: 'environment changed' });
    expect(await buildRequired(['which_out'])).toEqual({});
    // Its limits stop a run, never change its rows: changed, the output stays up to date.
    const limited = await s.call('PUT', `${P}/recipes/which`, {
      token: token(),
      body: { ...recipe, limits: { wallSeconds: 600 } },
    });
    expect(limited.status, JSON.stringify(limited.body)).toBe(200);
    expect((await flowStaleness()).which).toBeNull();
  }, 240_000);

  it('a venv built for its first run leaves the output up to date; building it again makes it stale', async () => {
    await saveEnvironment({ name: 'venv_env', language: 'python', python: { venv: true, requirements: [] } });
    const recipe = pythonRecipe('in_venv', 'venv_env');
    expect((await s.call('POST', `${P}/recipes`, { token: token(), body: recipe })).status).toBe(201);
    expect(await buildRequired(['in_venv_out'])).toEqual({ in_venv: 'never built' });
    expect(await buildRequired(['in_venv_out'])).toEqual({});
    const rebuild = await s.call<{ jobId: string }>('POST', `${P}/code-environments/venv_env/rebuild`, {
      token: token(),
    });
    expect(rebuild.status).toBe(202);
    expect((await waitForJobEnd(s, KEY, rebuild.body.jobId)).status).toBe('succeeded');
    expect((await flowStaleness()).in_venv).toBe('environment changed');
    expect(await buildRequired(['in_venv_out'])).toEqual({ in_venv: 'environment changed' });
    expect(await buildRequired(['in_venv_out'])).toEqual({});
  }, 240_000);

  it('a partitioned code recipe whose library changed is stale, in the flow and each partition, naming the library', async () => {
    await putLibrary('bands.py', library(['B3'])['bands.py']);
    const recipe = {
      name: 'by_band',
      type: 'python',
      inputs: ['raw'],
      output: 'by_band_out',
      code: 'import bands\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        if r["band"] == "{{partition.band}}":\n            output.write({"id": r["id"], "band": r["band"], "kept": r["band"] in bands.KEEP})\n',
    };
    expect((await s.call('POST', `${P}/recipes`, { token: token(), body: recipe })).status).toBe(201);
    const byBand = { dimensions: [{ name: 'band', type: 'discrete', column: 'band' }] };
    const put = await s.call('PUT', `${P}/datasets/by_band_out/partitioning`, { token: token(), body: byBand });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const partitions = async () =>
      (
        await s.call<{ id: string; state: string; reason?: string }[]>('GET', `${P}/datasets/by_band_out/partitions`, {
          token: token(),
        })
      ).body.map((p) => [p.id, p.state, p.reason ?? null]);
    const kept = async () =>
      (
        await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/by_band_out/data?limit=10&sort=id`, {
          token: token(),
        })
      ).body.rows.map((r) => r[2]);
    const target = { dataset: 'by_band_out', partitions: ['B3', 'B6', 'B7'] };
    expect(await buildRequired([target])).toEqual({ by_band: 'never built' });
    expect(await partitions()).toEqual([
      ['B3', 'ready', null],
      ['B6', 'ready', null],
      ['B7', 'ready', null],
    ]);
    expect(await kept()).toEqual([true, false, false, true]);
    expect((await flowStaleness()).by_band).toBeNull();

    await putLibrary('bands.py', library(['B3', 'B7'])['bands.py']);
    expect((await flowStaleness()).by_band).toBe('library bands.py changed');
    expect(await partitions()).toEqual([
      ['B3', 'stale', 'library bands.py changed'],
      ['B6', 'stale', 'library bands.py changed'],
      ['B7', 'stale', 'library bands.py changed'],
    ]);
    expect(await buildRequired([target])).toEqual({ by_band: 'library bands.py changed' });
    expect(await kept()).toEqual([true, false, true, true]);
    expect((await partitions()).map((p) => p[1])).toEqual(['ready', 'ready', 'ready']);
    expect((await flowStaleness()).by_band).toBeNull();
  }, 240_000);
});
