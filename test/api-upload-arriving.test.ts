import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { importDataset } from '../src/datasets/import.js';
import { ARRIVING_HEAD_BYTES } from '../src/engine/csv-arriving.js';
import type { DatasetShown } from './support/api-types.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

const P = '/api/projects/ARR';

/** A CSV file larger than the head detected before an upload's import starts: it is imported as it arrives. */
function observations(): string {
  const lines = ['timestamp,antenna,band,amplitude'];
  let size = 0;
  for (let i = 0; size < ARRIVING_HEAD_BYTES * 1.5; i++) {
    const line = `2024-01-01 00:${String(Math.floor(i / 60_000) % 60).padStart(2, '0')}:00,DA${String(i % 66).padStart(2, '0')},${(i % 10) + 1},${(i % 997) / 7}`;
    size += line.length + 1;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

describe('uploads of large CSV files, imported as they arrive', () => {
  let s: TestServer;
  let dir: string;
  let csv: string;

  beforeAll(async () => {
    s = await startTestServer({ maxUploadMb: 16 });
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'ARR' } })).status).toBe(201);
    dir = await mkdtemp(join(tmpdir(), 'llano-arriving-'));
    csv = observations();
  });
  afterAll(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the same version from a raw body and a multipart form as from the file imported in place', async () => {
    const path = join(dir, 'obs.csv');
    await writeFile(path, csv);
    const inPlace = await importDataset(s.ws, LOCAL_ADMIN, 'ARR', 'in_place', { filePath: path, fileName: 'obs.csv' });
    const raw = await fetch(`${s.url}${P}/datasets/raw/upload?filename=obs.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(raw.status).toBe(201);
    const form = await s.upload<DatasetShown>(`${P}/datasets/form/upload`, csv, 'obs.csv');
    expect(form.status).toBe(201);
    for (const uploaded of [(await raw.json()) as DatasetShown, form.body]) {
      expect(uploaded.currentVersion?.contentHash).toBe(inPlace.currentVersion?.contentHash);
      expect(uploaded.rowCount).toBe(csv.split('\n').length - 2);
      expect(uploaded.columns).toEqual(inPlace.columns);
    }
    expect(inPlace.columns?.map((c) => c.type)).toEqual(['TIMESTAMP', 'VARCHAR', 'BIGINT', 'DOUBLE']);
  });

  it('refuses a chunked body past the limit after its import started, creating nothing and leaving no file', async () => {
    let sent = 0;
    const lines = new TextEncoder().encode(csv.slice(csv.indexOf('\n') + 1));
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('timestamp,antenna,band,amplitude\n'));
      },
      pull(controller) {
        sent += lines.length;
        controller.enqueue(lines);
      },
    });
    const refused = await fetch(`${s.url}${P}/datasets/endless/upload?filename=endless.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
      body: endless,
      duplex: 'half',
    } as RequestInit).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([413, 'closed']).toContain(refused);
    expect(sent).toBeGreaterThan(16 << 20);
    expect((await s.call('GET', `${P}/datasets/endless`, { token: s.adminToken })).status).toBe(404);
    expect((await s.call('GET', '/api/health')).status).toBe(200);
    // Neither the upload nor the pieces of its import (head, FIFO) are left in the temporary folder.
    const tmp = join(s.home, 'tmp');
    const left = (await readdir(tmp, { recursive: true })).filter((f) => /upload/.test(f));
    expect(left).toEqual([]);
  });
});
