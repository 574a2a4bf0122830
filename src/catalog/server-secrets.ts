import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../common/ids.js';
import type { CatalogTables } from './tables.js';

/**
 * The signing key called `name`, made on first use. The first server to ask stores a random one;
 * a second server racing it loses the insert (ON CONFLICT DO NOTHING) and reads the winner's, so
 * every server on one catalog signs with the same key.
 */
export async function serverSecret(db: Kysely<CatalogTables>, name: string, bytes = 32): Promise<Buffer> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(bytes).toString('base64url'), created_at: nowIso() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
