import { describe, expect, it } from 'vitest';
import { LlanoError } from './errors.js';
import { createRegistry } from './registry.js';

describe('createRegistry', () => {
  const registry = createRegistry('step type', [
    { type: 'build', n: 1 },
    { type: 'noop', n: 2 },
  ]);

  it('finds by key, lists in registration order', () => {
    expect(registry.get('noop').n).toBe(2);
    expect(registry.find('build')?.n).toBe(1);
    expect(registry.list().map((i) => i.type)).toEqual(['build', 'noop']);
    expect(registry.keys()).toEqual(['build', 'noop']);
  });

  it('names a miss: find answers undefined, get a 400 listing the known keys', () => {
    expect(registry.find('teleport')).toBeUndefined();
    expect(registry.find(undefined)).toBeUndefined();
    expect(registry.find(42)).toBeUndefined();
    const error = (() => {
      try {
        registry.get('teleport');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LlanoError);
    expect(error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'unknown step type "teleport"; known: build, noop',
    });
  });

  it('refuses a duplicate key when created, naming it', () => {
    expect(() => createRegistry('step type', [{ type: 'build' }, { type: 'sql' }, { type: 'build' }])).toThrow(
      'Two step types are registered as "build"',
    );
  });

  it('takes another key when told', () => {
    const channels = createRegistry('reporter channel', [{ channel: 'mail' }, { channel: 'slack' }], (r) => r.channel);
    expect(channels.get('slack').channel).toBe('slack');
    expect(() => channels.get('pigeon')).toThrow('unknown reporter channel "pigeon"; known: mail, slack');
    expect(() =>
      createRegistry('reporter channel', [{ channel: 'mail' }, { channel: 'mail' }], (r) => r.channel),
    ).toThrow(/"mail"/);
  });
});
