import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogin, saveLogin } from './login-config.js';

const home = mkdtempSync(path.join(tmpdir(), 'llano-login-'));
const env = { XDG_CONFIG_HOME: home };
const file = path.join(home, 'llano', 'config.json');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('the saved login', () => {
  it('round-trips, readable by its owner only', () => {
    expect(readLogin(env)).toBeNull();
    saveLogin(env, { url: 'https://llano.example.org', token: 'lls_abc', username: 'ana' });
    expect(readLogin(env)).toEqual({ url: 'https://llano.example.org', token: 'lls_abc', username: 'ana' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('says a damaged file is not a login, and how to fix it', () => {
    mkdirSync(path.dirname(file), { recursive: true });
    for (const content of ['{"url":"not a url","token":"t"}', '{"url":"https://x.org","token":""}', '[1]'])
      expect(() => {
        writeFileSync(file, content);
        readLogin(env);
      }, content).toThrow(/is not a Llano login: log in again with `llano login`/);
    writeFileSync(file, '{broken');
    expect(() => readLogin(env)).toThrow(/is not valid JSON/);
  });
});
