import { randomBytes } from 'node:crypto';
import { installAutomation } from '../automation/install.js';
import { recoverInterruptedWork } from '../automation/recovery.js';
import type { Workspace } from './workspace.js';

/**
 * What a server does once at start: finish off work a crashed process left behind, and on a
 * fresh workspace create the `admin` user (password from LLANO_ADMIN_PASSWORD or generated,
 * returned so it can be printed once).
 */
export async function bootstrapWorkspace(ws: Workspace): Promise<{ adminPassword: string | null; interruptedJobs: number; interruptedVersions: number; interruptedRuns: number }> {
  // Builds and scenario runs of processes that are gone (a dead pid here, a stale heartbeat from
  // any host) fail as interrupted; failure reporters of the runs fire, so automation is installed first.
  installAutomation();
  const { interruptedJobs, interruptedVersions, interruptedRuns } = await recoverInterruptedWork(ws);
  let adminPassword: string | null = null;
  if ((await ws.catalog.users.count()) === 0) {
    adminPassword = ws.config.adminPassword ?? randomBytes(12).toString('base64url');
    await ws.catalog.users.create({ username: 'admin', password: adminPassword, isAdmin: true, displayName: 'Administrator' });
  }
  return { adminPassword, interruptedJobs, interruptedVersions, interruptedRuns };
}
