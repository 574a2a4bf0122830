import { describe, expect, it } from 'vitest';
import { omit } from './omit.js';

describe('omit', () => {
  it('copies the object without the given keys, in the same order', () => {
    const source = { b: 1, a: 2, location: '/x', c: 3 };
    const copy = omit(source, 'location', 'a');
    expect(Object.keys(copy)).toEqual(['b', 'c']);
    expect(source).toEqual({ b: 1, a: 2, location: '/x', c: 3 });
  });
});
