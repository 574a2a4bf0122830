import { describe, expect, it } from 'vitest';
import { cellColor, formatCell } from './table-format.js';

describe('table number formats', () => {
  it('apply spreadsheet-like patterns to numbers', () => {
    expect(formatCell(1234.5678, '0')).toBe('1235');
    expect(formatCell(1234.5678, '0.00')).toBe('1234.57');
    expect(formatCell(1234567.891, '#,##0.0')).toBe('1,234,567.9');
    expect(formatCell(0.4812, '0%')).toBe('48 %');
    expect(formatCell(0.4812, '0.0%')).toBe('48.1 %');
    expect(formatCell(19830, '0.00e0')).toBe('1.98e+4');
  });

  it('leave text, nulls and unknown patterns readable', () => {
    expect(formatCell('DA41', '0.00')).toBe('DA41');
    expect(formatCell(null, '0.00')).toBe('');
    expect(formatCell(3.5, 'dd/mm/yyyy')).toBe('3.5');
    expect(formatCell(3.5)).toBe('3.5');
    // Unformatted numbers: six significant digits, the whole part kept, whole numbers as they are.
    expect(formatCell(29.988810624535542)).toBe('29.9888');
    expect(formatCell(-0.000123456789)).toBe('-0.000123457');
    expect(formatCell(1234567.891)).toBe('1234568');
    expect(formatCell(12345678901)).toBe('12345678901');
    expect(formatCell(0.1 + 0.2)).toBe('0.3');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });
});

describe('conditional colours', () => {
  const rules = [
    { column: 'trec', op: 'gt' as const, value: 50, color: '#fdd' },
    { column: 'trec', op: 'gt' as const, value: 100, color: '#f88' },
    { column: 'trec', op: 'lt' as const, value: 0, color: '#ddf' },
  ];

  it('colour a cell by the last rule of its column that matches', () => {
    expect(cellColor('trec', 60, rules)).toBe('#fdd');
    expect(cellColor('trec', 19830, rules)).toBe('#f88');
    expect(cellColor('trec', -48, rules)).toBe('#ddf');
    expect(cellColor('trec', 30, rules)).toBeUndefined();
    expect(cellColor('band', 60, rules)).toBeUndefined();
    expect(cellColor('trec', null, rules)).toBeUndefined();
  });
});
