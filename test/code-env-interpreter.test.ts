import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { buildOnly, startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';
import { buildFixtureWheel, makeSecondPython, pythonFacts, type ListedInterpreter } from './support/python-fixtures.js';

/**
 * End to end: a code environment naming a Python that is not the workspace's default, with a
 * virtual environment of its own whose requirement comes from a local wheel folder (no index),
 * built as a job, then a recipe and a notebook kernel running in it. What the code reports of
 * its interpreter (version, base prefix, a module only the named interpreter has) must be that
 * interpreter's, and the run's lineage must name it with its version.
 *
 * The second interpreter is made here (`venv --copies` of the machine's Python, registered
 * through LLANO_PYTHON_INTERPRETERS, with a module of its own in its site-packages), so the test
 * needs no pyenv. A machine with a Python of another installation (pyenv's…) is checked as well.
 */
const P = '/api/projects/ENVPY';
const DEFAULT = '/usr/bin/python3';
const MARKER = 'llano_second_site';

/** A recipe reporting where it runs: one row per input row. */
const REPORT = `import sys
import llano_fixture
try:
    import ${MARKER}
    marker = ${MARKER}.WHERE
except ImportError:
    marker = "none"

def run(inputs, output, variables, log):
    for row in inputs["raw"]:
        output.write({"id": row["id"], "version": sys.version.split()[0], "base_prefix": sys.base_prefix,
                      "marker": marker, "greeting": llano_fixture.greet()})
`;

/** The same facts from a notebook cell, on one line. */
const CELL = `import sys, llano_fixture
try:
    import ${MARKER}
    marker = ${MARKER}.WHERE
except ImportError:
    marker = "none"
print("|".join([sys.version.split()[0], sys.base_prefix, marker, llano_fixture.greet()]))`;

describe('a code environment of a non-default Python, with a venv from a local wheel', () => {
  let s: TestServer;
  let dir: string;
  /** The Python made here: a copy of the machine's, with a module of its own. */
  let second: string;
  /** The Pythons checked: the one made here, and one of another installation when the machine has it. */
  const chosen: { path: string; version: string; basePrefix: string; marker: string }[] = [];
  const token = () => s.adminToken;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-envpy-'));
    const wheels = buildFixtureWheel(dir);
    second = makeSecondPython(path.join(dir, 'second'), { name: MARKER, code: 'WHERE = "second interpreter"\n' });
    s = await startTestServer({ python: DEFAULT, pythonInterpreters: [second], pipFindLinks: wheels });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: 'ENVPY' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,B3\n2,B6\n', 'raw.csv')).status).toBe(201);

    chosen.push({ path: second, ...pythonFacts(second), marker: 'second interpreter' });
    const listed = await s.call<ListedInterpreter[]>('GET', '/api/code-interpreters', { token: token() });
    const usual = pythonFacts(DEFAULT);
    const other = listed.body
      .filter((i) => i.language === 'python' && !i.default && i.path !== second)
      .map((i) => ({ path: i.path, ...pythonFacts(i.path), marker: 'none' }))
      .find((i) => i.basePrefix !== usual.basePrefix);
    if (other) chosen.push(other);
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the venv as a job and runs a recipe and a notebook kernel under the named interpreter, recorded in the lineage', async () => {
    const listed = await s.call<ListedInterpreter[]>('GET', '/api/code-interpreters', { token: token() });
    expect(listed.body.find((i) => i.path === second)).toMatchObject({
      language: 'python',
      source: 'setting',
      default: false,
      version: chosen[0].version,
    });

    for (const [n, interpreter] of chosen.entries()) {
      const name = `env_${n}`;
      const saved = await s.call<{ buildJobId?: string }>('POST', `${P}/code-environments`, {
        token: token(),
        body: {
          name,
          language: 'python',
          interpreter: interpreter.path,
          python: { venv: true, requirements: ['llano-fixture==1.2.0'] },
        },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      const job = await waitForJobEnd(s, 'ENVPY', saved.body.buildJobId!);
      const log = (await s.call<string>('GET', `${P}/jobs/${job.id}/log`, { token: token() })).body;
      expect(job.status, log).toBe('succeeded');
      expect(log).toContain(`Creating the virtual environment of ${name} with ${interpreter.path}`);
      expect(log).toContain('llano-fixture==1.2.0');

      const recipe = { name: `report_${n}`, type: 'python', inputs: ['raw'], output: `report_${n}`, code: REPORT };
      const created = await s.call('POST', `${P}/recipes`, { token: token(), body: { ...recipe, environment: name } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const built = await buildOnly(s, 'ENVPY', [`report_${n}`]);
      expect(built.status, built.activities?.[0]?.error ?? '').toBe('succeeded');
      const data = await s.call<{ columns: string[]; rows: unknown[][] }>(
        'GET',
        `${P}/datasets/report_${n}/data?limit=10&sort=id`,
        { token: token() },
      );
      const rows = data.body.rows.map((r) => Object.fromEntries(data.body.columns.map((c, i) => [c, r[i]])));
      const ran = {
        version: interpreter.version,
        base_prefix: interpreter.basePrefix,
        marker: interpreter.marker,
        greeting: 'hello from the venv',
      };
      expect(rows, interpreter.path).toEqual([
        { id: 1, ...ran },
        { id: 2, ...ran },
      ]);
      const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
        'GET',
        `${P}/datasets/report_${n}/versions`,
        { token: token() },
      );
      const lineage = versions.body[0].lineage.environment;
      expect(lineage).toMatchObject({
        name,
        language: 'python',
        venv: true,
        baseInterpreter: interpreter.path,
        version: interpreter.version,
        packages: { 'llano-fixture': '1.2.0' },
      });
      expect(String(lineage?.interpreter)).toContain(`.environments`);

      const notebook = {
        id: `nb_${n}`,
        name: `Interpreter ${n}`,
        environment: name,
        cells: [{ type: 'python', source: CELL }],
      };
      expect((await s.call('POST', `${P}/notebooks`, { token: token(), body: notebook })).status).toBe(201);
      const cell = await s.call<{ outputs: { type: string; text?: string }[] }>(
        'POST',
        `${P}/notebooks/nb_${n}/cells/0/run`,
        { token: token(), body: { session: 'interp' } },
      );
      expect(cell.status, JSON.stringify(cell.body)).toBe(200);
      const printed = cell.body.outputs.map((o) => o.text ?? '').join('');
      expect(printed.trim()).toBe(
        [interpreter.version, interpreter.basePrefix, interpreter.marker, 'hello from the venv'].join('|'),
      );
    }
  }, 480_000);

  it('does the same from the CLI: interpreters, env create with a venv, a recipe in it, a build, a notebook run', async () => {
    const cli = (...args: string[]) => llano(['--url', s.url, '--token', token(), '-p', 'ENVPY', ...args]);
    const listed = await cli('env', 'interpreters');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(
        `python\\s+${chosen[0].version.replace(/\./g, '\\.')}\\s+${second.replace(/[/.]/g, '\\$&')}\\s+setting`,
      ),
    );

    const created = await cli(
      'env',
      'create',
      'cli_env',
      '--interpreter',
      second,
      '--venv',
      '--requirement',
      'llano-fixture==1.2.0',
    );
    expect(created.code, created.err + created.out).toBe(0);
    expect(created.out).toContain('Virtual environment built');
    const shown = await cli('--json', 'env', 'show', 'cli_env');
    expect(shown.code, shown.err).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({
      interpreter: second,
      venv: { status: 'ready', packages: ['llano-fixture==1.2.0'] },
    });

    const codeFile = path.join(dir, 'report.py');
    writeFileSync(codeFile, REPORT);
    const recipe = await cli(
      'recipe',
      'create',
      'cli_report',
      '--type',
      'python',
      '--input',
      'raw',
      '--output',
      'cli_report',
      '--code-file',
      codeFile,
      '--param',
      'environment=cli_env',
    );
    expect(recipe.code, recipe.err + recipe.out).toBe(0);
    const build = await cli('build', 'cli_report', '--mode', 'only');
    expect(build.code, build.err + build.out).toBe(0);
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/cli_report/versions`,
      { token: token() },
    );
    expect(versions.body[0].lineage.environment).toMatchObject({
      name: 'cli_env',
      baseInterpreter: second,
      version: chosen[0].version,
    });
    const data = await s.call<{ rows: unknown[][] }>('GET', `${P}/datasets/cli_report/data?limit=1`, {
      token: token(),
    });
    expect(data.body.rows[0]).toContain('second interpreter');

    const notebook = { id: 'nb_cli', name: 'CLI', environment: 'cli_env', cells: [{ type: 'python', source: CELL }] };
    expect((await s.call('POST', `${P}/notebooks`, { token: token(), body: notebook })).status).toBe(201);
    const ran = await cli('notebook', 'run', 'nb_cli');
    expect(ran.code, ran.err + ran.out).toBe(0);
    expect(ran.out).toContain(`${chosen[0].version}|${chosen[0].basePrefix}|second interpreter|hello from the venv`);
  }, 240_000);
});
