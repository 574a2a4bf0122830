import { describe, expect, it } from 'vitest';
import {
  formatCell,
  formatClock,
  formatCount,
  formatDateTime,
  formatDistinct,
  formatDuration,
  formatNumber,
  formatTypedNumber,
} from './format';
import { nameFromFileName } from './names';

describe('display helpers', () => {
  it('shows runtimes as the monitoring view does', () => {
    expect(formatClock(59_000)).toBe('00:59');
    expect(formatClock(22 * 60_000 + 8_000)).toBe('22:08');
    expect(formatClock(3_725_000)).toBe('1:02:05');
    expect(formatClock(218)).toBe('00:00.2');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
  });

  it('drops binary floating-point noise from cells', () => {
    expect(formatCell(59.980000000000004)).toBe('59.98');
    expect(formatCell(null)).toBe('');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });

  it('prints numbers by column type: FLOAT with ~7 significant digits, DOUBLE up to 15, DECIMAL with its scale', () => {
    expect(formatCell(25.100000381469727, 'FLOAT')).toBe('25.1');
    expect(formatCell(0.30000001192092896, 'REAL')).toBe('0.3');
    expect(formatCell(100.00000000000001, 'DOUBLE')).toBe('100');
    expect(formatCell(0.1 + 0.2)).toBe('0.3');
    expect(formatCell(1 / 3, 'DOUBLE')).toBe('0.333333333333333');
    expect(formatCell(1 / 3, 'FLOAT')).toBe('0.3333333');
    expect(formatCell(2.5, 'DECIMAL(10,2)')).toBe('2.50');
    expect(formatTypedNumber(6.02214076e23, 'DOUBLE')).toBe('6.02214076e+23');
    expect(formatTypedNumber(1.5e-9, 'DOUBLE')).toBe('1.5e-9');
    expect(formatTypedNumber(16777217, 'FLOAT')).toBe('16777217');
    expect(formatTypedNumber(9007199254740991, 'BIGINT')).toBe('9007199254740991');
  });

  it('groups the digits of numbers past 2^53, which the API client keeps as text', () => {
    // A BIGINT column of nanosecond times: its mean (a DOUBLE) arrives as digits too.
    expect(formatNumber('1733580000123456800')).toBe('1,733,580,000,123,456,800');
    expect(formatCount('-9223372036854775807')).toBe('-9,223,372,036,854,775,807');
    expect(formatNumber(1234.5678)).toBe('1,234.6');
  });

  it('marks approximate distinct counts', () => {
    expect(formatDistinct(13, true)).toBe('≈13');
    expect(formatDistinct(1234, false)).toBe('1,234');
  });

  it('makes dataset names from file names', () => {
    expect(nameFromFileName('obs.csv.gz')).toBe('obs');
    expect(nameFromFileName('Lines.jsonl.zst')).toBe('lines');
    expect(nameFromFileName('Receiver temps (2022).csv')).toBe('receiver_temps_2022');
    expect(nameFromFileName('2022-shifts.parquet')).toBe('d_2022_shifts');
  });

  it("writes dates in the reader's locale with the time zone named", () => {
    const iso = '2026-03-01T14:05:09Z';
    expect(formatDateTime(iso, 'en-GB', 'UTC')).toBe('01/03/2026, 14:05:09 UTC');
    expect(formatDateTime(iso, 'en-US', 'America/Santiago')).toMatch(/^03\/01\/2026, 11:05:09 AM GMT-3$/);
    expect(formatDateTime(null)).toBe('—');
  });
});
