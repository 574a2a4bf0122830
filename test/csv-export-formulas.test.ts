import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../web/src/lib/export-formats.js';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/CSVF';
/** A text column with cells a spreadsheet runs as formulas, beside a numeric column with a negative number. */
const CSV = "id,note,n\n1,=cmd|' /C calc'!A0,-5\n2,@SUM(A1),3\n3,-x,-1\n4,plain,2\n";
const lines = (text: string) => text.trimEnd().split(/\r\n/);

describe('CSV exports neutralise formula cells', () => {
  let s: TestServer;
  let dir: string;
  beforeAll(async () => {
    s = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-csvf-'));
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'CSVF' } })).status).toBe(201);
    const up = await s.upload(`${P}/datasets/notes/upload?delimiter=,&schema={"note":"VARCHAR"}`, CSV, 'notes.csv');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the API download prefixes them with a quote by default; formulas=keep writes them raw', async () => {
    const get = async (query: string) => {
      const r = await fetch(`${s.url}${P}/datasets/notes/data?format=csv&sort=id${query}`, {
        headers: { authorization: `Bearer ${s.adminToken}` },
      });
      expect(r.status).toBe(200);
      return lines(await r.text());
    };
    expect(await get('')).toEqual(['id,note,n', `1,'=cmd|' /C calc'!A0,-5`, "2,'@SUM(A1),3", "3,'-x,-1", '4,plain,2']);
    expect(await get('&formulas=keep')).toEqual([
      'id,note,n',
      `1,=cmd|' /C calc'!A0,-5`,
      '2,@SUM(A1),3',
      '3,-x,-1',
      '4,plain,2',
    ]);
    const bad = await s.call('GET', `${P}/datasets/notes/data?format=csv&formulas=run`, { token: s.adminToken });
    expect(bad.status).toBe(400);
  });

  it('the web download menu offers both CSVs: formulas escaped, and formulas kept', async () => {
    const csvs = EXPORT_FORMATS.filter((f) => f.query.startsWith('format=csv'));
    expect(csvs.map((f) => f.label)).toEqual(['CSV', 'CSV, formulas kept (not for spreadsheets)']);
    const notes: string[][] = [];
    for (const f of csvs) {
      const r = await fetch(`${s.url}${P}/datasets/notes/data?${f.query}&sort=id`, {
        headers: { authorization: `Bearer ${s.adminToken}` },
      });
      expect(r.status).toBe(200);
      notes.push(lines(await r.text()).map((l) => l.split(',')[1]));
    }
    expect(notes).toEqual([
      ['note', "'=cmd|' /C calc'!A0", "'@SUM(A1)", "'-x", 'plain'],
      ['note', "=cmd|' /C calc'!A0", '@SUM(A1)', '-x', 'plain'],
    ]);
  });

  it('the CLI download does the same, --keep-formulas keeps them', async () => {
    const home = ['--home', path.join(dir, 'ws')];
    const file = path.join(dir, 'notes.csv');
    writeFileSync(file, CSV);
    expect((await llano([...home, 'project', 'create', 'CSVF'])).code).toBe(0);
    const imp = await llano([...home, '-p', 'CSVF', 'dataset', 'import', 'notes', file, '--delimiter', ',']);
    expect(imp.code, imp.err).toBe(0);
    const download = async (...flags: string[]) => {
      const out = path.join(dir, `out${flags.length}.csv`);
      const r = await llano([...home, '-p', 'CSVF', 'dataset', 'download', 'notes', '--out', out, ...flags]);
      expect(r.code, r.err).toBe(0);
      return lines(readFileSync(out, 'utf8')).sort();
    };
    expect(await download()).toEqual([
      `1,'=cmd|' /C calc'!A0,-5`,
      "2,'@SUM(A1),3",
      "3,'-x,-1",
      '4,plain,2',
      'id,note,n',
    ]);
    expect(await download('--keep-formulas')).toEqual([
      `1,=cmd|' /C calc'!A0,-5`,
      '2,@SUM(A1),3',
      '3,-x,-1',
      '4,plain,2',
      'id,note,n',
    ]);
    expect((await llano([...home, 'dataset', 'download', '--help'])).out).toContain('--keep-formulas');
  });
});
