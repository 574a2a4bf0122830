import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from './support/api-types.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

/**
 * User code whose answer is large, through every path that runs it in the sandbox: an API
 * service's TypeScript function, a webapp's TypeScript backend, notebook cells (Python and
 * TypeScript) and code recipes. A result over 16 KB used to end the server (a JSON.parse thrown
 * in a stream handler); 20 KB and 5 MB now pass, and the server answers /api/health after each.
 */
const P = '/api/projects/BIG';
const SIZES = [20_000, 5_000_000];

const BACKEND = `export function text(request) { return 'x'.repeat(Number(request.query.n)); }
export function rows(request) {
  return Array.from({ length: Number(request.query.n) }, (_, i) => ({ i, name: 'row' + i }));
}
`;

let s: TestServer;

async function ok<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(status);
  return r.body;
}
const healthy = async () => expect((await s.call('GET', '/api/health')).status).toBe(200);

beforeAll(async () => {
  s = await startTestServer();
  await ok(s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'BIG' } }), 201);
  await ok(s.upload(`${P}/datasets/raw/upload`, 'id,band\n1,3\n2,6\n', 'raw.csv'), 201);
}, 60_000);
afterAll(async () => s?.stop());

describe('large results of user code', () => {
  it('an API service TypeScript function returns 20 KB and 5 MB; over 64 MB that call gets a 502', async () => {
    const service = {
      id: 'big',
      name: 'Big',
      endpoints: [
        {
          id: 'text',
          type: 'typescript-function',
          code: "export function handler(body: any) { return 'x'.repeat(body.n); }\n",
        },
      ],
    };
    await ok(s.call('POST', `${P}/api-services`, { token: s.adminToken, body: service }), 201);
    await ok(s.call('POST', `${P}/api-services/big/deploy`, { token: s.adminToken }), 201);
    const { key } = await ok(
      s.call<{ key: string }>('POST', `${P}/api-services/big/keys`, { token: s.adminToken, body: { name: 'k' } }),
      201,
    );
    const callText = (n: number) =>
      fetch(`${s.url}/services/BIG/big/text`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      });
    for (const n of SIZES) {
      const res = await callText(n);
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBe(200);
      expect(text).toContain('x'.repeat(n));
      await healthy();
    }
    // Over the protocol's 64 MB: that call fails (502, saying why), the function keeps serving.
    const over = await callText(70_000_000);
    const refused = (await over.json()) as { error: { message: string } };
    expect(over.status).toBe(502);
    expect(refused.error.message).toMatch(/^The result is 66\.8 MB of JSON, more than the 64 MB a call may pass/);
    await healthy();
    expect(await (await callText(3)).text()).toContain('xxx');
  }, 120_000);

  it('a webapp TypeScript backend returns 1,000 objects, 20 KB and 5 MB', async () => {
    const files = { 'index.html': '<!doctype html><title>t</title>', 'backend.ts': BACKEND };
    await ok(s.call('POST', `${P}/webapps`, { token: s.adminToken, body: { id: 'big', name: 'Big', files } }), 201);
    const page = await fetch(`${s.url}/webapps/BIG/big/`, {
      headers: { authorization: `Bearer ${s.adminToken}` },
      redirect: 'manual',
    });
    expect(page.status).toBe(302);
    const url = page.headers.get('location')!;
    const call = async (name: string, n: number) => {
      const res = await fetch(`${s.url}${url}api/${name}?n=${n}`);
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBe(200);
      return JSON.parse(text) as unknown;
    };
    const rows = (await call('rows', 1000)) as { i: number; name: string }[];
    expect(rows).toHaveLength(1000);
    expect(rows[999]).toEqual({ i: 999, name: 'row999' });
    await healthy();
    for (const n of SIZES) {
      expect(((await call('text', n)) as string).length).toBe(n);
      await healthy();
    }
  }, 120_000);

  it('notebook cells (Python and TypeScript) show a value of 20 KB and 5 MB', async () => {
    const cells = SIZES.flatMap((n) => [
      { type: 'python', source: `"x" * ${n}` },
      { type: 'typescript', source: `'x'.repeat(${n})` },
    ]);
    await ok(s.call('POST', `${P}/notebooks`, { token: s.adminToken, body: { id: 'big', name: 'Big', cells } }), 201);
    for (const [index, cell] of cells.entries()) {
      const run = await ok(
        s.call<{ outputs: { type: string; text?: string }[] }>('POST', `${P}/notebooks/big/cells/${index}/run`, {
          token: s.adminToken,
          body: {},
        }),
      );
      const n = SIZES[Math.floor(index / 2)];
      expect(
        run.outputs.map((o) => o.type),
        cell.type,
      ).toEqual(['text']);
      expect(run.outputs[0].text, cell.type).toContain('x'.repeat(n));
      await healthy();
    }
  }, 180_000);

  it('code recipes print 5 MB on a line and fail with an error message of 20 KB, as their activity', async () => {
    const build = async (output: string): Promise<Job> => {
      const r = await ok(
        s.call<{ jobId: string }>('POST', `${P}/builds`, {
          token: s.adminToken,
          body: { targets: [output], mode: 'only' },
        }),
        202,
      );
      return waitForJobEnd(s, 'BIG', r.jobId);
    };
    const save = (name: string, type: string, code: string) =>
      ok(
        s.call('POST', `${P}/recipes`, {
          token: s.adminToken,
          body: { name, type, inputs: ['raw'], output: `${name}_out`, code },
        }),
        201,
      );
    await save(
      'loud_py',
      'python',
      'def run(inputs, output, variables, log):\n    print("y" * 5_000_000)\n    output.write({"n": 1})\n',
    );
    await save(
      'loud_ts',
      'typescript',
      "export default async function run({ output }: any) {\n  console.log('y'.repeat(5_000_000));\n  await output.write({ n: 1 });\n}\n",
    );
    for (const name of ['loud_py', 'loud_ts']) {
      const job = await build(`${name}_out`);
      expect(job.status, JSON.stringify(job.activities?.[0]?.error ?? '').slice(0, 300)).toBe('succeeded');
      const log = (await s.call<string>('GET', `${P}/jobs/${job.id}/log`, { token: s.adminToken })).body;
      expect(log).toContain(`${'y'.repeat(16_384)} … (${5_000_000 - 16_384} more characters not logged)`);
      await healthy();
    }
    await save('wordy_py', 'python', 'def run(inputs, output, variables, log):\n    raise ValueError("z" * 20_000)\n');
    await save(
      'wordy_ts',
      'typescript',
      "export default async function run() {\n  throw new Error('z'.repeat(20_000));\n}\n",
    );
    for (const name of ['wordy_py', 'wordy_ts']) {
      const job = await build(`${name}_out`);
      expect(job.status).toBe('failed');
      expect(job.activities?.[0]?.error).toContain('z'.repeat(20_000));
      await healthy();
    }
  }, 300_000);
});
