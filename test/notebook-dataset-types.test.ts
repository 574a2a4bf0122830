import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnly, startTestServer, type TestServer } from './support/llano-server.js';

const KEY = 'NBTYPES';
const P = `/api/projects/${KEY}`;

/** Every kind of column, each with a NULL in row 2, and a boolean column without NULL. */
const CSV = 'id,flag,n,x,label,always\n1,true,1,1.5,a,true\n2,,,,,false\n3,false,3,2.5,c,true\n';

/** What the cell and the recipe both print: each column's dtype and values (NA as None). */
const DESCRIBE = `import json
def describe(df):
    return json.dumps({c: [str(t), [None if v is None or str(v) in ("<NA>", "nan") else getattr(v, "item", lambda: v)() for v in df[c].tolist()]] for c, t in df.dtypes.items()}, default=str)
`;

describe('a notebook cell reads a dataset with the dtypes of a recipe', () => {
  let s: TestServer;
  const token = () => s.adminToken;

  beforeAll(async () => {
    s = await startTestServer({ python: '/usr/bin/python3' });
    expect((await s.call('POST', '/api/projects', { token: token(), body: { key: KEY } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/obs/upload`, CSV, 'obs.csv')).status).toBe(201);
  }, 60_000);
  afterAll(async () => s?.stop());

  it("gives dataset() and sql() the dtypes of a recipe's to_pandas(): boolean, Int64 with NULLs, float64, object", async () => {
    const recipe = {
      name: 'types',
      type: 'python',
      inputs: ['obs'],
      output: 'types_out',
      code: `${DESCRIBE}\ndef run(inputs, output, variables, log):\n    output.write({"described": describe(inputs["obs"].to_pandas())})\n`,
    };
    expect((await s.call('POST', `${P}/recipes`, { token: token(), body: recipe })).status).toBe(201);
    const job = await buildOnly(s, KEY, ['types_out']);
    expect(job.status, JSON.stringify(job.activities)).toBe('succeeded');
    const data = await s.call<{ rows: string[][] }>('GET', `${P}/datasets/types_out/data`, { token: token() });
    const fromRecipe = JSON.parse(data.body.rows[0][0]) as Record<string, [string, unknown[]]>;
    expect(fromRecipe).toEqual({
      id: ['int64', [1, 2, 3]],
      flag: ['boolean', [true, null, false]],
      n: ['Int64', [1, null, 3]],
      x: ['float64', [1.5, null, 2.5]],
      label: ['object', ['a', null, 'c']],
      always: ['boolean', [true, false, true]],
    });

    const notebook = {
      id: 'types',
      name: 'Types',
      cells: [
        { type: 'python', source: `${DESCRIBE}\nprint(describe(dataset("obs")))` },
        { type: 'python', source: 'print(describe(sql("SELECT * FROM obs ORDER BY id")))' },
        { type: 'python', source: 'dataset("obs")' },
      ],
    };
    expect((await s.call('POST', `${P}/notebooks`, { token: token(), body: notebook })).status).toBe(201);
    for (const cell of [0, 1]) {
      const run = await s.call<{ outputs: { type: string; text?: string }[] }>(
        'POST',
        `${P}/notebooks/types/cells/${cell}/run`,
        { token: token(), body: {} },
      );
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(JSON.parse(run.body.outputs[0].text ?? ''), `cell ${cell}`).toEqual(fromRecipe);
    }
    // Shown as a table, NULLs are nulls.
    const table = await s.call<{ outputs: { rows: unknown[][] }[] }>('POST', `${P}/notebooks/types/cells/2/run`, {
      token: token(),
      body: {},
    });
    expect(table.body.outputs[0].rows[1]).toEqual([2, null, null, null, null, false]);
  }, 120_000);
});
