import { describe, expect, it } from 'vitest';
import { formatCell, formatClock, formatDuration } from './format';
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

  it('makes dataset names from file names', () => {
    expect(nameFromFileName('Receiver temps (2022).csv')).toBe('receiver_temps_2022');
    expect(nameFromFileName('2022-shifts.parquet')).toBe('d_2022_shifts');
  });
});
