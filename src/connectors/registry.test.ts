import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineConnectionType } from './connector.js';
import { createRegistry } from '../common/registry.js';
import { connectionType, connectionTypes, requireCapability } from './registry.js';

const fake = (type: string) =>
  defineConnectionType({ type, label: type, settings: z.object({}).strict(), test: () => Promise.resolve('ok') });

describe('connection type registry', () => {
  it('lists every type once and answers an unknown one with a 400 naming the known ones', () => {
    expect(connectionTypes().map((t) => t.type)).toEqual(['filesystem', 'postgres', 'sqlite']);
    expect(connectionType('postgres').label).toBe('PostgreSQL');
    expect(() => connectionType('mysql')).toThrow(
      expect.objectContaining({
        status: 400,
        message: 'unknown connection type "mysql"; known: filesystem, postgres, sqlite',
      }),
    );
  });

  it('refuses two types of one name', () => {
    expect(() => createRegistry('connection type', [fake('a'), fake('b'), fake('a')])).toThrow(
      /Two connection types are registered as "a"/,
    );
  });

  it('hands out a capability with the settings, or names the connection and what it cannot do', () => {
    const files = { name: 'files', type: 'filesystem', description: 'shared folder', root: '/data' };
    const { can, settings } = requireCapability(files, 'files');
    expect(settings).toEqual({ root: '/data' });
    expect(can.resolve(settings, 'a/b.csv')).toBe('/data/a/b.csv');
    expect(() => can.resolve(settings, '../etc/passwd')).toThrow(/outside the connection's folder/);
    expect(() => requireCapability(files, 'runSql')).toThrow(
      expect.objectContaining({ status: 400, message: 'connection files (filesystem) cannot run SQL statements' }),
    );
    expect(() => requireCapability(files, 'tables')).toThrow(
      'connection files (filesystem) cannot hold tables or queries',
    );
    expect(() => requireCapability({ name: 'db', type: 'postgres' }, 'files')).toThrow(
      'connection db (postgres) cannot read files',
    );
  });
});
