import { badRequest } from '../common/errors.js';
import { jsonSchemaOf } from '../common/json-schema.js';
import { createRegistry } from '../common/registry.js';
import { duckdbReader, type SourceReader } from '../engine/explore.js';
import type { TableSource } from '../engine/table-source.js';
import type { ConnectionType, Settings } from './connector.js';
import { filesystemConnection } from './filesystem/filesystem.js';
import { postgresConnection } from './postgres/postgres.js';
import { sqliteConnection } from './sqlite/sqlite.js';

/** Every connection type. Adding one = a folder beside these and one entry here. */
export const connectionTypeRegistry = createRegistry('connection type', [
  filesystemConnection,
  postgresConnection,
  sqliteConnection,
]);

export function connectionTypes(): ConnectionType[] {
  return [...connectionTypeRegistry.list()];
}

/** The connection type named `type`; an unknown one is a 400. */
export function connectionType(type: string): ConnectionType {
  return connectionTypeRegistry.get(type);
}

/** A connection as stored: its name, its type and its settings side by side. */
export interface StoredConnection {
  name: string;
  type: string;
  description?: string;
}

const STORED_BESIDE_SETTINGS = new Set(['name', 'type', 'description']);

/** The connection's own settings: all it stores but its name, type and description. */
export function settingsOf(conn: StoredConnection): Settings {
  return Object.fromEntries(Object.entries(conn).filter(([key]) => !STORED_BESIDE_SETTINGS.has(key)));
}

const CAPABILITIES = {
  runSql: 'run SQL statements',
  describeTable: 'describe tables',
  files: 'read files',
  tables: 'hold tables or queries',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** A connection type as the API lists it: the web UI builds the connection form from `settings`. */
export interface ConnectionTypeInfo {
  type: string;
  label: string;
  /** Only a global admin may create, change or delete connections of this type. */
  adminOnly: boolean;
  /** Settings never sent back (shown as ********). */
  secrets: string[];
  capabilities: Capability[];
  settings: ReturnType<typeof jsonSchemaOf>;
}

export function describeConnectionTypes(): ConnectionTypeInfo[] {
  return connectionTypes().map((t) => ({
    type: t.type,
    label: t.label,
    adminOnly: t.adminOnly === true,
    secrets: [...(t.secrets ?? []), ...(t.secretUrls ?? [])],
    capabilities: (Object.keys(CAPABILITIES) as Capability[]).filter((c) => t[c] !== undefined),
    settings: jsonSchemaOf(t.settings),
  }));
}

/**
 * What `conn` can do for `capability`, with its type and settings; when its type cannot do
 * it, a 400 that names both ("connection ops (filesystem) cannot run SQL statements").
 */
export function requireCapability<K extends Capability>(
  conn: StoredConnection,
  capability: K,
): { type: ConnectionType; settings: Settings; can: NonNullable<ConnectionType[K]> } {
  const type = connectionType(conn.type);
  const can = type[capability];
  if (!can) throw badRequest(`connection ${conn.name} (${conn.type}) cannot ${CAPABILITIES[capability]}`);
  return { type, settings: settingsOf(conn), can };
}

/** Who reads a source's rows: DuckDB for Parquet and files, the connection type for the rest. */
export function sourceReader(source: TableSource): SourceReader {
  if (source.kind !== 'external') return duckdbReader;
  const reader = connectionType(source.type).tables?.reader;
  if (!reader) throw badRequest(`Connection type ${source.type} cannot read tables`);
  return reader;
}
