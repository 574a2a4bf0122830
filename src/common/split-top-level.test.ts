import { describe, expect, it } from 'vitest';
import { splitTopLevel } from './split-top-level.js';

describe('splitTopLevel', () => {
  it('splits at commas outside parentheses and double quotes', () => {
    expect(splitTopLevel('a:INT, amount:DECIMAL(10,2),s:STRUCT(x INT, "y,z" MAP(VARCHAR, INT))')).toEqual([
      'a:INT',
      'amount:DECIMAL(10,2)',
      's:STRUCT(x INT, "y,z" MAP(VARCHAR, INT))',
    ]);
    expect(splitTopLevel('"a,b" VARCHAR,,c')).toEqual(['"a,b" VARCHAR', 'c']);
    expect(splitTopLevel('')).toEqual([]);
  });
});
