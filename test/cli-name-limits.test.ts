import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

describe('names over their length limit', () => {
  let s: TestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-names-'));
    env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken, XDG_CONFIG_HOME: dir };
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are refused with the limit, not with the characters to use', async () => {
    const longKey = 'K'.repeat(100);
    const project = await llano(['project', 'create', longKey], env, dir);
    expect(project.err).toBe(
      `error: Invalid project key "${'K'.repeat(79)}…" (100 characters): at most 64 characters, not 100\n`,
    );
    expect((await llano(['project', 'create', 'NAMES'], env, dir)).code).toBe(0);
    const recipe = await llano(
      ['-p', 'NAMES', 'recipe', 'create', 'r'.repeat(200), '--input', 'a', '--output', 'b', '--sql', 'SELECT 1'],
      env,
      dir,
    );
    expect(recipe.err).toMatch(
      /^error: Invalid recipe name "r+…" \(200 characters\): at most 128 characters, not 200\n$/,
    );
    // Wrong characters still hear the rule, with the limit in it.
    expect((await llano(['project', 'create', 'bad-key'], env, dir)).err).toBe(
      'error: Invalid project key "bad-key": use upper-case letters, digits and underscores, starting with a letter, at most 64 characters (e.g. ALMA_OPS)\n',
    );
  });
});
