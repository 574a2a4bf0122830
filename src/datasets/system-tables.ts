import { badRequest } from '../common/errors.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/** Catalog tables a project can read as datasets (storage `{type: 'system', table}`). */
export const SYSTEM_TABLES = ['scenario_runs', 'step_runs', 'check_results', 'audit_log'] as const;
export type SystemTable = (typeof SYSTEM_TABLES)[number];

/**
 * Writes one project's rows of a system table to a Parquet file and returns it with a token
 * that changes when the rows do. The capability owning the table registers the exporter on
 * each workspace (through the composition root), so the dataset layer does not depend on it.
 */
export type SystemTableExporter = (ws: Workspace, projectKey: string) => Promise<{ path: string; token: string }>;

const exporters = workspaceSlot('datasets.system-table-exporters', () => new Map<SystemTable, SystemTableExporter>());

export function registerSystemTable(ws: Workspace, table: SystemTable, exporter: SystemTableExporter): void {
  exporters(ws).set(table, exporter);
}

export async function exportSystemTable(
  ws: Workspace,
  projectKey: string,
  table: SystemTable,
): Promise<{ path: string; token: string }> {
  const exporter = exporters(ws).get(table);
  if (!exporter) throw badRequest(`System table ${table} is not available in this server`);
  return exporter(ws, projectKey);
}
