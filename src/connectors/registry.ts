import { badRequest } from '../common/errors.js';
import { duckdbReader, type SourceReader } from '../engine/explore.js';
import type { TableSource } from '../engine/table-source.js';
import type { ConnectionType, Settings } from './connector.js';
import { filesystemConnection } from './filesystem/filesystem.js';
import { postgresConnection } from './postgres/postgres.js';
import { sqliteConnection } from './sqlite/sqlite.js';

/**
 * A lookup of connection types by name that refuses two types of one name. (A generic
 * `createRegistry` in src/common will replace this small one.)
 */
export function createConnectionTypeRegistry(types: ConnectionType[]): { get(type: string): ConnectionType; list(): ConnectionType[] } {
  const byName = new Map<string, ConnectionType>();
  for (const t of types) {
    if (byName.has(t.type)) throw new Error(`Connection type ${t.type} is defined twice`);
    byName.set(t.type, t);
  }
  return {
    get(type) {
      const t = byName.get(type);
      // An unknown type comes from a request or a stored object: the caller's mistake (400).
      if (!t) throw badRequest(`Unknown connection type ${type}; the types are ${[...byName.keys()].join(', ')}`);
      return t;
    },
    list: () => [...byName.values()],
  };
}

/** Every connection type. Adding one = a folder beside these and one entry here. */
const registry = createConnectionTypeRegistry([filesystemConnection, postgresConnection, sqliteConnection]);

export function connectionTypes(): ConnectionType[] {
  return registry.list();
}

/** The connection type named `type`; an unknown one is a 400. */
export function connectionType(type: string): ConnectionType {
  return registry.get(type);
}

/** A connection as stored: its name, its type and its settings side by side. */
export interface StoredConnection {
  name: string;
  type: string;
  description?: string;
}

/** The connection's own settings: all it stores but its name, type and description. */
export function settingsOf(conn: StoredConnection): Settings {
  const { name: _n, type: _t, description: _d, ...settings } = conn as StoredConnection & Settings;
  return settings;
}

const CAPABILITIES = {
  runSql: 'run SQL statements',
  describeTable: 'describe tables',
  files: 'read files',
  tables: 'hold tables or queries',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/**
 * What `conn` can do for `capability`, with its type and settings; when its type cannot do
 * it, a 400 that names both ("connection ops (filesystem) cannot run SQL statements").
 */
export function requireCapability<K extends Capability>(conn: StoredConnection, capability: K): { type: ConnectionType; settings: Settings; can: NonNullable<ConnectionType[K]> } {
  const type = connectionType(conn.type);
  const can = type[capability];
  if (!can) throw badRequest(`connection ${conn.name} (${conn.type}) cannot ${CAPABILITIES[capability]}`);
  return { type, settings: settingsOf(conn), can };
}

/** Who reads a source's rows: DuckDB for Parquet and files, the connection type for the rest. */
export function sourceReader(source: TableSource): SourceReader {
  if (source.kind !== 'external') return duckdbReader as SourceReader;
  const reader = connectionType(source.type).tables?.reader;
  if (!reader) throw badRequest(`Connection type ${source.type} cannot read tables`);
  return reader as SourceReader;
}
