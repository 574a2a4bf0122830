import { describe, expect, it } from 'vitest';
import { formatAggregateNumber } from './number-format.js';

describe('formatAggregateNumber', () => {
  it('drops the digits a sum of many values cannot hold', () => {
    // DuckDB's mean of 1,000 values with six decimals, as `dataset stats` printed it.
    expect(formatAggregateNumber(125.385162000001, 'DOUBLE', 1000)).toBe('125.385162');
    // One value: its mean is the value, all 15 digits kept.
    expect(formatAggregateNumber(125.385162000001, 'DOUBLE', 1)).toBe('125.385162000001');
    // Never fewer than 6 significant digits, even for a FLOAT over a million rows.
    expect(formatAggregateNumber(1 / 3, 'FLOAT', 1_000_000)).toBe('0.333333');
    expect(formatAggregateNumber(42, 'DOUBLE', 10)).toBe('42');
    expect(formatAggregateNumber(Number.NaN, 'DOUBLE', 10)).toBe('NaN');
  });
});
