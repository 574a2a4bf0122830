import { describe, expect, it } from 'vitest';
import {
  ExactInteger,
  exactInteger,
  markLongIntegers,
  exactIntegersIn,
  parseExact,
  parseLongIntegersAsText,
  stringifyExact,
} from './exact-json.js';

describe('exact JSON integers', () => {
  it('writes integers past 2^53 as exact JSON numbers; plain JSON.stringify keeps them as text', () => {
    const rows = [[exactInteger('9223372036854775807'), exactInteger('1'), exactInteger('-9007199254740993'), 'x']];
    expect(stringifyExact({ rows })).toBe('{"rows":[[9223372036854775807,1,-9007199254740993,"x"]]}');
    expect(JSON.stringify({ rows })).toBe('{"rows":[["9223372036854775807",1,"-9007199254740993","x"]]}');
    expect(Number(new ExactInteger('9007199254740993'))).toBe(9007199254740992);
    expect(String(new ExactInteger('12345678901234567890'))).toBe('12345678901234567890');
  });

  it('reads long integer literals exactly, leaving strings, decimals and exponents alone', () => {
    const text =
      '{"id": 9223372036854775807, "s": "9223372036854775807 \\" 12345678901234567890", "d": 1234567890123456.5, "e": 1e400, "n": -9007199254740993, "small": 42}';
    expect(exactIntegersIn(JSON.parse(markLongIntegers(text)!))).toEqual({
      id: 9223372036854775807n,
      s: '9223372036854775807 " 12345678901234567890',
      d: 1234567890123456.5,
      e: Infinity,
      n: -9007199254740993n,
      small: 42,
    });
    expect(markLongIntegers('{"a": 9007199254740991, "b": "12345678901234567890"}')).toBeNull();
    const back = parseExact(stringifyExact([exactInteger('18446744073709551615')])) as unknown[];
    expect(back[0]).toBeInstanceOf(ExactInteger);
    expect(stringifyExact(back)).toBe('[18446744073709551615]');
    // The web UI shows them as their digits.
    expect(parseLongIntegersAsText('{"rows":[[9223372036854775807,1.5,"9223372036854775807"]]}')).toEqual({
      rows: [['9223372036854775807', 1.5, '9223372036854775807']],
    });
  });
});
