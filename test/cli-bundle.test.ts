import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../bin/bundle-cli.js';

/**
 * The bundle `llano` runs (bin/bundle-cli.js): built here into ROOT/tmp/ (inside the checkout, so
 * that its libraries resolve from node_modules as dist/'s do), its modules' own URLs pointing
 * into dist/ as bin/build.js lays it out.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');

let bundleDir: string;
let work: string;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  bundleDir = mkdtempSync(path.join(ROOT, 'tmp', 'cli-bundle-'));
  work = mkdtempSync(path.join(ROOT, 'tmp', 'cli-bundle-work-'));
  await bundleCli({ srcDir: SRC, distDir: DIST, bundleDir });
});
afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Runs `script` (an ES module) with the bundle's entry imported as `cli`; answers its standard output. */
function withBundle(script: string, env: NodeJS.ProcessEnv = {}): string {
  const entry = JSON.stringify(path.join(bundleDir, 'main.js'));
  return execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `const cli = await import(${entry});\n${script}`],
    {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
}

describe('the bundled CLI', () => {
  it('gives each module that reads import.meta.url the URL of its compiled twin in dist/', () => {
    const twins = readdirSync(bundleDir)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => [
        ...readFileSync(path.join(bundleDir, f), 'utf8').matchAll(/= new URL\("([^"]+)", import\.meta\.url\)\.href/g),
      ])
      .map((m) => path.relative(DIST, path.resolve(bundleDir, m[1])));
    expect(twins).toContain(path.join('common', 'version.js'));
    expect(twins).toContain(path.join('sandbox', 'sandbox.js'));
    for (const twin of twins) expect(existsSync(path.join(SRC, twin.replace(/\.js$/, '.ts'))), twin).toBe(true);
  });

  it('imports a CSV file into a local workspace and reads it back', () => {
    const csv = path.join(work, 'obs.csv');
    writeFileSync(csv, 'antenna,band\nDA41,3\nDA42,6\n');
    const home = path.join(work, 'home');
    const run = (...args: string[]) =>
      `process.exitCode = await cli.runCli(${JSON.stringify(['--home', home, '--project', 'BUNDLE', ...args])});`;
    const env = { LLANO_ADMIN_PASSWORD: 'bundle-test-password' };
    withBundle(run('project', 'create', 'BUNDLE'), env);
    withBundle(run('dataset', 'import', 'obs', csv), env);
    const rows = JSON.parse(withBundle(run('--json', 'dataset', 'head', 'obs'), env)) as { rows: unknown[][] };
    expect(rows.rows).toEqual([
      ['DA41', 3],
      ['DA42', 6],
    ]);
  });

  it('maps stack traces to the TypeScript sources', () => {
    // bin/llano.js turns source maps on before it imports the bundle.
    const stack = withBundle(
      `
      const io = { out: () => { throw new Error('written'); }, err: () => undefined, env: {}, cwd: '/' };
      try { cli.buildProgram(io).parse(['--help'], { from: 'user' }); } catch (e) { console.log(e.stack); }
    `,
      { NODE_OPTIONS: '--enable-source-maps' },
    );
    expect(stack).toContain(path.join('src', 'cli', 'main.ts'));
  });
});
