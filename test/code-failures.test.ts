import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnly, startTestServer, type TestServer } from './support/llano-server.js';

const KEY = 'FAILS';
const P = `/api/projects/${KEY}`;

/** The same library function in each language: it fails on the second row. */
const LIBRARIES = {
  'helpers.py': 'def check(x):\n    if x > 1:\n        raise ValueError(f"bad id {x}")\n    return x\n',
  'helpers.ts': 'export function check(x: number) {\n  if (x > 1) throw new Error(`bad id ${x}`);\n  return x;\n}\n',
  'helpers.R': 'check <- function(x) {\n  if (x > 1) stop(paste("bad id", x))\n  x\n}\n',
};

/** Each prints to both streams, then calls the failing library function. */
const FAILING = {
  python:
    'import sys\nimport helpers\n\ndef run(inputs, output, variables, log):\n    print("to stderr", file=sys.stderr)\n    print("to stdout")\n    for r in inputs["raw"]:\n        output.write({"id": helpers.check(r["id"])})\n',
  typescript:
    "import { check } from './lib/helpers.ts';\nexport default async function run({ inputs, output }) {\n  console.error('to stderr');\n  console.log('to stdout');\n  for await (const r of inputs.raw) await output.write({ id: check(r.id) });\n}\n",
  r: 'source("lib/helpers.R")\nrun <- function(inputs, output, variables, log) {\n  message("to stderr")\n  cat("to stdout\\n")\n  raw <- inputs$raw\n  output$write(data.frame(id = sapply(raw$id, check)))\n}\n',
};

/** What the user's traceback starts with after the error's first line, and where it ends. */
const EXPECTED: Record<string, { first: string[]; last: string }> = {
  python: {
    first: ['Traceback (most recent call last):', '  File "recipe.py", line 8, in run'],
    last: 'ValueError: bad id 2',
  },
  typescript: { first: ['Error: bad id 2', '    at check (lib/helpers.ts:2:20)'], last: '    at run (recipe.ts:5:62)' },
  // R names the lines of the code and of what it source()s.
  r: {
    first: ['Error: bad id 2', 'stop(paste("bad id", x)) at lib/helpers.R#2'],
    last: 'output$write(data.frame(id = sapply(raw$id, check))) at recipe.R#6',
  },
};

/** Each writes the text "abc" in its second row where the declared schema says INTEGER. */
const MISMATCH = {
  python:
    'def run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        output.write({"id": "abc" if r["id"] == 2 else r["id"]})\n',
  typescript:
    "export default async function run({ inputs, output }) {\n  for await (const r of inputs.raw) await output.write({ id: r.id === 2 ? 'abc' : r.id });\n}\n",
  r: 'run <- function(inputs, output, variables, log) {\n  output$write(data.frame(id = c("1", "abc")))\n}\n',
};

describe('code recipe failures read as the user wrote them', () => {
  let s: TestServer;
  const token = () => s.adminToken;
  const save = async (name: string, type: string, code: string, extra: Record<string, unknown> = {}) => {
    const r = await s.call('POST', `${P}/recipes`, {
      token: token(),
      body: { name, type, code, inputs: ['raw'], output: `${name}_out`, ...extra },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  /** Builds and answers the activity's error and the job log's lines of the recipe, as [level, message]. */
  const failedBuild = async (name: string) => {
    const job = await buildOnly(s, KEY, [`${name}_out`]);
    expect(job.status).toBe('failed');
    const log = (await s.call<string>('GET', `${P}/jobs/${job.id}/log`, { token: token() })).body;
    const lines = log
      .split('\n')
      .map((l) => /^\S+ (\w+)\s+([^:]+): (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[2] === name)
      .map((m) => [m[1], m[3]]);
    return { error: job.activities?.[0]?.error ?? '', lines };
  };

  beforeAll(async () => {
    s = await startTestServer({ python: '/usr/bin/python3' });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: KEY } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,B3\n2,B6\n', 'raw.csv')).status).toBe(201);
    for (const [name, content] of Object.entries(LIBRARIES))
      expect((await s.call('POST', `${P}/libraries`, { token: token(), body: { name, content } })).status).toBe(201);
  }, 120_000);
  afterAll(async () => s?.stop());

  it("starts the traceback at the user's code, without the harnesses' frames or server paths; stderr is logged as warnings", async () => {
    for (const [language, code] of Object.entries(FAILING)) {
      const name = `fail_${language}`;
      await save(name, language, code);
      const { lines } = await failedBuild(name);
      const levelOf = (message: string) => lines.find(([, m]) => m === message)?.[0];
      expect(levelOf('to stderr'), language).toBe('WARN');
      expect(levelOf('to stdout'), language).toBe('INFO');
      const warnings = lines.filter(([level, m]) => level === 'WARN' && m !== 'to stderr').map(([, m]) => m);
      const { first, last } = EXPECTED[language];
      expect(warnings.slice(0, first.length), language).toEqual(first);
      expect(warnings.at(-1), language).toBe(last);
      const text = warnings.join('\n');
      for (const harness of [
        'recipe_entry',
        'llano_',
        'ts-recipe-entry',
        'node-harness',
        'node:internal',
        'tryCatch',
        'do.call',
        'withCallingHandlers',
        'handleSimpleError',
        'env$run',
        process.cwd(),
      ])
        expect(text, `${language}: ${harness}`).not.toContain(harness);
    }
  }, 120_000);

  it('names the column, the value and the row an output breaks its declared schema with', async () => {
    for (const [language, code] of Object.entries(MISMATCH)) {
      const name = `schema_${language}`;
      await save(name, language, code, { outputSchema: [{ name: 'id', type: 'INTEGER' }] });
      const { error } = await failedBuild(name);
      expect(error, language).toBe(
        `The code's output does not match its declared outputSchema: column id (INTEGER) got the value "abc" in row 2`,
      );
    }
    // A preview says the same.
    const preview = await s.call<{ error: { message: string } }>('POST', `${P}/recipes/preview`, {
      token: token(),
      body: {
        type: 'python',
        inputs: ['raw'],
        output: 'p_out',
        code: MISMATCH.python,
        outputSchema: [{ name: 'id', type: 'INTEGER' }],
      },
    });
    expect(preview.status).toBe(400);
    expect(JSON.stringify(preview.body)).toContain('column id (INTEGER) got the value \\"abc\\" in row 2');
  }, 120_000);
});
