import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';

const CSV = 'ts,antenna,trec\n2024-01-01 00:00:00,DA41,35.5\n2024-01-01 00:10:00,DA42,36.1\n';

describe('llano audit, timeline and project export/import (local workspace)', () => {
  it('records CLI writes as via cli, tells the timeline, and moves a project through a folder', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'llano-cli-audit-'));
    const env = { LLANO_HOME: path.join(cwd, 'home'), LLANO_ADMIN_PASSWORD: 'admin-password-for-tests' };
    const run = async (...args: string[]) => {
      const r = await llano(args, env, cwd);
      expect(r.code, r.err + r.out).toBe(0);
      return r.out;
    };
    writeFileSync(path.join(cwd, 'trec.csv'), CSV);
    await run('project', 'create', 'OPS');
    await run('-p', 'OPS', 'dataset', 'import', 'trec', path.join(cwd, 'trec.csv'));
    const audit = JSON.parse(await run('--json', '-p', 'OPS', 'audit', '--action', 'project.create')) as unknown[];
    expect(audit).toMatchObject([{ via: 'cli', actor: 'admin' }]);
    expect(await run('audit')).toContain('dataset.upload');
    // The import is recorded as the upload route records it, though the CLI reaches no server.
    const uploads = JSON.parse(await run('--json', '-p', 'OPS', 'audit', '--action', 'dataset.upload')) as unknown[];
    expect(uploads).toMatchObject([
      {
        via: 'cli',
        actor: 'admin',
        category: 'change',
        project: 'OPS',
        objectKind: 'dataset',
        objectName: 'trec',
        route: 'POST /api/projects/{key}/datasets/{name}/upload',
        status: 201,
      },
    ]);
    expect(await run('timeline', 'OPS')).toContain('admin created dataset trec (rev 1)');

    await run('project', 'export', 'OPS', 'ops-folder', '--data');
    const folder = path.join(cwd, 'ops-folder');
    expect(readdirSync(folder).sort()).toEqual(['data', 'datasets', 'project.json']);
    expect(readFileSync(path.join(folder, 'datasets/trec.json'), 'utf8')).toMatch(/\n$/);
    await expect(llano(['project', 'import', 'ops-folder'], env, cwd)).resolves.toMatchObject({ code: 1 });
    const imported = await llano(['project', 'import', 'ops-folder', '--key', 'OPS2'], env, cwd);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/datasetsWithData\s+1/);
    // What the export left out is said, not dropped: here the history (exported without --revisions).
    expect(imported.err).toMatch(/Not carried by the export.*\n {2}revisions \(1\): Exported without revisions/);
    expect(await run('-p', 'OPS2', 'dataset', 'head', 'trec')).toContain('DA42');
    // A second export into the same folder replaces it; a folder of other files is refused.
    await run('project', 'export', 'OPS2', 'ops-folder');
    expect(readdirSync(folder).sort()).toEqual(['datasets', 'project.json']);
    writeFileSync(path.join(cwd, 'notes.txt'), 'mine');
    const refused = await llano(['project', 'export', 'OPS', '.'], env, cwd);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('neither empty nor an exported project');
  }, 120_000);
});
