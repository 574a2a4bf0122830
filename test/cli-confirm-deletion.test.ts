import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/capture-io.js';
import { runCli } from '../src/cli/main.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

describe('destructive commands ask first', () => {
  let s: TestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  /** Runs `llano …` as on a terminal where the user answers `typed` to the question. */
  async function onTerminal(args: string[], typed: string) {
    const io = captureIo(dir, env);
    const asked: string[] = [];
    io.promptLine = (question) => {
      asked.push(question);
      return Promise.resolve(typed);
    };
    const code = await runCli(args, io);
    return { code, out: io.stdout, err: io.stderr, asked };
  }

  const projects = async () => (await llano(['project', 'list'], env, dir)).out;

  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-confirm-'));
    env = { LLANO_URL: s.url, LLANO_TOKEN: s.adminToken, XDG_CONFIG_HOME: dir };
    writeFileSync(path.join(dir, 'a.csv'), 'x\n1\n');
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('project delete: refused without --yes when nobody can be asked; the typed key on a terminal', async () => {
    expect((await llano(['project', 'create', 'GONE'], env, dir)).code).toBe(0);
    const script = await llano(['project', 'delete', 'GONE'], env, dir);
    expect(script.code).toBe(1);
    expect(script.err).toBe(
      'error: Deleting project GONE cannot be undone: add --yes to confirm (no terminal to ask on)\n',
    );
    expect(await projects()).toMatch(/^GONE\b/m);

    const mistyped = await onTerminal(['project', 'delete', 'GONE'], 'gone');
    expect(mistyped.asked).toEqual(['Delete project GONE? This cannot be undone. Type GONE to confirm: ']);
    expect(mistyped.err).toBe('error: Not deleted: you typed "gone", not GONE\n');
    expect(await projects()).toMatch(/^GONE\b/m);

    const typed = await onTerminal(['project', 'delete', 'GONE'], 'GONE');
    expect(typed.out, typed.err).toBe('Deleted project GONE\n');
    expect(await projects()).not.toMatch(/^GONE\b/m);

    expect((await llano(['project', 'create', 'GONE2'], env, dir)).code).toBe(0);
    expect((await llano(['project', 'delete', 'GONE2', '--yes'], env, dir)).out).toBe('Deleted project GONE2\n');
  });

  it('dataset, recipe and user delete ask the same way', async () => {
    expect((await llano(['project', 'create', 'KEEP'], env, dir)).code).toBe(0);
    const p = ['-p', 'KEEP'];
    expect((await llano([...p, 'dataset', 'import', 'a', path.join(dir, 'a.csv')], env, dir)).code).toBe(0);
    const recipe = ['recipe', 'create', 'r', '--input', 'a', '--output', 'b', '--sql', 'SELECT * FROM a'];
    expect((await llano([...p, ...recipe], env, dir)).code).toBe(0);
    expect((await llano(['user', 'create', 'gone', '--password-stdin'], env, dir, 'password-gone\n')).code).toBe(0);
    for (const [what, name] of [
      ['recipe', 'r'],
      ['dataset', 'a'],
      ['user', 'gone'],
    ]) {
      const refused = await llano([...p, what, 'delete', name], env, dir);
      expect(refused.err).toBe(
        `error: Deleting ${what} ${name} cannot be undone: add --yes to confirm (no terminal to ask on)\n`,
      );
      const typed = await onTerminal([...p, what, 'delete', name], name);
      expect(typed.out, typed.err).toBe(`Deleted ${what} ${name}\n`);
    }
  });
});
