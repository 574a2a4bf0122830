import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/automation/scenarios-service.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { Catalog } from '../src/catalog/catalog.js';
import { SEALED_PREFIX, SECRET_KEY_FILE } from '../src/catalog/secret-box.js';
import { getConnection } from '../src/datasets/connections.js';
import { exportProjectFolder } from '../src/transfer/project-export.js';
import { importProjectFolder } from '../src/transfer/project-import.js';
import { startPostgres, type RunningPostgres } from './support/embedded-postgres.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const KEY = 'SEC';
const P = `/api/projects/${KEY}`;
const URL_PASSWORD = 'url-pass-123';
const FIELD_PASSWORD = 'field-pass-456';
const SMTP_PASSWORD = 'smtp-pass-789';
const HEADER = 'Bearer header-secret-012';
const SECRETS = [URL_PASSWORD, FIELD_PASSWORD, SMTP_PASSWORD, HEADER];

const connection = {
  name: 'ops',
  type: 'postgres',
  url: `postgres://ops:${URL_PASSWORD}@db.example.org:5432/ops`,
  password: FIELD_PASSWORD,
};
const scenario = {
  id: 'nightly',
  triggers: [{ type: 'webhook' }],
  steps: [{ type: 'noop' }],
  reporters: [
    { on: 'failure', channel: 'webhook', url: 'https://hooks.example.org/x', headers: { Authorization: HEADER } },
    {
      on: 'failure',
      channel: 'mail',
      smtp: { host: 'smtp.example.org', user: 'bot', password: SMTP_PASSWORD },
      from: 'llano@example.org',
      to: ['ops@example.org'],
    },
  ],
};

/** Every stored body of the project (objects and revisions) as the catalog holds it. */
async function storedText(s: TestServer): Promise<string> {
  const db = s.ws.catalog.db;
  const objects = await db.selectFrom('objects').select('body').where('project_key', '=', KEY).execute();
  const revisions = await db.selectFrom('revisions').select('body').where('project_key', '=', KEY).execute();
  return JSON.stringify([...objects, ...revisions]);
}

async function setUp(s: TestServer): Promise<void> {
  const call = (method: string, url: string, body?: unknown) => s.call(method, url, { token: s.adminToken, body });
  expect((await call('POST', '/api/projects', { key: KEY })).status).toBe(201);
  expect((await call('POST', `${P}/connections`, connection)).status).toBe(201);
  // Saved back redacted (a second revision), the secrets are kept.
  const shown = (await call('GET', `${P}/connections/ops`)).body as Record<string, unknown>;
  expect((await call('PUT', `${P}/connections/ops`, { ...shown, description: 'operations' })).status).toBe(200);
  expect((await call('POST', `${P}/scenarios`, scenario)).status).toBe(201);
}

describe('secrets at rest in a SQLite catalog', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await setUp(s);
  });
  afterAll(async () => s?.stop());

  it('are stored encrypted in objects and revisions, and the server reads them back', async () => {
    const stored = await storedText(s);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    const token = (await loadScenario(s.ws, KEY, 'nightly')).triggers[0].token as string;
    expect(token).toMatch(/^lwh/);
    expect(stored).not.toContain(token);
    expect(stored).toContain(SEALED_PREFIX);
    // What is not secret stays readable in the catalog.
    expect(stored).toContain('smtp.example.org');

    const c = await getConnection(s.ws, KEY, 'ops');
    expect([c.url, c.password, c.description]).toEqual([connection.url, FIELD_PASSWORD, 'operations']);
    const loaded = await loadScenario(s.ws, KEY, 'nightly');
    expect(loaded.reporters[0]).toMatchObject({ headers: { Authorization: HEADER } });
    expect(loaded.reporters[1]).toMatchObject({ smtp: { password: SMTP_PASSWORD } });
    expect(statSync(path.join(s.home, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('reads plain values written before, and the start-up pass encrypts them (objects and revisions)', async () => {
    const db = s.ws.catalog.db;
    const plain = JSON.stringify({ ...connection, description: 'from before' });
    const where = { project_key: KEY, kind: 'connection', name: 'ops' };
    await db
      .updateTable('objects')
      .set({ body: plain })
      .where('project_key', '=', KEY)
      .where('name', '=', 'ops')
      .execute();
    await db
      .updateTable('revisions')
      .set({ body: plain })
      .where('project_key', '=', where.project_key)
      .where('kind', '=', where.kind)
      .where('revision', '=', 1)
      .execute();
    expect(await storedText(s)).toContain(FIELD_PASSWORD);
    expect((await getConnection(s.ws, KEY, 'ops')).password).toBe(FIELD_PASSWORD);

    expect(await s.ws.catalog.objects.sealStoredSecrets()).toBe(2);
    expect(await storedText(s)).not.toContain(FIELD_PASSWORD);
    expect(await storedText(s)).not.toContain(URL_PASSWORD);
    const c = await getConnection(s.ws, KEY, 'ops');
    expect([c.url, c.password, c.description]).toEqual([connection.url, FIELD_PASSWORD, 'from before']);
    const history = await s.ws.catalog.objects.history(KEY, 'connection', 'ops');
    expect(history.map((r) => (r.body as { password: string }).password)).toEqual([FIELD_PASSWORD, FIELD_PASSWORD]);
    expect(await s.ws.catalog.objects.sealStoredSecrets()).toBe(0);
  });

  it('with a wrong or missing key: a clear error naming the connection, never garbage', async () => {
    const other = await Catalog.open({ home: s.home, secretKey: randomBytes(32).toString('base64') });
    try {
      await expect(other.objects.get(KEY, 'connection', 'ops')).rejects.toMatchObject({
        code: 'secret_key_wrong',
        message: expect.stringMatching(
          /^connection ops in project SEC: its secrets cannot be decrypted with LLANO_SECRET_KEY: they were encrypted with another key/,
        ) as unknown,
      });
    } finally {
      await other.close();
    }
    const keyFile = path.join(s.home, SECRET_KEY_FILE);
    renameSync(keyFile, `${keyFile}.moved`);
    const keyless = await Catalog.open({ home: s.home });
    try {
      await expect(keyless.objects.get(KEY, 'scenario', 'nightly')).rejects.toMatchObject({
        code: 'secret_key_missing',
        message: expect.stringMatching(
          /^scenario nightly in project SEC: its secrets are encrypted, but this server has no key/,
        ) as unknown,
      });
    } finally {
      await keyless.close();
      renameSync(`${keyFile}.moved`, keyFile);
    }
    await expect(Catalog.open({ home: s.home, secretKey: 'too-short' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/^LLANO_SECRET_KEY must be 32 bytes/) as unknown,
    });
  });

  it('show in history and exports redacted: neither encrypted nor in the clear, the host still readable', async () => {
    const history = await s.call<unknown[]>('GET', `${P}/history/connection/ops`, { token: s.adminToken });
    expect(history.status).toBe(200);
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-secrets-export-'));
    try {
      await exportProjectFolder(s.ws, LOCAL_ADMIN, KEY, path.join(dir, 'out'), { revisions: true });
      const files = readdirSync(path.join(dir, 'out'), { recursive: true, withFileTypes: true }).filter((f) =>
        f.isFile(),
      );
      const exported = files.map((f) => readFileSync(path.join(f.parentPath, f.name), 'utf8')).join('\n');
      for (const shown of [JSON.stringify(history.body), exported]) {
        for (const secret of SECRETS) expect(shown).not.toContain(secret);
        expect(shown).not.toContain(SEALED_PREFIX);
        expect(shown).toContain('postgres://ops:********@db.example.org:5432/ops');
      }
      expect(exported).toContain('smtp.example.org');

      // Imported, the fresh secrets an import sets are stored encrypted too (objects and revisions).
      await importProjectFolder(s.ws, LOCAL_ADMIN, path.join(dir, 'out'), 'SEC2');
      const imported = await s.ws.catalog.objects.get<{ password: string }>('SEC2', 'connection', 'ops');
      expect(imported?.body.password).toMatch(/^\S{8,}$/);
      const rows = await s.ws.catalog.db
        .selectFrom('objects')
        .select('body')
        .where('project_key', '=', 'SEC2')
        .execute();
      expect(JSON.stringify(rows)).not.toContain(imported?.body.password);
      expect(JSON.stringify(rows)).toContain(SEALED_PREFIX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a saved value that looks encrypted (only the store writes those)', async () => {
    const r = await s.call<{ error: { message: string } }>('POST', `${P}/connections`, {
      token: s.adminToken,
      body: { ...connection, name: 'fake', password: `${SEALED_PREFIX}AAAA` },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(`a value may not start with "${SEALED_PREFIX}"`);
  });
});

describe('secrets at rest in a PostgreSQL catalog shared by two servers', () => {
  let pg: RunningPostgres;
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-secrets-'));
  const home = path.join(dir, 'home');
  const servers: TestServer[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ home, catalogUrl: pg.url }));
    await setUp(servers[0]);
  }, 240_000);
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are encrypted in the catalog and read by the other server with the key file of the shared home', async () => {
    const stored = await storedText(servers[1]);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    expect(stored).toContain(SEALED_PREFIX);
    const c = await getConnection(servers[1].ws, KEY, 'ops');
    expect([c.url, c.password]).toEqual([connection.url, FIELD_PASSWORD]);
    expect((await loadScenario(servers[1].ws, KEY, 'nightly')).reporters[1]).toMatchObject({
      smtp: { password: SMTP_PASSWORD },
    });
    // Nothing is left in the clear for the start-up pass.
    expect(await servers[1].ws.catalog.objects.sealStoredSecrets()).toBe(0);
  });
});
