import { describe, expect, it } from 'vitest';
import { parsePenalty, penaltyValue } from './penalties.js';

describe('penalties', () => {
  it('follow the textbook formulas for k = p + 1 parameters per change', () => {
    const n = 1000;
    expect(penaltyValue('bic', n, 1)).toBeCloseTo(2 * Math.log(1000), 12);
    expect(penaltyValue('bic', n, 2)).toBeCloseTo(3 * Math.log(1000), 12);
    expect(penaltyValue('mbic', n, 1)).toBeCloseTo(3 * Math.log(1000), 12);
    expect(penaltyValue('aic', n, 1)).toBe(4);
    expect(penaltyValue('hq', n, 1)).toBeCloseTo(4 * Math.log(Math.log(1000)), 12);
    expect(penaltyValue(7.5, n, 1)).toBe(7.5);
  });

  it('parses names and numbers and rejects anything else', () => {
    expect(parsePenalty('MBIC')).toBe('mbic');
    expect(parsePenalty('12.5')).toBe(12.5);
    expect(() => parsePenalty('-1')).toThrow(/penalty must be/);
    expect(() => parsePenalty('big')).toThrow(/penalty must be/);
    expect(() => penaltyValue(-2, 10, 1)).toThrow(/≥ 0/);
  });
});
