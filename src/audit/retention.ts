import { pruneAudit } from '../catalog/audit-log.js';
import type { Workspace } from '../workspace/workspace.js';

const DAY_MS = 86_400_000;

/**
 * Drops audit rows older than LLANO_AUDIT_RETENTION_DAYS (0, the default: keeps them all).
 * The scheduler calls it with its periodic recovery pass; returns how many rows went.
 */
export async function pruneAuditLog(ws: Workspace, nowMs: number): Promise<number> {
  const days = ws.config.auditRetentionDays;
  if (!days) return 0;
  return pruneAudit(ws.catalog.db, new Date(nowMs - days * DAY_MS).toISOString());
}
