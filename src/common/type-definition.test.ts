import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definedType, typeSchema, upgradeParams } from './type-definition.js';

describe('typeSchema', () => {
  const schema = typeSchema(
    'type',
    'range',
    { name: z.string().optional() },
    z
      .object({ min: z.number().optional(), max: z.number().optional() })
      .refine((p) => p.min !== undefined || p.max !== undefined, { message: 'give min, max or both' }),
  );

  it('adds the key, the common fields and the schema version, in that order, and refuses unknown fields', () => {
    expect(Object.keys(schema.shape)).toEqual(['type', 'name', 'min', 'max', 'schemaVersion']);
    expect(schema.safeParse({ type: 'range', min: 1, schemaVersion: 1 }).success).toBe(true);
    expect(schema.safeParse({ type: 'range', min: 1, colour: 'red' }).success).toBe(false);
    expect(schema.safeParse({ type: 'unique', min: 1 }).success).toBe(false);
  });

  it("keeps the type's own refinements", () => {
    const r = schema.safeParse({ type: 'range' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('give min, max or both');
  });
});

describe('definedType', () => {
  it('adds the key to the examples and defaults the version to 1', () => {
    expect(
      definedType('channel', 'slack', { label: 'Slack', examples: [{ title: 't', params: { url: 'https://x' } }] }),
    ).toEqual({ version: 1, upgrades: {}, examples: [{ title: 't', params: { channel: 'slack', url: 'https://x' } }] });
  });

  it('refuses a version without an upgrade from each earlier one, and an upgrade from nowhere', () => {
    expect(() => definedType('type', 'x', { label: 'X', version: 3, upgrades: { 1: (p) => p } })).toThrow(
      'x: version 3 needs an upgrade from version 2',
    );
    expect(() => definedType('type', 'x', { label: 'X', version: 1, upgrades: { 1: (p) => p } })).toThrow(
      /upgrade from version 1 is given/,
    );
    expect(() => definedType('type', 'x', { label: 'X', version: 0 })).toThrow(/whole number/);
  });
});

describe('upgradeParams', () => {
  // v1 had `dataset`; v2 takes a list `datasets`; v3 renamed `limit` to `maxRows`.
  const type = {
    version: 3,
    upgrades: {
      1: ({ dataset, ...rest }: Record<string, unknown>) => ({ ...rest, datasets: [dataset] }),
      2: ({ limit, ...rest }: Record<string, unknown>) => ({ ...rest, maxRows: limit }),
    },
  };

  it('reads parameters without a version as version 1 and runs every upgrade in turn, recording the version', () => {
    expect(upgradeParams(type, { type: 'export', dataset: 'shift_metrics', limit: 10 })).toEqual({
      type: 'export',
      datasets: ['shift_metrics'],
      maxRows: 10,
      schemaVersion: 3,
    });
    expect(upgradeParams(type, { type: 'export', datasets: ['trec'], limit: 5, schemaVersion: 2 })).toEqual({
      type: 'export',
      datasets: ['trec'],
      maxRows: 5,
      schemaVersion: 3,
    });
  });

  it('leaves current parameters as they are, and does not change what it was given', () => {
    const stored = { type: 'export', datasets: ['trec'], maxRows: 5, schemaVersion: 3 };
    expect(upgradeParams(type, stored)).toEqual(stored);
    const old = { type: 'export', dataset: 'trec' };
    upgradeParams(type, old);
    expect(old).toEqual({ type: 'export', dataset: 'trec' });
  });

  it('answers 400 for parameters saved by a newer Llano, or a version that is not one', () => {
    expect(() => upgradeParams(type, { type: 'export', schemaVersion: 4 })).toThrow(
      /saved with settings version 4, but this Llano knows up to version 3/,
    );
    expect(() => upgradeParams(type, { type: 'export', schemaVersion: 4 })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => upgradeParams(type, { type: 'export', schemaVersion: 'two' })).toThrow(/whole number/);
  });
});
