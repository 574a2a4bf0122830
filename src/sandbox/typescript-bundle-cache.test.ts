import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runInSandbox } from './sandbox.js';
import { bundleCache } from './typescript-bundle-cache.js';

const root = mkdtempSync(path.join(tmpdir(), 'llano-bundle-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const limits = { memoryMb: 200, wallSeconds: 20, cpuSeconds: 60 };

/** A file outside every work folder, given as a read path and imported by its absolute path. */
const shared = path.join(root, 'shared.ts');

/** A fresh work folder holding the code and its library folder, as each recipe run writes them; answers what `f` returns. */
async function run(files: Record<string, string>): Promise<unknown> {
  const workDir = mkdtempSync(path.join(root, 'run-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(workDir, name)), { recursive: true });
    writeFileSync(path.join(workDir, name), text);
  }
  const spec = {
    language: 'typescript' as const,
    entry: path.join(workDir, 'app.ts'),
    workDir,
    libraryPaths: [path.join(workDir, 'lib')],
    readPaths: [shared],
    limits,
  };
  return runInSandbox(spec, 'f', []);
}

const APP = `import { helper } from 'helper';\nimport { base } from ${JSON.stringify(shared)};\nexport const f = () => helper() + base;\n`;
const HELPER = (n: number) => `export const helper = () => ${n};\n`;

describe('TypeScript bundle cache', () => {
  beforeEach(() => {
    bundleCache.clear();
    writeFileSync(shared, 'export const base = 100;\n');
  });

  it('reuses the bundle of the same files in another work folder', async () => {
    const before = { hits: bundleCache.hits, misses: bundleCache.misses };
    expect(await run({ 'app.ts': APP, 'lib/helper.ts': HELPER(1) })).toBe(101);
    expect(await run({ 'app.ts': APP, 'lib/helper.ts': HELPER(1) })).toBe(101);
    expect(bundleCache.misses - before.misses).toBe(1);
    expect(bundleCache.hits - before.hits).toBe(1);
  });

  it('picks up a changed library file, a changed code file and a changed file outside the work folder', async () => {
    expect(await run({ 'app.ts': APP, 'lib/helper.ts': HELPER(1) })).toBe(101);
    expect(await run({ 'app.ts': APP, 'lib/helper.ts': HELPER(2) })).toBe(102);
    expect(await run({ 'app.ts': APP.replace('+ base', '+ base * 2'), 'lib/helper.ts': HELPER(2) })).toBe(202);
    writeFileSync(shared, 'export const base = 1000;\n');
    expect(await run({ 'app.ts': APP, 'lib/helper.ts': HELPER(2) })).toBe(1002);
  });

  it('builds again when a library file is added, since it may change what an import resolves to', async () => {
    expect(await run({ 'app.ts': APP, 'lib/helper/index.ts': HELPER(3) })).toBe(103);
    // lib/helper.ts comes before the folder lib/helper/ when \`helper\` is resolved; lib/helper/index.ts is unchanged.
    expect(await run({ 'app.ts': APP, 'lib/helper/index.ts': HELPER(3), 'lib/helper.ts': HELPER(4) })).toBe(104);
  });

  it('does not keep code that does not compile', async () => {
    const hits = bundleCache.hits;
    await expect(run({ 'app.ts': 'export const f = (;\n' })).rejects.toThrow(/does not compile/);
    await expect(run({ 'app.ts': 'export const f = (;\n' })).rejects.toThrow(/does not compile/);
    expect(bundleCache.hits).toBe(hits);
  });

  it('refuses to bundle a file outside the work folder, the read paths and the libraries', async () => {
    const secret = path.join(root, 'secret.json');
    writeFileSync(secret, '{"password": "hunter2"}');
    const workDir = mkdtempSync(path.join(root, 'run-'));
    writeFileSync(
      path.join(workDir, 'app.ts'),
      `import data from ${JSON.stringify(secret)};\nexport const f = () => data.password;\n`,
    );
    const spec = { language: 'typescript' as const, entry: path.join(workDir, 'app.ts'), workDir, limits };
    await expect(runInSandbox(spec, 'f', [])).rejects.toThrow(
      /does not compile: .*secret\.json is outside the code's folder, its read paths and the project's libraries/,
    );
  });
});
