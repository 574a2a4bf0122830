import { describe, expect, it } from 'vitest';
import { assertUsername, quotedName } from './names.js';
import { assertGroupName } from '../catalog/groups.js';

describe('names in error messages', () => {
  it('quotes short names whole and cuts long ones, saying how long they were', () => {
    expect(quotedName('band 6')).toBe('"band 6"');
    const long = quotedName('x'.repeat(3_000_000));
    expect(long.length).toBeLessThan(120);
    expect(long).toContain('(3000000 characters)');
  });

  it('a 3 MB user or group name is refused without being echoed', () => {
    const huge = 'é'.repeat(3_000_000);
    expect(() => assertUsername(huge)).toThrow(/^Invalid username "é{79}…" \(3000000 characters\)/);
    expect(() => assertGroupName(huge)).toThrow(/^Invalid group name "é{79}…" \(3000000 characters\)/);
  });
});
