import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { SETTINGS, shownDefault } from './settings-table.js';

const dirs: string[] = [];
function folderWith(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-config-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'llano.config.json'), JSON.stringify(config));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('settings', () => {
  it('come from the environment, then llano.config.json (by key or by environment name), then defaults', () => {
    const dir = folderWith({ LLANO_MAX_UPLOAD_MB: 100, buildParallelism: 3, LLANO_OUTBOUND_ALLOW: ['10.0.0.0/8'] });
    const c = loadConfig({}, { LLANO_PORT: '9090', LLANO_OUTBOUND_ALLOW: '127.0.0.1, ::1' }, dir);
    expect(c).toMatchObject({ port: 9090, maxUploadMb: 100, buildParallelism: 3, queryTimeoutSeconds: 60 });
    expect(c.outboundAllow).toEqual(['127.0.0.1', '::1']);
    expect(c.home).toBe(path.join(dir, '.llano'));
    // The older, shorter name still works when the Llano one is unset.
    expect(loadConfig({}, { PORT: '7070' }, dir).port).toBe(7070);
  });

  it('refuse an unknown key in llano.config.json, naming it, and a value of the wrong type', () => {
    expect(() => loadConfig({}, {}, folderWith({ maxUploadMB: 5 }))).toThrow(
      /^llano\.config\.json: Unrecognized key: "maxUploadMB"$/,
    );
    expect(() => loadConfig({}, {}, folderWith({ LLANO_PORT: 'eighty' }))).toThrow(
      /^llano\.config\.json: port: Invalid input: expected number, received string$/,
    );
    expect(() => loadConfig({}, {}, folderWith([1, 2]))).toThrow(/JSON object of settings/);
  });

  it('are each listed in the README with their default', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings'));
    for (const s of SETTINGS) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${s.env}\``));
      expect(row, `README Settings table has no row for ${s.env}`).toBeDefined();
      expect(row?.split('|')[2].trim(), s.env).toBe('`' + s.key + '`');
      expect(row?.split('|')[3].trim(), s.env).toBe(shownDefault(s));
    }
  });
});
