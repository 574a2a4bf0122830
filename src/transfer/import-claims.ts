import { LOCAL_ADMIN } from '../catalog/access.js';
import { isUniqueViolation } from '../catalog/objects.js';
import { conflict, LlanoError } from '../common/errors.js';
import { deleteProject } from '../workspace/projects-service.js';
import { HOST } from '../workspace/process-liveness.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * A project import in progress, claimed in the catalog before the project exists (see
 * `ProjectImportsTable`). While it lasts the claim is stamped like a build, so recovery on any
 * server can tell a live import from one whose process died.
 */
export interface ImportClaim {
  release(): Promise<void>;
}

/** Claims `key` for an import by this process; a 409 when another import of that key is going on. */
export async function claimImport(ws: Workspace, key: string): Promise<ImportClaim> {
  const at = ws.liveness.nowIso();
  try {
    await ws.catalog.db
      .insertInto('project_imports')
      .values({ key, owner: ws.processId, owner_host: HOST, started_at: at, heartbeat_at: at })
      .execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`Project ${key} is being imported right now: wait for that import to end`);
    throw e;
  }
  const heartbeat = ws.liveness.heartbeat(
    () => [key],
    async (_keys, stamp) => {
      await ws.catalog.db
        .updateTable('project_imports')
        .set({ heartbeat_at: stamp })
        .where('key', '=', key)
        .where('owner', '=', ws.processId)
        .execute();
    },
  );
  heartbeat.ensure();
  return {
    async release() {
      heartbeat.stop();
      await heartbeat.flush();
      await ws.catalog.db
        .deleteFrom('project_imports')
        .where('key', '=', key)
        .where('owner', '=', ws.processId)
        .execute();
    },
  };
}

/**
 * Projects whose import never finished because its process is gone (a dead pid on this host, or
 * a stale heartbeat from another): each is deleted with all it got, then its claim. Imports of
 * live processes are left alone. Returns how many were deleted.
 */
export async function recoverInterruptedImports(ws: Workspace): Promise<number> {
  const claims = await ws.catalog.db
    .selectFrom('project_imports')
    .selectAll()
    .where('owner', '!=', ws.processId)
    .execute();
  let recovered = 0;
  for (const c of claims) {
    if (!ws.liveness.abandoned(c)) continue;
    // No new import of the key can start while this claim exists, so the project is the dead one's.
    await deleteProject(ws, LOCAL_ADMIN, c.key).catch((e: unknown) => {
      // Gone already: the import died before creating it, or another server recovered it first.
      if (!(e instanceof LlanoError && e.status === 404)) throw e;
    });
    // Only the claim that was read goes: a new import of the key since then keeps its own.
    await ws.catalog.db
      .deleteFrom('project_imports')
      .where('key', '=', c.key)
      .where('owner', '=', c.owner)
      .where('started_at', '=', c.started_at)
      .execute();
    recovered++;
  }
  return recovered;
}
